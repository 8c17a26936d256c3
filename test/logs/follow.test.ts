// `kdiag logs -f`: streams every agent and ends cleanly (exit 0) on Ctrl-C.
import { ended, kdiag, spawnKdiag } from '../helpers/cli.js';
import { scenario, simulator, type SimHandle } from '../helpers/sim.js';

describe('kdiag logs -f', () => {
  let sim: SimHandle;
  afterEach(async () => sim?.stop());

  test('prints lines as they come and exits 0 on SIGINT, closing its streams', async () => {
    sim = await simulator(scenario({ count: 3 }));
    const child = spawnKdiag(['logs', '-f'], { sim });
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        for (const m of d.toString().matchAll(/^(node-\d)\//gm)) seen.add(m[1]!);
        if (seen.size === 3) resolve();
      });
      child.on('exit', () => reject(new Error('exited before streaming all agents')));
    });
    child.kill('SIGINT');
    const r = await ended(child);
    expect(r.exitCode).toBe(0);
    expect(r.signal).toBeUndefined();
    expect(r.stderr).toBe('');
  });

  test('more agents than --max-log-requests: one usage line, exit 2 (no deadlock on the socket pool)', async () => {
    sim = await simulator(scenario({ count: 4 }));
    const r = await kdiag(['logs', '-f', '--max-log-requests', '2'], { sim });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(
      /^Error: --follow needs one open stream per agent: 4 agents > --max-log-requests 2$/,
    );
  });
});
