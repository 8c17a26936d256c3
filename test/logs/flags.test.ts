// `kdiag logs` shared flags: --json as everywhere -o json exists, and --concurrency no longer limits
// the log streams (that is --max-log-requests, as kubectl names it).
import { kdiag as run, lines } from '../helpers/cli.js';
import { scenario, simulator, type SimHandle } from '../helpers/sim.js';

const kdiag = (sim: SimHandle, args: string[]) => run(['logs', ...args], { sim });

describe('kdiag logs shared flags', () => {
  let sim: SimHandle;
  beforeAll(async () => {
    sim = await simulator(scenario({ count: 3 }));
  });
  afterAll(async () => sim?.stop());

  test('--json prints the same records as -o json', async () => {
    const a = await kdiag(sim, ['--json', '--tail', '20']);
    expect(a.stderr).toBe('');
    expect(a.exitCode).toBe(0);
    const b = await kdiag(sim, ['-o', 'json', '--tail', '20']);
    const recs = lines(a.stdout).map((l) => JSON.parse(l));
    expect(recs.length).toBeGreaterThan(0);
    expect(recs).toEqual(lines(b.stdout).map((l) => JSON.parse(l)));
  });

  test('--concurrency is nodes at once only: the log streams are not grouped by it', async () => {
    const r = await kdiag(sim, ['--concurrency', '1', '--tail', '5']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).not.toMatch(/groups/);
    expect(new Set(lines(r.stdout).map((l) => l.split(' ')[0])).size).toBe(3);
  });

  test('--max-log-requests takes a positive number, as kubectl', async () => {
    const r = await kdiag(sim, ['--max-log-requests', '0']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^Error: .*max-log-requests.*\nSee more help with --help\n/);
  });
});
