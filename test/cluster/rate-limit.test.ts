// --qps/--burst (client-go's meaning) and --concurrency as the API server sees them: the token bucket hands
// out `burst` calls at once and makes the next one wait; a run never opens more exec streams than
// --concurrency (the simulator's own count of open streams). No timing asserts: order and counts only.
import { KubeClient } from '../../src/cluster/client.js';
import { TokenBucket } from '../../src/cluster/rate-limit.js';
import { kdiag } from '../helpers/cli.js';
import { scenario, withSim } from '../helpers/sim.js';

const settled = () => new Promise((r) => setImmediate(r));

describe('token bucket', () => {
  test('burst calls go at once, the next waits for a token, in order', async () => {
    const b = new TokenBucket(20, 3);
    const done: number[] = [];
    const all = [0, 1, 2, 3, 4].map((i) => b.take().then(() => done.push(i)));
    await settled();
    expect(done).toEqual([0, 1, 2]);
    await Promise.all(all);
    expect(done).toEqual([0, 1, 2, 3, 4]);
  });

  test('qps 0 is no limit', async () => {
    const b = new TokenBucket(0, 1);
    const done: number[] = [];
    for (let i = 0; i < 50; i++) void b.take().then(() => done.push(i));
    await settled();
    expect(done.length).toBe(50);
  });

  test('an aborted wait lets the caller go (a closed client fails the call itself)', async () => {
    const b = new TokenBucket(0.01, 1);
    await b.take();
    const ac = new AbortController();
    const waiting = b.take(ac.signal);
    ac.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});

describe('the client under --qps and --concurrency', () => {
  test('every call still answers under a small bucket', async () => {
    await withSim(scenario({ count: 3 }), async (sim) => {
      const c = await KubeClient.connect({
        kubeconfig: sim.kubeconfigPath,
        requestTimeoutMs: 10_000,
        concurrency: 4,
        qps: 50,
        burst: 2,
      });
      try {
        const before = sim.stats().requests;
        const lists = await Promise.all(Array.from({ length: 8 }, () => c.listAll('/api/v1/nodes')));
        for (const l of lists) expect(l.length).toBe(3);
        expect(sim.stats().requests - before).toBe(8);
      } finally {
        c.close();
      }
    });
  });

  test('doctor never holds more exec streams open than --concurrency', async () => {
    await withSim(scenario({ count: 12 }), async (sim) => {
      const r = await kdiag(
        ['doctor', 'clusterip', '-o', 'json', '--concurrency', '3', '--qps', '200', '--burst', '20'],
        {
          sim,
        },
      );
      expect(r.exitCode).toBe(0);
      const st = sim.execStats();
      // One script per node (src/engine/gather-combined.ts) and a map read: still four times the slots.
      expect(st.execs).toBeGreaterThanOrEqual(12);
      expect(st.maxOpen).toBeGreaterThan(0);
      expect(st.maxOpen).toBeLessThanOrEqual(3);
    });
  }, 240_000);
});
