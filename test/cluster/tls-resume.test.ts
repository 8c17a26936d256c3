// Cheaper per exec (issue #13): every exec's WebSocket upgrade resumes the client's TLS session instead of
// a full handshake. Asserted on the simulator's own counter (the server side's isSessionReused()), not on
// timing; and a session is never offered to another server (one store per client).
import { KubeClient } from '../../src/cluster/client.js';
import { kdiag, json } from '../helpers/cli.js';
import { scenario, withSim } from '../helpers/sim.js';

describe('TLS session resumption', () => {
  test('a doctor run on 20 nodes resumes the session for most exec upgrades', async () => {
    await withSim(scenario({ count: 20 }), async (sim) => {
      const before = sim.tlsStats();
      const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim, timeout: 300_000 });
      expect(json(r).findings).toBeDefined();
      const after = sim.tlsStats();
      const upgrades = after.upgrades - before.upgrades;
      const resumed = after.upgradesResumed - before.upgradesResumed;
      expect(upgrades).toBeGreaterThanOrEqual(20);
      expect(resumed / upgrades).toBeGreaterThan(0.8);
      // REST connections resume too (the first one is the one full handshake that is needed).
      expect(after.resumed - before.resumed).toBeGreaterThan(0);
    });
  }, 320_000);

  test('two clients of two servers each resume their own session, never the other', async () => {
    await withSim(scenario({ count: 2 }), async (a) => {
      await withSim(scenario({ count: 2 }), async (b) => {
        const ca = await KubeClient.connect({ kubeconfig: a.kubeconfigPath, concurrency: 4, requestTimeoutMs: 30_000 });
        const cb = await KubeClient.connect({ kubeconfig: b.kubeconfigPath, concurrency: 4, requestTimeoutMs: 30_000 });
        try {
          const pod = (sim: typeof a) =>
            sim.pods('kube-system').find((p) => p.metadata.labels?.['k8s-app'] === 'cilium')!.metadata.name;
          for (let i = 0; i < 3; i++) {
            await ca.exec('kube-system', pod(a), 'cilium-agent', ['cilium-dbg', 'version']);
            await cb.exec('kube-system', pod(b), 'cilium-agent', ['cilium-dbg', 'version']);
          }
          // Each server saw its own client's first connection in full, then resumptions of its own session.
          for (const s of [a.tlsStats(), b.tlsStats()]) {
            expect(s.upgrades).toBe(3);
            expect(s.upgradesResumed).toBe(2);
          }
        } finally {
          ca.close();
          cb.close();
        }
      });
    });
  }, 120_000);
});
