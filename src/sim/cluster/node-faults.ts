// What the faults active on a node do to its agent: health and restarts, loaded programs, bpffs, exec.
// Each fault's own file (../faults/) says what it does; this asks every active fault.
import type { BpfProgram } from '../../cilium/types.js';
import type { CommandResult } from '../agent.js';
import { faultDef, inRegistryOrder, type AgentHealth } from '../faults/index.js';
import { Prng, hash32 } from '../prng.js';
import { programSet } from './program-set.js';
import type { AgentState, Cluster } from './index.js';

const SEVERITY: Record<AgentHealth, number> = { running: 0, 'not-ready': 1, crashloop: 2 };

/** The worst health any active fault gives the agent. */
export function health(st: AgentState): AgentHealth {
  let worst: AgentHealth = 'running';
  for (const f of st.faults) {
    const h = faultDef(f.kind).health?.(f);
    if (h && SEVERITY[h] > SEVERITY[worst]) worst = h;
  }
  return worst;
}

/** restartCount of the agent: from the first fault (registry order) that decides its health. */
export function restartsOf(st: AgentState): number {
  const h = health(st);
  for (const f of inRegistryOrder(st.faults)) {
    const def = faultDef(f.kind);
    if (def.restarts && (def.health?.(f) ?? 'running') === h) return def.restarts(f);
  }
  return 0;
}

export function bpffsMounted(st: AgentState): boolean {
  return !st.faults.some((f) => faultDef(f.kind).hidesBpffs);
}

/** A fault's answer to an exec into the agent (hang, recorded output), or undefined: run the command. */
export function execAnswer(c: Cluster, st: AgentState, argv: string[]): CommandResult | undefined {
  for (const f of inRegistryOrder(st.faults)) {
    const r = faultDef(f.kind).exec?.(f, argv, c.scenario.file);
    if (r) return r;
  }
  return undefined;
}

/** eBPF programs currently loaded on a node (none when the agent is down or faulted). */
export function programs(
  c: Cluster,
  st: AgentState,
): (BpfProgram & {
  bytesXlated: number;
  bytesJited: number;
  bytesMemlock: number;
  btfId: number;
  mapIds: number[];
})[] {
  if (health(st) === 'crashloop') return [];
  const drops = st.faults.filter((f) => faultDef(f.kind).dropsProgram);
  const names = programSet(c.ciliumConfigData(), c.scenario.minor, st.node.kernel);
  const rng = new Prng(hash32(`${st.node.name}/${st.startedAt.getTime()}`));
  const base = 60 + rng.int(3000);
  const loadedAt = new Date(st.startedAt.getTime() + 2000).toISOString().replace(/\.\d{3}Z$/, '+0000');
  const out = [];
  let id = base;
  for (const [type, name] of names) {
    id += 1 + rng.int(4);
    if (drops.some((f) => faultDef(f.kind).dropsProgram!(f, name!))) continue;
    const x = 8 * (200 + rng.int(3000));
    out.push({
      id,
      type: type!,
      name: name!,
      tag: rng.hex(16),
      loadedAt,
      uid: 0,
      bytesXlated: x,
      bytesJited: Math.floor(x * 0.6),
      bytesMemlock: 4096 * (1 + Math.floor(x / 4096)),
      btfId: 100 + rng.int(400),
      mapIds: [10 + rng.int(50), 60 + rng.int(50), 120 + rng.int(50)],
    });
  }
  return out;
}
