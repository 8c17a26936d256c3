// Shared flags on the gate: `preflight node --request-timeout` (--timeout is its deprecated old name),
// and `-o wide` with the evidence column.
import { startSim, type SimHandle } from '../../src/sim/index.js';
import { json, kdiag } from '../helpers/cli.js';

describe('preflight node --request-timeout', () => {
  // A bpftool that does not exist: bpf-programs is unknown (exit 2), the rest still runs.
  const node = ['preflight', 'node', '--bpftool', '/nonexistent/bpftool', '--node-name', 'n1', '-o', 'json'];

  test('is accepted and bounds bpftool like --request-timeout everywhere', async () => {
    const r = await kdiag([...node, '--request-timeout', '5s']);
    expect(r.exitCode).toBe(2);
    expect(json(r).kind).toBe('Preflight');
    expect(r.stderr).not.toMatch(/deprecated/);
  });

  test('--timeout still works, with a deprecation warning', async () => {
    const r = await kdiag([...node, '--timeout', '5s']);
    expect(json(r).kind).toBe('Preflight');
    expect(r.stderr).toMatch(/"--timeout" flag has been deprecated/);
  });

  test('a bad duration is one usage line, exit 2', async () => {
    const r = await kdiag(['preflight', 'node', '--request-timeout', '5x']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('Error: invalid --request-timeout "5x": use a duration such as 30s, 5m or 1h30m');
  });
});

describe('preflight -o wide', () => {
  let sim: SimHandle;
  beforeAll(async () => {
    sim = await startSim({ scenario: 'bpf-programs-not-loaded', port: 0 });
  });
  afterAll(async () => sim?.stop());

  test('adds the evidence column to the table', async () => {
    const r = await kdiag(['preflight', '-o', 'wide', '--check', 'bpf-programs'], { kubeconfig: sim.kubeconfigPath });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^CHECK\s+NODE\s+STATUS\s+MESSAGE\s+EVIDENCE/m);
    expect(r.stdout).toMatch(/bpf-programs\/\S+\s+node-2\s+fail/);
  });

  test('preflight list accepts -o wide and --json', async () => {
    const wide = await kdiag(['preflight', 'list', '-o', 'wide']);
    expect(wide.exitCode).toBe(0);
    expect(wide.stdout).toMatch(/^ID\s+SCOPE\s+TITLE\s+NEEDS/m);
    const j = await kdiag(['preflight', 'list', '--json']);
    expect(json(j).map((c: { id: string }) => c.id)).toContain('bpf-programs');
  });
});
