// The simulator's logs agree with its pods (issue #14): `logs` and `logs --previous` come from the
// container instances the pod status names, so a crash-looping agent's previous log ends before
// lastState.terminated.finishedAt and a running agent's log starts at state.running.startedAt.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { agentOn, scenario, withSim, type SimHandle } from '../helpers/sim.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const maybe = existsSync(KUBECTL) || process.env.CI === 'true' ? test : test.skip;

type Status = {
  containerStatuses: {
    name: string;
    state: { running?: { startedAt: string } };
    lastState: { terminated?: { startedAt: string; finishedAt: string } };
  }[];
};

async function logTimes(sim: SimHandle, pod: string, previous: boolean): Promise<number[]> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kdiag-kubectl-'));
  const r = await execa(KUBECTL, [
    ...['--kubeconfig', sim.kubeconfigPath, '--cache-dir', cacheDir, '-n', 'kube-system'],
    ...['logs', pod, '-c', 'cilium-agent', '--timestamps', ...(previous ? ['--previous'] : [])],
  ]);
  const lines = r.stdout.split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThan(3);
  return lines.map((l) => Date.parse(l.split(' ')[0]!));
}

const agentStatus = (sim: SimHandle, node: string) =>
  (agentOn(sim, node)!.status as Status).containerStatuses.find((c) => c.name === 'cilium-agent')!;

describe('agent logs follow the pod status', () => {
  maybe('crash loop: the previous (and current) log lies inside lastState.terminated', async () => {
    await withSim('agent-crashloop', async (sim) => {
      const node = sim.scenario.expect.nodes[0]!;
      const term = agentStatus(sim, node).lastState.terminated!;
      const from = Date.parse(term.startedAt);
      const to = Date.parse(term.finishedAt);
      for (const previous of [true, false]) {
        const times = await logTimes(sim, agentOn(sim, node)!.metadata.name, previous);
        expect(times[0]!).toBeGreaterThanOrEqual(from);
        expect(times[times.length - 1]!).toBeLessThan(to);
      }
    });
  });

  maybe('a running agent that restarted: current log from state.running.startedAt, previous before it', async () => {
    await withSim(scenario({ faults: [{ kind: 'agent-not-ready', nodes: 'node-2', restarts: 2 }] }), async (sim) => {
      const cs = agentStatus(sim, 'node-2');
      const pod = agentOn(sim, 'node-2')!.metadata.name;
      const cur = await logTimes(sim, pod, false);
      expect(cur[0]!).toBeGreaterThanOrEqual(Date.parse(cs.state.running!.startedAt));
      const prev = await logTimes(sim, pod, true);
      expect(prev[0]!).toBeGreaterThanOrEqual(Date.parse(cs.lastState.terminated!.startedAt));
      expect(prev[prev.length - 1]!).toBeLessThan(Date.parse(cs.lastState.terminated!.finishedAt));
    });
  });
});
