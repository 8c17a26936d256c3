// `kdiag service-list` where kube-proxy serves Services (iptables, IPVS or nftables mode): each node's rules as
// kube-proxy-rules reads them through the kube-proxy pod (gather-kube-proxy.ts) become LB rows, so the same
// join (src/cilium/lb-drift.ts) and the same statuses apply as for Cilium's and Calico's maps. A node whose
// kube-proxy pod is not Ready is NODE_UNKNOWN (its rules are not read).
import { classifyDatapath } from '../datapath/index.js';
import type { LbService } from '../cilium/types.js';
import type { FactKey } from '../model/check.js';
import { got, type Facts, type Gathered } from '../model/facts.js';
import type { KubeProxyRulesFact } from '../model/kube-proxy.js';

/** What service-list gathers beyond Cilium's facts to see kube-proxy's rules. */
export const KUBE_PROXY_SERVICE_LIST_NEEDS: FactKey[] = [
  'datapathSignals',
  'config',
  'kubeProxy',
  'nodes',
  'kubeProxyRules',
];

/** Each node's kube-proxy rules as LB rows, when kube-proxy serves Services here; undefined otherwise. */
export function kubeProxyServiceMaps(
  facts: Facts,
): { mode: KubeProxyRulesFact['mode']; maps: Map<string, Gathered<LbService[]>> } | undefined {
  const d = classifyDatapath(facts);
  if (d.services !== 'kube-proxy' || !d.kubeProxyMode || !facts.kubeProxyRules) return undefined;
  const maps = new Map<string, Gathered<LbService[]>>();
  for (const [node, r] of facts.kubeProxyRules) maps.set(node, r.ok ? got(ruleRows(r.value)) : r);
  return { mode: d.kubeProxyMode, maps };
}

/**
 * The rules as LB rows. The rules do not say which frontends are ClusterIPs (KUBE-SERVICES, service-ips and
 * IPVS also hold external and load-balancer addresses): `type` is `unknown`, as for Calico's NAT map. An IPVS
 * real server at weight 0 is draining (kube-proxy's graceful termination): state `terminating`.
 */
export function ruleRows(rules: KubeProxyRulesFact): LbService[] {
  return rules.frontends.map((f, i) => ({
    id: i + 1,
    frontend: { ip: f.ip, port: f.port, protocol: f.protocol },
    type: 'unknown',
    backends: f.backends.map((b) => ({
      ip: b.ip,
      port: b.port,
      protocol: f.protocol,
      state: b.weight === 0 ? ('terminating' as const) : ('active' as const),
    })),
    ...(f.service ? { namespace: f.service.namespace, name: f.service.name } : {}),
  }));
}
