// The simulated cluster a test runs against: its scenario data, and the simulator started on a free
// loopback port. The one scenario builder and the one start/stop helper every suite uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startSim, type ScenarioInput, type SimHandle } from '../../src/sim/index.js';
import { ROOT } from './cli.js';

export type { SimHandle };
type Fault = NonNullable<ScenarioInput['nodes']>['faults'] extends (infer F)[] | undefined ? F : never;

/**
 * Inline scenario data, healthy unless told otherwise. Shorthands: `count` and `faults` (the nodes),
 * `version` (Cilium's); anything else is the scenario's own field.
 */
export function scenario(
  over: Partial<ScenarioInput> & { count?: number; faults?: Fault[]; version?: string } = {},
): ScenarioInput {
  const { count, faults, version, ...rest } = over;
  return {
    description: 'kdiag test',
    expect: { rootCause: null },
    ...(version ? { cilium: { version } } : {}),
    ...(count !== undefined || faults ? { nodes: { count: count ?? 3, faults: faults ?? [] } } : {}),
    ...rest,
  } as ScenarioInput;
}

/** A shipped scenario's data (scenarios/NAME.yaml), to extend inline (e.g. with rbac or api faults). */
export function shipped(name: string): ScenarioInput {
  return parseYaml(readFileSync(join(ROOT, 'scenarios', `${name}.yaml`), 'utf8')) as ScenarioInput;
}

/** Every pods/exec in kube-system is forbidden (403), as for a user without `create pods/exec`. */
export const EXEC_DENIED = scenario({
  description: 'exec denied',
  rbac: { deny: [{ verb: 'create', resource: 'pods/exec', namespace: 'kube-system' }] },
});

/** A simulator on a free loopback port, for a scenario name, file or inline data; the caller stops it. */
export function simulator(s: string | ScenarioInput): Promise<SimHandle> {
  return startSim({ scenario: s, port: 0 });
}

/** A simulator for the length of one callback, always stopped. */
export async function withSim<T>(s: string | ScenarioInput, fn: (sim: SimHandle) => Promise<T>): Promise<T> {
  const sim = await simulator(s);
  try {
    return await fn(sim);
  } finally {
    await sim.stop();
  }
}

// ---- what a test reads back from the simulated cluster ---------------------------------------------

export type SimPod = ReturnType<SimHandle['pods']>[number];
const nodeOf = (p: SimPod) => (p.spec as { nodeName?: string }).nodeName;

/** The Cilium agent pods, in the simulator's order. */
export const agentPods = (sim: SimHandle): SimPod[] =>
  sim.pods('kube-system').filter((p) => p.metadata.labels?.['k8s-app'] === 'cilium');

/** The agent pod on a node (undefined while there is none). */
export const agentOn = (sim: SimHandle, node: string): SimPod | undefined =>
  agentPods(sim).find((p) => nodeOf(p) === node);

/** Each agent's node, name and uid, by node: a changed uid means that agent was restarted. */
export const agents = (sim: SimHandle) =>
  agentPods(sim)
    .map((p) => ({ node: nodeOf(p)!, name: p.metadata.name, uid: p.metadata.uid as string }))
    .sort((a, b) => a.node.localeCompare(b.node));

/** Agent pod name per node. */
export const agentNames = (sim: SimHandle) => new Map(agents(sim).map((a) => [a.node, a.name]));

/** Every kube-system pod's uid, sorted: unchanged means nothing was restarted. */
export const podUids = (sim: SimHandle): string[] =>
  sim
    .pods('kube-system')
    .map((p) => p.metadata.uid as string)
    .sort();

/**
 * The simulator's monitor/hubble watches once every one has ended and no exec stream is open. The server
 * sees the client's close a moment after the CLI exits: wait for it, bounded (5 s).
 */
export async function watchesEnded(sim: SimHandle): Promise<ReturnType<SimHandle['monitorStats']>> {
  for (let i = 0; i < 100; i++) {
    const s = sim.monitorStats();
    if (s.ended === s.started && sim.execStats().open === 0) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  return sim.monitorStats();
}
