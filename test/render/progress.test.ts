// Progress on long runs counts what the user thinks in: agents read, not the internal fact calls behind
// them (each agent answers several: programs, status, service map, mounts, logs).
import { KubeClient } from '../../src/cluster/client.js';
import { gatherFacts } from '../../src/engine/gather.js';
import { factInWords } from '../../src/render/fact-words.js';
import { scenario, withSim } from '../helpers/sim.js';

const NEEDS = [
  'cilium',
  'config',
  'nodes',
  'services',
  'bpfPrograms',
  'status',
  'serviceMap',
  'bpffs',
  'agentLogs',
] as const;

test('one tick per agent, done/total in agents, ending at total', async () => {
  await withSim(scenario({ description: 'progress', count: 4 }), async (sim) => {
    const client = await KubeClient.connect({
      kubeconfig: sim.kubeconfigPath,
      requestTimeoutMs: 20_000,
      concurrency: 4,
    });
    try {
      const ticks: [number, number][] = [];
      const facts = await gatherFacts(client, { needs: [...NEEDS], onProgress: (d, t) => ticks.push([d, t]) });
      // every fact an unknowns line can name has words, never the internal key
      const gathered = Object.entries(facts).filter(
        ([, v]) => v instanceof Map || (v && typeof v === 'object' && 'ok' in v),
      );
      expect(gathered.length).toBeGreaterThan(5);
      for (const [key] of gathered) expect(factInWords(key)).not.toBe(key);
      expect(ticks).toEqual([
        [1, 4],
        [2, 4],
        [3, 4],
        [4, 4],
      ]);
      const one: [number, number][] = [];
      await gatherFacts(client, { needs: [...NEEDS], nodes: ['node-3'], onProgress: (d, t) => one.push([d, t]) });
      expect(one).toEqual([[1, 1]]);
    } finally {
      client.close();
    }
  });
});
