// Issue #20, round two: no false pass (a --node that matches nothing, every node unknown, a re-check
// that could not look), no unsafe fix (a stale log line, an unbounded --max-unavailable), no silent
// exit (API lost mid-fix, SIGINT/SIGTERM while waiting), no spinner on a 0x0 terminal.
import { execa } from 'execa';
import type { KubeClient } from '../../src/cluster/client.js';
import { applyFixes } from '../../src/engine/apply-fix.js';
import type { FixPlan, RestartAction } from '../../src/engine/fix-plan.js';
import type { Diagnosis } from '../../src/model/diagnosis.js';
import { renderFixResult } from '../../src/render/diagnosis.js';
import { BIN, ended, kdiag, type Run, spawnKdiag } from '../helpers/cli.js';
import { agents, scenario, shipped, simulator, type SimHandle } from '../helpers/sim.js';
import { errorLine, expectNoStack, limit, parseJson, recorder, type DoctorJson } from './helpers.js';

const record = recorder('round-two');

const OLD_RELOAD_ERROR =
  'time="2020-01-01T00:00:00Z" level=error msg="Error while reloading endpoint BPF program" subsys=endpoint';

describe('a --node that names no node is an input error (exit 2, did you mean)', () => {
  let ten: SimHandle;
  beforeAll(async () => {
    ten = await simulator(scenario({ count: 10, faults: [{ kind: 'bpf-programs-not-loaded', nodes: 'node-2' }] }));
  });
  afterAll(() => ten?.stop());

  const CASES: [string, string[]][] = [
    ['doctor clusterip', ['doctor', 'clusterip', '--node', 'node-99']],
    ['doctor clusterip --fix --yes', ['doctor', 'clusterip', '--node', 'node-99', '--fix', '--yes']],
    ['service-list --fail-on-drift', ['service-list', '--node', 'node-99', '--fail-on-drift']],
    ['bpf progs', ['bpf', 'progs', '--node', 'node-99']],
    ['logs', ['logs', '--node', 'node-99', '--tail', '5']],
    ['preflight --ignore bpf-programs@node-99', ['preflight', '--ignore', 'bpf-programs@node-99']],
  ];
  test.each(CASES)(
    '%s',
    async (name, args) => {
      const before = agents(ten).map((a) => a.uid);
      const r = await limit(() => kdiag(args, { sim: ten }));
      expectNoStack(r);
      record({
        group: 'Input',
        command: name,
        fault: '`node-99` on a 10-node cluster',
        exitCode: r.exitCode,
        line: errorLine(r),
      });
      expect(r.exitCode).toBe(2);
      expect(errorLine(r)).toMatch(/node-99.*no such node.*did you mean node-9\?/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).not.toMatch(/healthy|all OK/);
      expect(agents(ten).map((a) => a.uid)).toEqual(before);
    },
    60_000,
  );
});

describe('every node unknown is "could not run" (exit 2)', () => {
  let hung: SimHandle;
  beforeAll(async () => {
    hung = await simulator(scenario({ count: 2, faults: [{ kind: 'exec-hangs', nodes: 'all' }] }));
  });
  afterAll(() => hung?.stop());

  test('bpf progs with every exec hung', async () => {
    const r = await kdiag(['bpf', 'progs', '-o', 'json', '--request-timeout', '2s'], { sim: hung });
    expectNoStack(r);
    record({
      group: 'Per-node faults',
      command: 'bpf progs',
      fault: 'exec hangs on every node (`--request-timeout 2s`)',
      exitCode: r.exitCode,
      line: errorLine(r),
    });
    expect(r.exitCode).toBe(2);
    expect(errorLine(r)).toMatch(/^Error: could not list the programs on any node/);
  }, 60_000);
});

describe('a fix re-check with unknowns is "not verified", never "recovered"', () => {
  let sim: SimHandle;
  let client: KubeClient;
  beforeAll(async () => {
    sim = await simulator(shipped('bpf-programs-not-loaded'));
    const { KubeClient } = await import('../../src/cluster/client.js');
    client = await KubeClient.connect({ kubeconfig: sim.kubeconfigPath, requestTimeoutMs: 10_000, concurrency: 4 });
  });
  afterAll(async () => {
    client?.close();
    await sim?.stop();
  });

  test('the new agent is Ready, its bpftool could not be read', async () => {
    const a = agents(sim).find((x) => x.node === 'node-2')!;
    const action: RestartAction = {
      kind: 'restart-agent',
      node: 'node-2',
      namespace: 'kube-system',
      pod: a.name,
      causes: ['bpf-programs-not-loaded'],
      command: `kubectl -n kube-system delete pod ${a.name}`,
      argv: ['kubectl', '-n', 'kube-system', 'delete', 'pod', a.name],
    };
    const plan = {
      actions: [action],
      batches: [[action]],
      commands: [],
      refused: [],
      notFixable: [],
      maxUnavailable: 1,
    };
    const res = await applyFixes(client, plan as FixPlan, {
      install: {
        namespace: 'kube-system',
        daemonSet: 'cilium',
        version: 'v1.16.5',
        minor: 16,
        cli: 'cilium-dbg',
      } as never,
      readyTimeoutMs: 30_000,
      pollMs: 200,
      recheck: async (nodes) =>
        nodes.map((node) => ({ node, remaining: [], unknown: ['bpf-programs/unknown: exec timed out after 3s'] })),
    });
    const step = res.steps[0]!;
    const after = {
      rootCauses: [],
      findings: [{ id: 'bpf-programs/unknown', check: 'bpf-programs', status: 'unknown', node: 'node-2' }],
    } as unknown as Diagnosis;
    const text = renderFixResult(res, { rootCauses: [], findings: [] } as unknown as Diagnosis, after);
    record({
      group: 'Safety',
      command: 'applyFixes + FIX RESULT (engine)',
      fault: 'new agent Ready, its bpftool hangs on the re-check',
      exitCode: 0,
      line: `${step.outcome}: ${step.detail}`,
      unknown: text.split('\n').find((l) => l.startsWith('after:')),
    });
    expect(step.outcome).toBe('not-verified');
    expect(text).not.toMatch(/re-checked clean|after:\s+healthy/);
    expect(text).toMatch(/after:\s+not verified/);
    expect(res.completed).toBe(false);
  }, 60_000);
});

describe('current state outranks a log line', () => {
  let stale: SimHandle;
  beforeAll(async () => {
    stale = await simulator(
      scenario({ count: 3, faults: [{ kind: 'logs', nodes: 'node-2', lines: [OLD_RELOAD_ERROR] }] } as never),
    );
  });
  afterAll(() => stale?.stop());

  test('an old "Error while reloading endpoint BPF program" while bpftool lists every program', async () => {
    const before = agents(stale).map((a) => a.uid);
    const r = await kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json'], { sim: stale });
    expectNoStack(r);
    const j = parseJson<DoctorJson>(r)!;
    record({
      group: 'Safety',
      command: 'doctor clusterip --fix --yes',
      fault: 'a 2020 log line says BPF reload failed; bpftool lists every program',
      exitCode: r.exitCode,
      line: j.findings.find((f) => f.check === 'agent-logs' && f.node === 'node-2')?.message ?? '',
      unknown: `root causes: ${j.rootCauses.map((c) => c.id).join(', ') || 'none'}; no pod changed`,
    });
    expect(j.rootCauses.map((c) => c.id)).not.toContain('bpf-programs-not-loaded');
    expect(agents(stale).map((a) => a.uid)).toEqual(before);
    expect(r.exitCode).toBe(0);
  }, 90_000);
});

describe('--max-unavailable is capped', () => {
  let broken: SimHandle;
  beforeAll(async () => {
    broken = await simulator('bpf-programs-not-loaded');
  });
  afterAll(() => broken?.stop());

  test('--max-unavailable 10 on 5 nodes: batches of 1, and the text says so', async () => {
    const [j, t, forced] = await Promise.all([
      kdiag(['doctor', 'clusterip', '--fix', '--dry-run', '--max-unavailable', '10', '-o', 'json'], { sim: broken }),
      kdiag(['doctor', 'clusterip', '--fix', '--dry-run', '--max-unavailable', '10'], { sim: broken }),
      kdiag(['doctor', 'clusterip', '--fix', '--dry-run', '--max-unavailable', '10', '--force-max-unavailable'], {
        sim: broken,
      }),
    ]);
    const plan = parseJson<{ plan: FixPlan }>(j)!.plan;
    record({
      group: 'Safety',
      command: 'doctor clusterip --fix --dry-run --max-unavailable 10',
      fault: 'bpf-programs-not-loaded on 2 of 5 nodes',
      exitCode: t.exitCode,
      line: t.stdout.split('\n').find((l) => /capped/.test(l)) ?? '',
      unknown: `batches: ${plan.batches.map((b) => b.length).join('+')}`,
    });
    expect(plan.maxUnavailable).toBe(1);
    expect(plan.batches.map((b) => b.length)).toEqual([1, 1]);
    expect(t.stdout).toMatch(/one node at a time/);
    expect(t.stdout).toMatch(/capped at 1/);
    expect(forced.stdout).toMatch(/10 nodes at a time/);
    expect(forced.stdout).not.toMatch(/one node at a time/);
  }, 90_000);
});

describe('API lost and signals during a fix: the FIX RESULT says what was changed', () => {
  let lost: SimHandle;
  let sigint: SimHandle;
  let sigterm: SimHandle;
  beforeAll(async () => {
    const slow = { ...shipped('bpf-programs-not-loaded'), timing: { agentStartMs: 30_000 } } as never;
    [lost, sigint, sigterm] = await Promise.all([simulator(slow), simulator(slow), simulator(slow)]);
  });
  afterAll(async () => {
    await Promise.all([lost?.stop(), sigint?.stop(), sigterm?.stop()]);
  });

  /** Waits until the first agent is gone from the simulator (the fix's first delete). */
  async function firstDelete(sim: SimHandle, before: string[]): Promise<void> {
    while (agents(sim).every((a) => before.includes(a.uid)) && agents(sim).length === before.length)
      await new Promise((r) => setTimeout(r, 100));
  }

  test('API lost after the first delete: JSON with the deleted pod and the unknown node', async () => {
    const before = agents(lost).map((a) => a.uid);
    const child = spawnKdiag(
      ['doctor', 'clusterip', '--fix', '--yes', '-o', 'json', '--ready-timeout', '3s', '--request-timeout', '2s'],
      { sim: lost, timeout: 60_000 },
    );
    await firstDelete(lost, before);
    await lost.stop();
    const r = await ended(child);
    expectNoStack(r);
    const j = parseJson<DoctorJson>(r);
    const steps = j?.fix?.steps ?? [];
    record({
      group: 'Ctrl-C',
      command: 'doctor clusterip --fix --yes -o json',
      fault: 'API lost after the first delete',
      exitCode: r.exitCode,
      line: errorLine(r),
      unknown: steps.map((s) => `${s.node}: ${s.outcome}`).join(', '),
    });
    expect(steps[0]).toMatchObject({ node: 'node-2', outcome: 'not-ready' });
    expect(steps.find((s) => s.node === 'node-4')?.outcome).toBe('skipped');
    expect(r.exitCode).not.toBe(0);
  }, 90_000);

  test.each([
    ['SIGINT', 130, () => sigint],
    ['SIGTERM', 143, () => sigterm],
  ] as const)(
    '%s while waiting for the new agent: stops at once, prints the summary',
    async (sig, code, sim) => {
      const child = spawnKdiag(['doctor', 'clusterip', '--fix', '--yes', '--ready-timeout', '60s'], {
        sim: sim(),
        timeout: 60_000,
      });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (/deleting kube-system\//.test(err) && !child.killed) child.kill(sig);
      });
      const r: Run = await ended(child);
      expectNoStack(r);
      record({
        group: 'Ctrl-C',
        command: 'doctor clusterip --fix --yes',
        fault: `${sig} while waiting for the new agent (agent start 30 s)`,
        exitCode: r.exitCode,
        line: r.stderr.split('\n').find((l) => /Stopped by/.test(l)) ?? '',
        unknown: r.stdout.split('\n').find((l) => /node-2:/.test(l) && /interrupted/.test(l)),
      });
      expect(r.stdout).toMatch(/FIX RESULT/);
      expect(r.stdout).toMatch(/node-2: \S+ not-ready — interrupted while waiting/);
      expect(r.stdout).toMatch(/node-4: \S+ skipped/);
      expect(r.exitCode).toBe(code);
    },
    70_000,
  );
});

describe('no spinner on a terminal of size 0x0', () => {
  let healthy: SimHandle;
  beforeAll(async () => {
    healthy = await simulator('healthy');
  });
  afterAll(() => healthy?.stop());

  test('doctor clusterip under a pty with 0 columns and 0 rows', async () => {
    // script(1) gives the CLI a real pty; stty sets its size to 0x0 first.
    const cmd = `stty cols 0 rows 0; node ${BIN} doctor clusterip --kubeconfig ${healthy.kubeconfigPath} >/dev/null`;
    const r = await execa('script', ['-qec', cmd, '/dev/null'], {
      reject: false,
      timeout: 60_000,
      env: { ...process.env, CI: '', NO_COLOR: '1' },
      extendEnv: false,
    });
    const out = String(r.stdout);
    record({
      group: 'Output',
      command: 'doctor clusterip',
      fault: 'a pty of size 0x0',
      exitCode: r.exitCode ?? -1,
      line: `${out.length} bytes on the terminal, ${out.split('\u001b[').length - 1} escape sequences`,
    });
    expect(out).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(out).not.toMatch(/Gathering facts/);
    expect(r.exitCode).toBe(0);
  }, 70_000);
});

describe('bounds', () => {
  let huge: SimHandle;
  const BIG = 'x'.repeat(1024 * 1024);
  beforeAll(async () => {
    huge = await simulator(
      scenario({
        count: 3,
        faults: [
          {
            kind: 'logs',
            nodes: 'node-2',
            lines: [`level=error msg="Error while reloading endpoint BPF program" error="${BIG}" subsys=endpoint`],
          },
        ],
      } as never),
    );
  });
  afterAll(() => huge?.stop());

  test('a 1 MB log line is evidence cut with an ellipsis and its byte count', async () => {
    const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim: huge });
    expectNoStack(r);
    type WithEvidence = { check: string; node?: string; evidence: { excerpt: string }[] };
    const j = parseJson<{ findings: WithEvidence[] }>(r)!;
    const f = j.findings.find((x) => x.check === 'agent-logs' && x.node === 'node-2')!;
    const excerpt = f.evidence.map((e) => e.excerpt).join('\n');
    record({
      group: 'Output',
      command: 'doctor clusterip -o json',
      fault: 'a 1 MB agent log line on node-2',
      exitCode: r.exitCode,
      line: `evidence ${excerpt.length} chars, ending ${excerpt.slice(-24)}`,
    });
    expect(excerpt.length).toBeLessThan(5000);
    expect(excerpt).toMatch(/… \(\d{7} bytes\)$/);
    expect(r.stdout.length).toBeLessThan(200_000);
  }, 60_000);
});
