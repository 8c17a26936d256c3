// Workflow-command escaping, as @actions/core does it (actions/toolkit packages/core/src/command.ts).
import { escapeData, escapeProperty, renderGithub } from '../../src/render/github.js';
import { applyIgnores, buildReport, parseIgnore } from '../../src/gate/gate.js';
import { findingOf as f } from '../helpers/facts.js';

test('data escapes % CR LF; properties also : and ,', () => {
  expect(escapeData('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext: a,b');
  expect(escapeProperty('a/b: c, d%\n')).toBe('a/b%3A c%2C d%25%0A');
});

test('one exact line per finding, by gate outcome, then the summary', () => {
  const findings = applyIgnores(
    [
      f('kernel-version/below-minimum', 'fail', 'n1', 'kernel 4.4 is older than 4.9:\nupgrade'),
      f('kernel-version/below-recommended', 'warn', 'n2', '100% fine, mostly'),
      f('bpffs/unknown', 'unknown', 'n1', 'exec failed'),
      f('bpffs/not-mounted', 'fail', 'n2', 'no bpffs'),
      f('kube-proxy-conflict/ok', 'pass', undefined, 'fine'),
    ],
    [parseIgnore('bpffs@n2')],
  );
  const checks = ['kernel-version', 'bpffs', 'kube-proxy-conflict'].map((id) => ({ id, title: id }));
  const report = buildReport('cluster', checks, findings, 'fail');
  expect(renderGithub(report).split('\n')).toEqual([
    '::error title=kernel-version/below-minimum::n1: kernel 4.4 is older than 4.9:%0Aupgrade',
    '::warning title=kernel-version/below-recommended::n2: 100%25 fine, mostly',
    '::warning title=bpffs/unknown::n1: unknown: exec failed',
    '::notice title=bpffs/not-mounted::n2: suppressed by bpffs@n2: no bpffs',
    'kdiag preflight: failed (1 failed, 1 unknown, 1 suppressed, 2 passed, 1 warnings; fail-on fail)',
    '',
  ]);
  expect(report.exitCode).toBe(1);
  expect(buildReport('cluster', checks, findings, 'warn').summary.failed).toBe(2);
});
