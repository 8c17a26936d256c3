// `kdiag logs -f`: streams every agent and ends cleanly (exit 0) on Ctrl-C.
import { execa } from 'execa';
import { startSim } from '../../src/sim/index.js';
import { scenario, type Sim } from './sim.js';

describe('kdiag logs -f', () => {
  let sim: Sim;
  afterEach(async () => sim?.stop());

  test('prints lines as they come and exits 0 on SIGINT, closing its streams', async () => {
    sim = await startSim({ scenario: scenario({ count: 3 }) });
    const child = execa('node', ['bin/run.js', 'logs', '-f', '--kubeconfig', sim.kubeconfigPath], {
      reject: false,
      env: { NO_COLOR: '1' },
    });
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        for (const m of d.toString().matchAll(/^(node-\d)\//gm)) seen.add(m[1]!);
        if (seen.size === 3) resolve();
      });
      child.on('exit', () => reject(new Error('exited before streaming all agents')));
    });
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(r.signal).toBeUndefined();
    expect(r.stderr).toBe('');
  });

  test('more agents than --max-log-requests: one usage line, exit 2 (no deadlock on the socket pool)', async () => {
    sim = await startSim({ scenario: scenario({ count: 4 }) });
    const r = await execa(
      'node',
      ['bin/run.js', 'logs', '-f', '--max-log-requests', '2', '--kubeconfig', sim.kubeconfigPath],
      { reject: false, env: { NO_COLOR: '1' } },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(
      /^Error: --follow needs one open stream per agent: 4 agents > --max-log-requests 2$/,
    );
  });
});
