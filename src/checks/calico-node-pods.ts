// Detects nodes where calico-node (Felix, which programs Calico eBPF's NAT maps) has no Ready pod
// (source: calico-node pods, label k8s-app=calico-node). Runs where Calico eBPF serves Services.
import { capped, finding, inScope } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'calico-node-pods';

export const calicoNodePods: Check = {
  id: ID,
  title: 'calico-node runs and is Ready on every node (where Calico eBPF serves Services)',
  reasons: ['ready', 'not-ready', 'no-pod'],
  needs: ['calicoNodes', 'nodes'],
  rbac: ['list nodes', 'list pods in <calico-ns>'],
  run(facts: Facts): Finding[] {
    if (!facts.calicoNodes?.ok || !facts.nodes.ok) return [];
    const pods = facts.calicoNodes.value;
    const out: Finding[] = [];
    for (const n of facts.nodes.value) {
      if (!inScope(facts, n.name)) continue;
      const here = pods.filter((p) => p.node === n.name);
      const ev = [
        {
          source: 'calico-node pods',
          node: n.name,
          excerpt:
            capped(
              here.map(
                (p) =>
                  `${p.namespace}/${p.name} ready=${p.ready} restarts=${p.restartCount}${p.waitingReason ? ` ${p.waitingReason}` : ''}`,
              ),
            ) || '(none)',
        },
      ];
      const ready = here.find((p) => p.ready && !p.deleting);
      if (ready) {
        out.push(
          finding(ID, 'ready', {
            status: 'pass',
            node: n.name,
            message: `calico-node Ready (${ready.name})`,
            evidence: ev,
          }),
        );
        continue;
      }
      const pod = here[0];
      out.push(
        finding(ID, pod ? 'not-ready' : 'no-pod', {
          status: 'fail',
          node: n.name,
          message: pod
            ? `calico-node ${pod.name} on ${n.name} is not Ready${pod.waitingReason ? ` (${pod.waitingReason})` : ''}: Felix does not keep this node's NAT maps in step with Services`
            : `no calico-node pod on ${n.name}: nothing programs Calico's NAT maps on this node`,
          evidence: ev,
          cause: 'calico-node-not-ready',
          remediation: pod
            ? {
                summary: `restart calico-node on ${n.name} (the DaemonSet recreates it), then read its log`,
                commands: [
                  `kubectl -n ${pod.namespace} delete pod ${pod.name}`,
                  `kubectl -n ${pod.namespace} logs ${pod.name} -c calico-node --previous`,
                ],
                autoFixable: true,
              }
            : {
                summary: `find why the calico-node DaemonSet has no pod on ${n.name} (taints, node selector)`,
                commands: ['kubectl get daemonsets -A -l k8s-app=calico-node -o wide'],
                autoFixable: false,
              },
        }),
      );
    }
    return out;
  },
};
