// kube-proxy serves Services (Cilium without kube-proxy replacement, kube-proxy alone, Calico's iptables
// dataplane). With Cilium present: the Cilium playbook as before, plus kube-proxy's own checks. Without
// Cilium (kube-proxy alone, or with another CNI): kube-proxy's checks only, so a missing Cilium is not a
// cause there. In iptables mode the engine reads each node's nat table through its kube-proxy pod
// (src/engine/gather-kube-proxy.ts, parsed by kube-proxy/iptables.ts) for the kube-proxy-rules check.
import { CHECKS } from '../checks/index.js';
import { kubeProxyPods } from '../checks/kube-proxy-pods.js';
import { kubeProxyRules } from '../checks/kube-proxy-rules.js';
import { ciliumAgentRestarts, ciliumDatapath } from './cilium.js';
import { classifyDatapath } from './detect.js';
import type { Facts } from '../model/facts.js';
import type { Datapath, Detection, RestartPod, Restarts } from './types.js';

export const KUBE_PROXY_LABEL = 'k8s-app=kube-proxy';
/** The container in kube-proxy's pod (kubeadm's DaemonSet; src/engine/gather-kube-proxy.ts reads its log). */
const CONTAINER = 'kube-proxy';

/**
 * The node's kube-proxy pod (its DaemonSet recreates it and a fresh kube-proxy rewrites every rule in one
 * full sync), owned by the kube-proxy DaemonSet the facts found; only pods the facts saw.
 */
export const kubeProxyRestarts: Restarts = {
  kind: 'kube-proxy',
  action: 'restart-kube-proxy',
  pick(node: string, facts: Facts): RestartPod | string {
    if (!facts.kubeProxy.ok) return `kube-proxy pods not known (${facts.kubeProxy.error})`;
    const ds = facts.kubeProxy.value.daemonSet;
    if (!ds) return 'no kube-proxy DaemonSet: a deleted pod would not come back';
    const pods = facts.kubeProxy.value.pods.filter((p) => p.node === node);
    if (pods.length === 0) return 'no kube-proxy pod on this node (check the DaemonSet scheduling)';
    if (pods.length > 1) return `${pods.length} kube-proxy pods on this node: not sure which one serves it`;
    return {
      namespace: ds.namespace,
      name: pods[0]!.name,
      target: { namespace: ds.namespace, daemonSet: ds.name, label: KUBE_PROXY_LABEL, container: CONTAINER },
    };
  },
};

const KUBE_PROXY_CHECKS = [kubeProxyPods, kubeProxyRules];

/** Cilium is known to be absent (not merely unreadable: then the Cilium checks say what is unknown). */
const noCilium = (facts: Facts) => !facts.cilium.ok && facts.cilium.kind === 'not-installed';

export const kubeProxyDatapath: Datapath = {
  id: 'kube-proxy',
  title: 'kube-proxy',
  detect(facts: Facts): Detection {
    const d = classifyDatapath(facts);
    return { present: d.services === 'kube-proxy' && !noCilium(facts), evidence: d.evidence };
  },
  checks: [...CHECKS, ...KUBE_PROXY_CHECKS],
  readLbMap: ciliumDatapath.readLbMap,
  restarts: [ciliumAgentRestarts, kubeProxyRestarts],
};

export const kubeProxyOnlyDatapath: Datapath = {
  id: 'kube-proxy-only',
  title: 'kube-proxy (no Cilium)',
  detect(facts: Facts): Detection {
    const d = classifyDatapath(facts);
    return { present: d.services === 'kube-proxy' && noCilium(facts), evidence: d.evidence };
  },
  checks: KUBE_PROXY_CHECKS,
  // No Cilium agent to ask: the rules are read through the kube-proxy pods instead (gather-kube-proxy.ts).
  readLbMap: () => Promise.resolve([]),
  restarts: [kubeProxyRestarts],
};
