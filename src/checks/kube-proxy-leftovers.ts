// Detects kube-proxy's rules left in a node's nat table after kube-proxy was removed for Cilium's kube-proxy
// replacement (source: `iptables-save -t nat` in the cilium-agent container; mysticaltech/terraform-hcloud-
// kube-hetzner#1210, cilium/cilium#15234, #29094). Nothing updates those KUBE-SERVICES → KUBE-SVC-* rules
// any more, so they DNAT ClusterIPs to old pod IPs before Cilium sees the packet. Only gathered with KPR on
// and no kube-proxy DaemonSet or pod (src/engine/gather-leftovers.ts).
import { agentNodes, capped, ciliumNamespace, finding, perNode } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'kube-proxy-leftovers';
/** Cilium's kube-proxy-free guide (Documentation/network/kubernetes/kubeproxy-free.rst), run as root on each node. */
export const FLUSH_KUBE_RULES = 'iptables-save | grep -v KUBE | iptables-restore';

export const kubeProxyLeftovers: Check = {
  id: ID,
  title: "No kube-proxy chains are left in the nodes' nat tables after kube-proxy was removed",
  reasons: ['clean', 'leftovers'],
  needs: ['kubeProxyLeftovers', 'config', 'kubeProxy'],
  rbac: ['create pods/exec in <cilium-ns>', 'list daemonsets in kube-system', 'list pods in kube-system'],
  run(facts: Facts): Finding[] {
    const tables = facts.kubeProxyLeftovers;
    // Not gathered: kube-proxy runs (its chains are expected) or Cilium does not replace it.
    if (!tables) return [];
    const ns = ciliumNamespace(facts);
    return perNode(ID, 'nat table', agentNodes(facts, tables), tables, (node, t) => {
      const source = `kubectl -n ${t.namespace} exec ${t.pod} -c cilium-agent -- ${t.command.join(' ')}`;
      if (!t.serviceChains.length)
        return [
          finding(ID, 'clean', {
            status: 'pass',
            node,
            message: 'no KUBE-SVC chain in the nat table',
            evidence: [],
          }),
        ];
      const excerpt = capped(
        [...t.serviceRules, ...t.serviceChains.filter((c) => !t.serviceRules.some((r) => r.endsWith(`-j ${c}`)))],
        10,
      );
      return [
        finding(ID, 'leftovers', {
          status: 'fail',
          node,
          message: `kube-proxy was removed but ${node}'s nat table still has its KUBE-SERVICES rules and ${t.serviceChains.length} KUBE-SVC chain(s): nothing updates them, so they DNAT ClusterIPs to the endpoints of their last sync before Cilium sees the packet`,
          evidence: [{ source, node, pod: t.pod, command: t.command, excerpt }],
          cause: 'kube-proxy-leftovers',
          remediation: {
            summary: `flush kube-proxy's rules on ${node} (as root on the node: ${FLUSH_KUBE_RULES}, or kube-proxy --cleanup); restarting the agent leaves them in place`,
            commands: [
              `# as root on ${node} (Cilium's kube-proxy-free guide):`,
              FLUSH_KUBE_RULES,
              `kubectl -n ${ns} exec ${t.pod} -c cilium-agent -- ${t.command.join(' ')}   # then: no KUBE-SVC chain`,
            ],
            autoFixable: false,
          },
        }),
      ];
    });
  },
};
