// -o github: a run whose only problems are unknowns exits 2, so its unknowns are ::error annotations (the
// step fails); with real failures beside them they stay warnings. A run that cannot reach the API is one
// ::error line on stdout, beside the usual Error:/Hint: on stderr.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyIgnores, buildReport } from '../../src/gate/gate.js';
import { renderGithub, runFailedLine } from '../../src/render/github.js';
import { kdiag } from '../helpers/cli.js';
import { findingOf as f } from '../helpers/facts.js';
import { EXEC_DENIED, withSim } from '../helpers/sim.js';

const checks = ['bpffs', 'kernel-version'].map((id) => ({ id, title: id }));

test('only unknowns: each unknown is an ::error and the summary says unknown (exit 2)', () => {
  const report = buildReport(
    'cluster',
    checks,
    applyIgnores([f('bpffs/unknown', 'unknown', 'n1', 'exec failed'), f('kernel-version/ok', 'pass', 'n1', 'ok')], []),
    'fail',
  );
  expect(report.exitCode).toBe(2);
  expect(renderGithub(report).split('\n')).toEqual([
    '::error title=bpffs/unknown::n1: unknown: exec failed',
    'kdiag preflight: unknown (0 failed, 1 unknown, 0 suppressed, 1 passed, 0 warnings; fail-on fail)',
    '',
  ]);
});

test('failures beside unknowns: the failures are errors, the unknowns stay warnings (exit 1)', () => {
  const report = buildReport(
    'cluster',
    checks,
    applyIgnores(
      [f('bpffs/unknown', 'unknown', 'n1', 'exec failed'), f('kernel-version/below-minimum', 'fail', 'n2', 'old')],
      [],
    ),
    'fail',
  );
  expect(report.exitCode).toBe(1);
  expect(renderGithub(report)).toContain('::warning title=bpffs/unknown::n1: unknown: exec failed\n');
  expect(renderGithub(report)).toContain('::error title=kernel-version/below-minimum::n2: old\n');
});

test('a run that could not start is one escaped ::error line', () => {
  expect(runFailedLine('kdiag preflight', 'cannot reach https://h:1: refused', 'is it up?\nretry')).toBe(
    '::error title=kdiag preflight::cannot reach https://h:1: refused (hint: is it up?%0Aretry)\n',
  );
});

describe('kdiag preflight -o github', () => {
  test('exec forbidden everywhere: only unknowns, exit 2, every annotation an error', async () => {
    await withSim(EXEC_DENIED, async (sim) => {
      const r = await kdiag(['preflight', '-o', 'github'], { sim });
      expect(r.exitCode).toBe(2);
      const lines = r.stdout.trimEnd().split('\n');
      const annotations = lines.filter((l) => l.startsWith('::'));
      expect(annotations.length).toBeGreaterThan(0);
      expect(annotations.every((l) => /^::error title=[a-z-]+\/missing-permission::unknown: /.test(l))).toBe(true);
      expect(lines[lines.length - 1]).toMatch(/^kdiag preflight: unknown \(0 failed, \d+ unknown, /);
    });
  });

  test('API unreachable: exactly one ::error line on stdout, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kdiag-gh-'));
    try {
      const kc = join(dir, 'kubeconfig');
      writeFileSync(
        kc,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '- name: c',
          '  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}',
          'contexts:',
          '- name: c',
          '  context: {cluster: c, user: u}',
          'current-context: c',
          'users:',
          '- name: u',
          '  user: {token: not-a-secret}',
          '',
        ].join('\n'),
      );
      const r = await kdiag(['preflight', '-o', 'github'], { kubeconfig: kc });
      expect(r.exitCode).toBe(2);
      expect(r.stdout.split('\n').filter(Boolean)).toEqual([
        expect.stringMatching(
          /^::error title=kdiag preflight::cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:1: connection refused \(hint: /,
        ),
      ]);
      expect(r.stderr).toMatch(/^Error: cannot reach the Kubernetes API/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
