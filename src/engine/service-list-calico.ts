// `kdiag service-list` where Calico eBPF serves Services: each node's NAT map (`calico-node -bpf nat dump`,
// gathered by gather-calico.ts) as LB rows, so the same join and the same statuses apply. A node whose
// calico-node is not Ready is down: its map is not kept in step, whatever it says.
import { calicoDatapath, natRows } from '../datapath/calico.js';
import { detectDatapath } from '../datapath/index.js';
import type { LbService } from '../cilium/types.js';
import type { FactKey } from '../model/check.js';
import { got, type Facts, type Gathered } from '../model/facts.js';

/** What service-list gathers beyond Cilium's facts to see Calico's maps. */
export const CALICO_SERVICE_LIST_NEEDS: FactKey[] = [
  'datapathSignals',
  'config',
  'kubeProxy',
  'calicoNodes',
  'calicoNat',
];

/** Each node's Calico NAT map as LB rows, when Calico eBPF serves Services here; undefined otherwise. */
export function calicoServiceMaps(facts: Facts): Map<string, Gathered<LbService[]>> | undefined {
  if (detectDatapath(facts).id !== calicoDatapath.id || !facts.calicoNat) return undefined;
  const out = new Map<string, Gathered<LbService[]>>();
  for (const [node, nat] of facts.calicoNat) out.set(node, nat.ok ? got(natRows(nat.value)) : nat);
  return out;
}

/** Nodes whose calico-node pod is not Ready: the map there is not in use as read. */
export function calicoDown(facts: Facts): Map<string, string> {
  const down = new Map<string, string>();
  if (!facts.calicoNodes?.ok) return down;
  for (const p of facts.calicoNodes.value)
    if (!p.ready && !p.deleting) down.set(p.node, `datapath down: calico-node ${p.name} is not Ready`);
  return down;
}
