// 403 for each resource and verb the commands use (simulator rbac.deny → the apiserver's real Status
// body). Every cell: no stack; the exact permission (`cannot VERB RESOURCE in NS`) is printed; the checks
// that needed the denied facts are `unknown` with that reason, never `pass`; documented exit code.
import { kdiag, type Run } from '../helpers/cli.js';
import { podUids, scenario, shipped, simulator, type SimHandle } from '../helpers/sim.js';
import {
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

const record = recorder('rbac');

interface Deny {
  verb: string;
  resource: string;
  namespace?: string;
  /** The phrase kdiag must print. */
  phrase: string;
  /** Checks (doctor/preflight) whose facts this denies. */
  checks: string[];
  commands: string[];
}

const DENIES: Deny[] = [
  {
    verb: 'list',
    resource: 'nodes',
    phrase: 'cannot list nodes (cluster-wide)',
    checks: ['kernel-version'],
    commands: ['doctor clusterip', 'bpf progs', 'preflight'],
  },
  {
    verb: 'list',
    resource: 'pods',
    namespace: 'kube-system',
    phrase: 'cannot list pods in kube-system',
    checks: ['agent-pods', 'bpf-programs'],
    commands: ['doctor clusterip', 'service-list', 'logs', 'bpf progs', 'preflight'],
  },
  {
    verb: 'get',
    resource: 'pods/log',
    phrase: 'cannot get pods/log in kube-system',
    checks: ['agent-logs'],
    commands: ['doctor clusterip', 'logs', 'preflight'],
  },
  {
    verb: 'create',
    resource: 'pods/exec',
    phrase: 'cannot create pods/exec in kube-system',
    checks: ['bpf-programs', 'bpffs'],
    commands: ['doctor clusterip', 'service-list', 'bpf progs', 'preflight'],
  },
  {
    verb: 'get',
    resource: 'configmaps',
    phrase: 'cannot get configmaps in kube-system',
    checks: ['kube-proxy-replacement'],
    commands: ['doctor clusterip', 'bpf progs', 'preflight'],
  },
  {
    verb: 'list',
    resource: 'endpointslices',
    phrase: 'cannot list endpointslices',
    checks: ['service-map'],
    commands: ['service-list', 'doctor clusterip'],
  },
  {
    verb: 'list',
    resource: 'services',
    phrase: 'cannot list services',
    checks: ['service-map'],
    commands: ['service-list', 'doctor clusterip'],
  },
  {
    verb: 'list',
    resource: 'daemonsets',
    phrase: 'cannot list daemonsets',
    checks: ['cilium-installed', 'agent-pods'],
    commands: ['doctor clusterip', 'service-list', 'logs', 'bpf progs', 'preflight'],
  },
];

/** Cells where kdiag exits 0 although a permission it needs is missing (none since doctor exits 2 on unknowns). */
const EXIT_BUGS = new Set<string>();
/** Where a partial report (some facts unknown, rest shown) with exit 0 is the documented behaviour (exec denied: every node unknown, so bpf progs exits 2, issue #20 item 2). */
const PARTIAL_OK = new Set(['get configmaps|bpf progs']);
/** Where the denial is of an optional fact and the rest of the report stands (exit 0 or 1 as usual). */
const NOT_NEEDED = new Set(['list nodes|bpf progs']);
/** Cells where nothing names the missing permission (none today). */
const SILENT_BUGS = new Set<string>();

const sims = new Map<string, SimHandle>();
const runs = new Map<string, Run>();
let fixSim: SimHandle;
let fixRun: Run;
let podsBefore: string[] = [];

beforeAll(async () => {
  const jobs: Promise<unknown>[] = [];
  await Promise.all(
    DENIES.map(async (d) => {
      const s = await simulator(
        scenario({
          rbac: { deny: [{ verb: d.verb, resource: d.resource, ...(d.namespace ? { namespace: d.namespace } : {}) }] },
        } as never),
      );
      sims.set(`${d.verb} ${d.resource}`, s);
    }),
  );
  for (const d of DENIES)
    for (const name of d.commands) {
      const c = command(name);
      if (!c) continue;
      jobs.push(
        limit(() =>
          kdiag(c.args, { sim: sims.get(`${d.verb} ${d.resource}`) }).then((r) =>
            runs.set(`${d.verb} ${d.resource}|${name}`, r),
          ),
        ),
      );
    }
  fixSim = await simulator({
    ...shipped('bpf-programs-not-loaded'),
    rbac: { deny: [{ verb: 'delete', resource: 'pods', namespace: 'kube-system' }] },
  } as never);
  podsBefore = podUids(fixSim);
  jobs.push(
    limit(() =>
      kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json', '--ready-timeout', '20s'], { sim: fixSim }).then(
        (r) => (fixRun = r),
      ),
    ),
  );
  await Promise.all(jobs);
}, 300_000);

afterAll(async () => {
  await Promise.all([...sims.values(), fixSim].map((s) => s?.stop()));
});

const cells = DENIES.flatMap((d) =>
  d.commands.filter((n) => command(n)).map((n) => [`${d.verb} ${d.resource}`, n, d] as const),
);

/** `cannot list pods in kube-system`, or preflight's `missing permission: list pods in kube-system`. */
const phraseRe = (d: Deny) =>
  new RegExp(`(cannot|missing permission:) ${d.phrase.replace(/^cannot /, '').replace(/[()/]/g, '\\$&')}`);

/** The first string anywhere in a JSON value that matches. */
function findString(v: unknown, re: RegExp): string | undefined {
  if (typeof v === 'string') return re.test(v) ? v : undefined;
  if (Array.isArray(v))
    for (const x of v) {
      const f = findString(x, re);
      if (f) return f;
    }
  else if (v && typeof v === 'object')
    for (const x of Object.values(v)) {
      const f = findString(x, re);
      if (f) return f;
    }
  return undefined;
}

describe.each(cells)('403 %s → %s', (key, name, d) => {
  const t = SILENT_BUGS.has(`${key}|${name}`) ? test.failing : test;
  t('no stack; the missing permission is named; no pass without facts', () => {
    const r = runs.get(`${key}|${name}`)!;
    expectNoStack(r);
    const all = r.stdout + '\n' + r.stderr;
    const re = phraseRe(d);
    const where = re.test(r.stderr) ? 'stderr' : 'report';
    let unknown = '';
    if (name === 'doctor clusterip' || name === 'preflight') {
      const j = parseJson<DoctorJson>(r);
      if (j) {
        const mine = j.findings.filter((f) => d.checks.includes(f.check));
        const unk = mine.filter((f) => f.status === 'unknown');
        unknown = unk.length
          ? `${[...new Set(unk.map((f) => f.check))].join(', ')}: unknown (${unk.length} finding(s))`
          : '';
        if (!NOT_NEEDED.has(`${key}|${name}`)) {
          expect(mine.filter((f) => f.status === 'pass').map((f) => `${f.id}@${f.node}`)).toEqual([]);
          expect(unk.length).toBeGreaterThan(0);
        }
      }
    }
    if (name === 'service-list') {
      const j = parseJson<ServiceListJson>(r);
      if (j && j.summary.nodesUnknown)
        unknown = `${j.summary.nodesUnknown}/${j.summary.nodes} nodes NODE_UNKNOWN with the 403 as reason`;
    }
    record({
      group: '403 Forbidden',
      command: name,
      fault: `403 ${key}${d.namespace ? ` in ${d.namespace}` : ''}`,
      exitCode: r.exitCode,
      line:
        where === 'stderr'
          ? errorLine(r) || r.stderr.split('\n')[0]!
          : (findString(parseJson(r), re) ?? r.stdout.split('\n').find((l) => re.test(l)) ?? ''),
      hint: hintLine(r),
      unknown: unknown || (where === 'report' ? 'in the report' : undefined),
      bug: EXIT_BUGS.has(`${key}|${name}`) ? 'exit 0 without facts' : undefined,
    });
    if (!NOT_NEEDED.has(`${key}|${name}`)) expect(all).toMatch(re);
  });

  const exitTest = EXIT_BUGS.has(`${key}|${name}`) ? test.failing : test;
  exitTest('exit code as documented (2: permission missing; partial reports keep 0/1)', () => {
    const r = runs.get(`${key}|${name}`)!;
    if (PARTIAL_OK.has(`${key}|${name}`) || NOT_NEEDED.has(`${key}|${name}`)) expect([0, 1]).toContain(r.exitCode);
    else expect(r.exitCode).toBe(2);
    // Exit 2 is explained on stderr, or (preflight, a CI gate) in its report.
    if (r.exitCode === 2 && name !== 'preflight') expect(r.stderr.trim()).not.toBe('');
  });
});

describe('403 delete pods in kube-system → doctor clusterip --fix --yes', () => {
  test('nothing is deleted; each refused delete names the permission; exit 1 (fix did not recover)', () => {
    expectNoStack(fixRun);
    const j = parseJson<DoctorJson>(fixRun)!;
    const steps = j.fix?.steps ?? [];
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.filter((s) => s.outcome === 'recovered')).toEqual([]);
    expect(JSON.stringify(steps)).toContain('cannot delete pods in kube-system');
    expect(podUids(fixSim)).toEqual(podsBefore);
    record({
      group: '403 Forbidden',
      command: 'doctor clusterip --fix --yes',
      fault: '403 delete pods in kube-system',
      exitCode: fixRun.exitCode,
      line: (JSON.stringify(steps[0]).match(/delete failed: [^"]*/) ?? [''])[0],
      unknown: `${steps.length} step(s): ${[...new Set(steps.map((s) => s.outcome))].join(', ')}; no pod changed`,
    });
    expect(fixRun.exitCode).toBe(1);
  });
});
