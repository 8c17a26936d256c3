// API-level faults: 404 (no Cilium, a namespace that is gone), 429 with Retry-After and 500/503
// (retried with backoff, then reported), a slow API against --request-timeout.
import { kdiag, type Run } from '../helpers/cli.js';
import { scenario, simulator, type SimHandle } from '../helpers/sim.js';
import {
  COMMANDS,
  command,
  errorLine,
  expectNoStack,
  hintLine,
  limit,
  parseJson,
  recorder,
  type DoctorJson,
  type ServiceListJson,
} from './helpers.js';

const record = recorder('api-faults');
const GROUP = 'API errors';

const WEB = { services: { explicit: [{ name: 'web', clusterIP: '10.96.10.10', backends: 2 }] } };
const PODS = '/api/v1/namespaces/kube-system/pods';
const SIMS = {
  healthy: 'healthy',
  noCilium: 'no-cilium',
  transient: scenario({
    ...WEB,
    api: {
      faults: [
        { path: PODS, status: 429, times: 2, retryAfterSeconds: 1 },
        { path: '/api/v1/nodes', status: 500, times: 1 },
        { path: '/apis/apps/v1', status: 503, times: 1, retryAfterSeconds: 0 },
      ],
    },
  } as never),
  throttled: scenario({
    ...WEB,
    api: { faults: [{ path: '/api/v1/nodes', status: 429, retryAfterSeconds: 0 }] },
  } as never),
  podsDown: scenario({ ...WEB, api: { faults: [{ path: PODS, status: 503, retryAfterSeconds: 0 }] } } as never),
  nodes500: scenario({ ...WEB, api: { faults: [{ path: '/api/v1/nodes', status: 500 }] } } as never),
  slow: scenario({ ...WEB, api: { latencyMs: 2500 } } as never),
} as const;
type SimKey = keyof typeof SIMS;

interface Cell {
  sim: SimKey;
  cmd: string;
  args?: string[];
  fault: string;
  /** Documented exit code. */
  exit: number;
  /** Must appear in stdout or stderr. */
  says: RegExp;
  /** Further checks on the result. */
  verify?: (r: Run) => string | undefined;
  bug?: string;
}

const doctorUnknown = (check: string) => (r: Run) => {
  const j = parseJson<DoctorJson>(r)!;
  const mine = j.findings.filter((f) => f.check === check);
  expect(mine.filter((f) => f.status === 'pass')).toEqual([]);
  const u = mine.find((f) => f.status === 'unknown');
  expect(u).toBeDefined();
  return `${check}: unknown (${u!.message})`;
};

const CELLS: Cell[] = [
  // 404: no Cilium installed at all.
  ...COMMANDS.map((c): Cell => {
    // kube-proxy serves Services there: doctor and preflight run kube-proxy's playbook (no Cilium cause),
    // and service-list lists kube-proxy's rules (issue #16); logs and bpf progs need Cilium's agents.
    const gate = c.name === 'doctor clusterip' || c.name === 'preflight' || c.name === 'service-list';
    return {
      sim: 'noCilium',
      cmd: c.name,
      fault: '404: Cilium not installed (scenario `no-cilium`, kube-proxy alone)',
      exit: gate ? 0 : 2,
      says: gate ? /kube-proxy/ : /Cilium is not installed|cilium-not-installed/,
      verify:
        c.name === 'doctor clusterip'
          ? (r) => {
              const j = parseJson<DoctorJson>(r)!;
              expect(j.rootCauses.map((x) => x.id)).toEqual([]);
              expect(j.findings.filter((f) => f.check === 'bpf-programs')).toEqual([]);
              expect(j.findings.filter((f) => f.check === 'kube-proxy-rules' && f.status === 'pass').length).toBe(2);
              return "kube-proxy's playbook: kube-proxy-rules in sync on both nodes; no Cilium check, no cilium-not-installed";
            }
          : c.name === 'service-list'
            ? (r) => {
                const j = parseJson<{ datapath: string; summary: { nodes: number; notOk: number } }>(r)!;
                expect(j.datapath).toBe('kube-proxy');
                expect(j.summary).toMatchObject({ nodes: 2, notOk: 0 });
                return "kube-proxy's rules on both nodes, every row OK";
              }
            : undefined,
    };
  }),
  // 404: the namespace is gone.
  <Cell>{
    sim: 'healthy',
    cmd: 'doctor clusterip',
    args: ['doctor', 'clusterip', 'gone/web', '-o', 'json'],
    fault: '404: Service in a namespace that is gone (`gone/web`)',
    exit: 2,
    says: /not found/,
  },
  <Cell>{
    sim: 'healthy',
    cmd: 'doctor clusterip',
    args: ['doctor', 'clusterip', 'default/web', '--from', 'gone/client', '-o', 'json'],
    fault: '404: --from pod in a namespace that is gone',
    exit: 2,
    says: /not found/,
  },
  <Cell>{
    sim: 'healthy',
    cmd: 'service-list',
    args: ['service-list', '-n', 'gone', '-o', 'json'],
    fault: '404: `-n gone` (namespace does not exist)',
    exit: 0,
    says: /"rows"/,
    verify: (r: Run) => {
      const j = parseJson<ServiceListJson>(r)!;
      expect(j.rows.filter((x) => x.status === 'STALE')).toEqual([]);
      return undefined;
    },
  },
  ...(['logs', 'bpf progs', 'preflight'] as const).map((n): Cell => ({
    sim: 'healthy',
    cmd: n,
    args: [...command(n)!.args, '--cilium-namespace', 'gone'],
    fault: '404: `--cilium-namespace gone`',
    // no datapath is recognised where the user pointed (issue #16): could not run, saying what was seen
    exit: 2,
    says: /not installed|not found|no DaemonSet|no Cilium agent DaemonSet/,
  })),
  // 429/500/503 that clear up: retried (honouring Retry-After), then the run succeeds.
  ...(['doctor clusterip', 'service-list', 'logs', 'bpf progs'] as const).map((n): Cell => ({
    sim: 'transient',
    cmd: n,
    fault: 'transient: 429 ×2 (Retry-After 1) on agent pods, 500 ×1 on nodes, 503 ×1 on DaemonSets',
    exit: 0,
    says: /./,
    verify: (r) => {
      expect(r.stderr).not.toMatch(/Error:/);
      if (n === 'doctor clusterip') {
        const j = parseJson<DoctorJson>(r)!;
        expect(
          j.findings.filter(
            (f) => (f.check === 'agent-pods' || f.check === 'kernel-version') && f.status === 'unknown',
          ),
        ).toEqual([]);
      }
      return 'retried; full result';
    },
  })),
  // Persistent 429 / 500 / 503: reported after the retries.
  <Cell>{
    sim: 'throttled',
    cmd: 'doctor clusterip',
    fault: '429 on every nodes list (persistent)',
    exit: 2,
    says: /throttling requests \(429\)/,
    verify: doctorUnknown('kernel-version'),
  },
  <Cell>{
    sim: 'nodes500',
    cmd: 'doctor clusterip',
    fault: '500 on every nodes list (persistent)',
    exit: 2,
    says: /failed \(500\)/,
    verify: doctorUnknown('kernel-version'),
  },
  ...(['doctor clusterip', 'service-list', 'logs', 'bpf progs', 'preflight'] as const).map((n): Cell => ({
    sim: 'podsDown',
    cmd: n,
    fault: '503 on every kube-system pods list (persistent)',
    exit: 2,
    says: /failed \(503\)/,
    verify: n === 'doctor clusterip' ? doctorUnknown('agent-pods') : undefined,
  })),
  // Slow API: every request takes 2.5 s, --request-timeout 1s.
  ...COMMANDS.map((c): Cell => ({
    sim: 'slow',
    cmd: c.name,
    args: [...c.args, '--request-timeout', '1s'],
    fault: 'slow API (2.5 s per request) with `--request-timeout 1s`',
    exit: 2,
    says: /timed out after 1s|no answer within 1s/,
  })),
].filter((c) => command(c.cmd));

const sims = new Map<SimKey, SimHandle>();
const runs: Run[] = [];

beforeAll(async () => {
  const keys = [...new Set(CELLS.map((c) => c.sim))];
  await Promise.all(keys.map(async (k) => sims.set(k, await simulator(SIMS[k] as never))));
  await Promise.all(
    CELLS.map((c, i) =>
      limit(() => kdiag(c.args ?? command(c.cmd)!.args, { sim: sims.get(c.sim) }).then((r) => (runs[i] = r))),
    ),
  );
}, 300_000);

afterAll(async () => {
  await Promise.all([...sims.values()].map((s) => s.stop()));
});

describe.each(CELLS.map((c, i) => [c.cmd, c.fault, i] as const))('%s: %s', (_cmd, _fault, i) => {
  const c = CELLS[i]!;
  test('no stack; says what failed; honest about missing facts', () => {
    const r = runs[i]!;
    expectNoStack(r);
    let unknown: string | undefined;
    let dishonest: unknown;
    try {
      unknown = c.verify?.(r);
    } catch (e) {
      dishonest = e;
    }
    const said = ((r.stderr + '\n' + r.stdout).split('\n').find((l) => c.says.test(l)) ?? '')
      .replace(/^\s*"[^"]+": "?/, '')
      .replace(/"?,?$/, '');
    record({
      group: GROUP,
      command: c.args ? c.args.filter((a) => a !== '-o' && a !== 'json').join(' ') : c.cmd,
      fault: c.fault,
      exitCode: r.exitCode,
      line: errorLine(r) || said,
      hint: hintLine(r),
      unknown: unknown ?? (dishonest ? 'NOT honest (see bug)' : undefined),
      bug: c.bug,
    });
    // Known-bug cells assert the rest in the failing test below.
    if (c.bug) return;
    if (dishonest) throw dishonest;
    expect(r.stderr + r.stdout).toMatch(c.says);
  });
  (c.bug ? test.failing : test)(`exit ${c.exit}${c.bug ? ` (bug: ${c.bug})` : ''}`, () => {
    const r = runs[i]!;
    expect(r.exitCode).toBe(c.exit);
    if (c.exit === 2 && c.cmd !== 'preflight') expect(errorLine(r)).toMatch(/^Error: /);
    if (c.bug) {
      c.verify?.(r);
      expect(r.stderr + r.stdout).toMatch(c.says);
      if (c.cmd === 'doctor clusterip' && c.sim === 'slow') expect(hintLine(r)).toMatch(/request-timeout/);
    }
  });
});
