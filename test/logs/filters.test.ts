// `kdiag logs` on real interleaved agent streams: time order, --grep, --level, --tail, --node, --since,
// groups beyond --max-log-requests, per-pod failures and the exit codes.
import { kdiag, lines } from '../helpers/cli.js';
import { scenario, simulator, type SimHandle } from '../helpers/sim.js';

const stamp = (l: string) => l.split(' ')[0]!;
const nodeOf = (l: string) => /^(?:\S+Z )?(node-\d+)\//.exec(l)?.[1];

describe('kdiag logs', () => {
  let sim: SimHandle;
  beforeAll(async () => {
    // node-2's extra lines shift its later lines: real interleaving, not three identical logs
    sim = await simulator(
      scenario({
        count: 3,
        faults: [
          { kind: 'bpf-programs-not-loaded', nodes: [2] },
          {
            kind: 'logs',
            nodes: [3],
            lines: ['level=debug msg="Skipping Service" subsys=k8s-watcher', 'goroutine 1 [running]:'],
          },
        ],
      }),
    );
  });
  afterAll(async () => sim?.stop());

  test('merges all agents by the kubelet timestamps', async () => {
    const r = await kdiag(['logs', '--timestamps'], { sim });
    expect(r.exitCode).toBe(0);
    const out = lines(r.stdout);
    const stamps = out.map(stamp);
    expect(stamps.every((s) => /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(s))).toBe(true);
    const keys = stamps.map((s) =>
      s.replace(/(\.\d+)?Z$/, (_m, f: string = '') => `${f.padEnd(10, '0').slice(0, 10) || '.000000000'}Z`),
    );
    expect([...keys].sort()).toEqual(keys);
    // interleaved: the node changes many times, not once per agent
    const changes = out.filter((l, i) => i > 0 && nodeOf(l) !== nodeOf(out[i - 1]!)).length;
    expect(changes).toBeGreaterThan(10);
    expect(new Set(out.map(nodeOf))).toEqual(new Set(['node-1', 'node-2', 'node-3']));
  });

  test('--grep keeps matching lines of every agent', async () => {
    const r = await kdiag(['logs', '--grep', 'Connected to (api|k8s)server'], { sim });
    expect(r.exitCode).toBe(0);
    const out = lines(r.stdout);
    expect(out.map(nodeOf)).toEqual(['node-1', 'node-2', 'node-3']);
    expect(out.every((l) => l.includes('msg="Connected to apiserver"'))).toBe(true);
  });

  test('--level warn keeps warnings and worse', async () => {
    const r = await kdiag(['logs', '--level', 'warn'], { sim });
    expect(r.exitCode).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((l) => /level=(\w+)/.exec(l)?.[1])).toEqual(['error', 'warning']);
    expect(out.every((l) => nodeOf(l) === 'node-2')).toBe(true);
    const e = lines((await kdiag(['logs', '--level', 'error'], { sim })).stdout);
    expect(e).toHaveLength(1);
  });

  test('--tail N per agent, --node repeatable', async () => {
    const r = await kdiag(['logs', '--tail', '2', '--node', 'node-1', '--node', 'node-3'], { sim });
    expect(r.exitCode).toBe(0);
    const out = lines(r.stdout);
    expect(out.map(nodeOf).sort()).toEqual(['node-1', 'node-1', 'node-3', 'node-3']);
    expect(out.filter((l) => nodeOf(l) === 'node-3').at(-1)).toMatch(/goroutine 1 \[running\]:$/);
    const unknown = await kdiag(['logs', '--node', 'node-9'], { sim });
    expect(unknown.exitCode).toBe(2);
    // a node that does not exist is an input error with a suggestion (issue #20 item 1)
    expect(unknown.stderr.split('\n')[0]).toBe('Error: --node node-9: no such node (did you mean node-1?)');
  });

  test('--since bounds by age', async () => {
    // the simulated agents started ~50 minutes ago
    expect(lines((await kdiag(['logs', '--since', '10m'], { sim })).stdout)).toEqual([]);
    expect(lines((await kdiag(['logs', '--since', '2h', '--node', 'node-1'], { sim })).stdout).length).toBeGreaterThan(
      5,
    );
  });

  test('bad --grep: one usage line, exit 2', async () => {
    const r = await kdiag(['logs', '--grep', '(unclosed'], { sim });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: invalid --grep regular expression "\(unclosed": /);
  });

  test('more agents than --max-log-requests: read in groups, said on stderr, nothing lost', async () => {
    const all = lines((await kdiag(['logs'], { sim })).stdout);
    const r = await kdiag(['logs', '--max-log-requests', '2'], { sim });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/3 agents > --max-log-requests 2: reading them in 2 groups/);
    const out = lines(r.stdout);
    expect([...out].sort()).toEqual([...all].sort());
    // the third agent comes after the whole first group
    const firstOf3 = out.findIndex((l) => nodeOf(l) === 'node-3');
    expect(out.slice(firstOf3).every((l) => nodeOf(l) === 'node-3')).toBe(true);
  });
});

describe('kdiag logs failures', () => {
  let sim: SimHandle;
  afterEach(async () => sim?.stop());

  test('--previous where only one agent crashed: the others are reported one line each, exit 1', async () => {
    sim = await simulator(scenario({ count: 3, faults: [{ kind: 'agent-crashloop', nodes: [2] }] }));
    const r = await kdiag(['logs', '--previous'], { sim });
    expect(r.exitCode).toBe(1);
    expect(lines(r.stdout).every((l) => nodeOf(l) === 'node-2')).toBe(true);
    expect(r.stdout).toMatch(/level=fatal/);
    const err = lines(r.stderr);
    expect(err).toHaveLength(2);
    expect(err[0]).toMatch(
      /^kdiag: node-1\/cilium-\S+: previous terminated container "cilium-agent" in pod "cilium-\S+" not found$/,
    );
    expect(err[1]).toMatch(/^kdiag: node-3\//);
  });

  test('no permission on pods/log: every pod says so, exit 2', async () => {
    sim = await simulator(scenario({ count: 2, rbac: { deny: [{ verb: 'get', resource: 'pods/log' }] } }));
    const r = await kdiag(['logs'], { sim });
    expect(r.exitCode).toBe(2);
    const err = lines(r.stderr);
    expect(
      err.filter((l) => /^kdiag: node-\d\/cilium-\S+: forbidden: cannot get pods\/log in kube-system/.test(l)),
    ).toHaveLength(2);
    expect(err).toContain('Error: could not read the log of any of the 2 selected agent(s)');
  });

  test('Cilium not installed: one clear line, exit 2', async () => {
    sim = await simulator(scenario({ cilium: { installed: false } }));
    const r = await kdiag(['logs'], { sim });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^Error: Cilium is not installed: /);
  });

  test('API unreachable: one line, exit 2', async () => {
    sim = await simulator(scenario({}));
    await sim.stop();
    const r = await kdiag(['logs', '--request-timeout', '5s'], { sim }).catch((e) => e);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
  });
});
