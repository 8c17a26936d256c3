// `kdiag preflight` against the simulator: exit codes, every output format, suppression, config errors, RBAC.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kdiag } from '../helpers/cli.js';
import { scenario, simulator, type SimHandle } from '../helpers/sim.js';
import { parseJunit } from './junit.js';

let healthy: SimHandle;
let broken: SimHandle;
const tmp = mkdtempSync(join(tmpdir(), 'kdiag-preflight-'));

beforeAll(async () => {
  [healthy, broken] = await Promise.all([simulator('healthy'), simulator('bpf-programs-not-loaded')]);
});
afterAll(async () => {
  await Promise.all([healthy?.stop(), broken?.stop()]);
});

interface Report {
  summary: { status: string; failed: number; unknown: number; suppressed: number };
  findings: { id: string; check: string; status: string; node?: string; suppressed?: string }[];
  testcases: { name: string; outcome: string }[];
}

describe('healthy cluster', () => {
  test('exit 0 and every test case passes (json)', async () => {
    const r = await kdiag(['preflight', '-o', 'json'], { sim: healthy });
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.testcases.filter((t) => t.outcome !== 'passed')).toEqual([]);
    expect(rep.summary.status).toBe('passed');
    expect(r.exitCode).toBe(0);
    // one case per check and node: the per-node checks name the simulator's three nodes
    expect(rep.testcases.map((t) => t.name)).toEqual(
      expect.arrayContaining(['bpf-programs@node-1', 'bpf-programs@node-2', 'bpf-programs@node-3', 'cilium-installed']),
    );
  });

  test('JUnit: no failures or errors, and --junit-file holds the same report', async () => {
    const file = join(tmp, 'reports', 'healthy.xml');
    const r = await kdiag(['preflight', '-o', 'junit', '--junit-file', file], { sim: healthy });
    const { suite, cases } = parseJunit(r.stdout);
    expect(suite.name).toBe('kdiag preflight');
    expect(suite.failures).toBe('0');
    expect(suite.errors).toBe('0');
    expect(cases.length).toBe(Number(suite.tests));
    expect(cases.every((c) => !c.failure && !c.error && !c.skipped)).toBe(true);
    expect(parseJunit(readFileSync(file, 'utf8')).cases.map((c) => c.name)).toEqual(cases.map((c) => c.name));
    expect(r.exitCode).toBe(0);
  });

  test('GitHub: only the summary line', async () => {
    const r = await kdiag(['preflight', '-o', 'github'], { sim: healthy });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error') || l.startsWith('::warning'))).toEqual([]);
    expect(lines[lines.length - 1]).toMatch(
      /^kdiag preflight: passed \(0 failed, 0 unknown, 0 suppressed, \d+ passed, 0 warnings; fail-on fail\)$/,
    );
  });
});

describe('bpf-programs-not-loaded (node-2, node-4)', () => {
  test('exit 1; bpf-programs fails on exactly the affected nodes (json)', async () => {
    const r = await kdiag(['preflight', '-o', 'json'], { sim: broken });
    expect(r.exitCode).toBe(1);
    const rep = JSON.parse(r.stdout) as Report;
    const failing = rep.findings.filter((f) => f.check === 'bpf-programs' && f.status === 'fail').map((f) => f.node);
    expect(failing.sort()).toEqual(['node-2', 'node-4']);
    expect(rep.testcases.filter((t) => t.name.startsWith('bpf-programs@')).map((t) => [t.name, t.outcome])).toEqual([
      ['bpf-programs@node-1', 'passed'],
      ['bpf-programs@node-2', 'failed'],
      ['bpf-programs@node-3', 'passed'],
      ['bpf-programs@node-4', 'failed'],
      ['bpf-programs@node-5', 'passed'],
    ]);
  });

  test('JUnit: failures carry the message and the evidence', async () => {
    const r = await kdiag(['preflight', '-o', 'junit', '--check', 'bpf-programs'], { sim: broken });
    expect(r.exitCode).toBe(1);
    const { suite, cases } = parseJunit(r.stdout);
    expect(cases.map((c) => c.name)).toEqual([
      'bpf-programs@node-1',
      'bpf-programs@node-2',
      'bpf-programs@node-3',
      'bpf-programs@node-4',
      'bpf-programs@node-5',
    ]);
    expect(cases.filter((c) => c.failure).map((c) => c.name)).toEqual(['bpf-programs@node-2', 'bpf-programs@node-4']);
    expect(suite.failures).toBe('2');
    const f = cases.find((c) => c.name === 'bpf-programs@node-2')!.failure!;
    expect(f.type).toBe('fail');
    expect(f.message).toMatch(/^node-2: /);
    expect(f.text).toContain('bpftool prog show');
    expect(f.text).toContain('cil_from_container');
  });

  test('GitHub: exact annotation lines and summary', async () => {
    const r = await kdiag(['preflight', '-o', 'github', '--check', 'bpf-programs'], { sim: broken });
    expect(r.stdout).toBe(
      [
        '::error title=bpf-programs/none-loaded::node-2: no Cilium eBPF programs are loaded on node-2: ClusterIP traffic is not load-balanced there',
        '::error title=bpf-programs/none-loaded::node-4: no Cilium eBPF programs are loaded on node-4: ClusterIP traffic is not load-balanced there',
        'kdiag preflight: failed (2 failed, 0 unknown, 0 suppressed, 3 passed, 0 warnings; fail-on fail)',
      ].join('\n'),
    );
  });

  test('--ignore id@node keeps the finding as suppressed; exit 0 only once nothing else fails', async () => {
    const one = await kdiag(['preflight', '-o', 'json', '--check', 'bpf-programs', '--ignore', 'bpf-programs@node-2'], {
      sim: broken,
    });
    expect(one.exitCode).toBe(1);
    const rep1 = JSON.parse(one.stdout) as Report;
    expect(rep1.findings.find((f) => f.node === 'node-2' && f.check === 'bpf-programs')).toMatchObject({
      status: 'fail',
      suppressed: 'bpf-programs@node-2',
    });
    expect(rep1.summary).toMatchObject({ failed: 1, suppressed: 1 });

    const both = await kdiag(
      [
        'preflight',
        '-o',
        'junit',
        '--check',
        'bpf-programs',
        '--ignore',
        'bpf-programs@node-2',
        '--ignore',
        'bpf-programs/none-loaded@node-4',
      ],
      { sim: broken },
    );
    expect(both.exitCode).toBe(0);
    const { suite, cases } = parseJunit(both.stdout);
    expect(suite.failures).toBe('0');
    expect(suite.skipped).toBe('2');
    for (const n of ['node-2', 'node-4']) {
      const c = cases.find((x) => x.name === `bpf-programs@${n}`)!;
      expect(c.skipped).toBe(true);
      expect(c['system-out']).toMatch(/^suppressed by bpf-programs/);
    }
  });

  test('ignore rules from --config .kdiag.yaml work like --ignore', async () => {
    const cfg = join(tmp, 'kdiag.yaml');
    writeFileSync(cfg, 'ignore:\n  - bpf-programs@node-2\n  - bpf-programs@node-4\n');
    const r = await kdiag(['preflight', '-o', 'github', '--check', 'bpf-programs', '--config', cfg], { sim: broken });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::notice title=bpf-programs/none-loaded::'))).toHaveLength(
      2,
    );
  });
});

describe('could not run', () => {
  test('a --config file with a bad key: exit 2 and one line', async () => {
    const cfg = join(tmp, 'bad.yaml');
    writeFileSync(cfg, 'ignores:\n  - bpf-programs\n');
    const r = await kdiag(['preflight', '--config', cfg], { sim: healthy });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`Error: ${cfg}: (top level): unknown key "ignores" (allowed: ignore, fail-on)`);
  });

  test('missing RBAC is reported as unknown with the permission, not as a cluster failure', async () => {
    const sim = await simulator(
      scenario({
        description: 'healthy, but kdiag may not exec into pods',
        version: '1.16.5',
        count: 2,
        rbac: { deny: [{ verb: 'create', resource: 'pods/exec', namespace: 'kube-system' }] },
      }),
    );
    try {
      const r = await kdiag(['preflight', '-o', 'json'], { sim });
      const rep = JSON.parse(r.stdout) as Report;
      const perm = rep.findings.filter((f) => f.id.endsWith('/missing-permission'));
      expect(perm.map((f) => f.check).sort()).toEqual([
        'bpf-programs',
        'bpffs',
        'kube-proxy-leftovers',
        'kube-proxy-replacement',
        'service-map',
        'socket-lb',
      ]);
      for (const f of perm)
        expect(f).toMatchObject({
          status: 'unknown',
          message: expect.stringContaining('missing permission: create pods/exec in kube-system'),
        });
      expect(rep.findings.filter((f) => f.status === 'fail')).toEqual([]);
      expect(r.exitCode).toBe(2);
    } finally {
      await sim.stop();
    }
  });
});

test('preflight list names every check with its RBAC needs', async () => {
  const r = await kdiag(['preflight', 'list', '-o', 'json']);
  expect(r.exitCode).toBe(0);
  const list = JSON.parse(r.stdout) as { id: string; scope: string; rbac: string[] }[];
  expect(list.find((c) => c.id === 'bpf-programs')).toMatchObject({
    scope: 'cluster',
    rbac: expect.arrayContaining(['create pods/exec in <cilium-ns>']),
  });
  expect(list.find((c) => c.id === 'node-bpf-programs')).toMatchObject({ scope: 'node' });
});
