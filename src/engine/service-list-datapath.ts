// A map that is not in use is not evidence of serving: on a node whose agent is not Ready or has no
// Cilium eBPF programs loaded, the agent may still print a perfectly matching `service list`, but no
// ClusterIP packet is load-balanced there (issue #14, "a false all-clear").
import { isCiliumProgram } from '../cilium/programs.js';
import type { Facts } from '../model/facts.js';

/** Nodes whose datapath is down, with the reason; only from evidence gathered in this run. */
export function datapathDown(facts: Facts): Map<string, string> {
  const down = new Map<string, string>();
  if (facts.agents.ok)
    for (const [node, a] of facts.agents.value)
      if (!a.ready && !a.deleting) down.set(node, `datapath down: agent ${a.name} is not Ready`);
  for (const [node, progs] of facts.bpfPrograms) {
    if (down.has(node) || !progs.ok) continue;
    if (!progs.value.some(isCiliumProgram))
      down.set(node, 'datapath down: no Cilium eBPF programs loaded (`bpftool prog show`), the map is not in use');
  }
  return down;
}
