// kube-proxy serves Services (Cilium without kube-proxy replacement, kube-proxy alone, Calico's iptables
// dataplane). With Cilium present: the Cilium playbook as before, plus kube-proxy's own checks. Without
// Cilium (kube-proxy alone, or with another CNI): kube-proxy's checks only, so a missing Cilium is not a
// cause there. In iptables mode the engine reads each node's nat table through its kube-proxy pod
// (src/engine/gather-kube-proxy.ts, parsed by kube-proxy/iptables.ts) for the kube-proxy-rules check.
import { CHECKS } from '../checks/index.js';
import { kubeProxyPods } from '../checks/kube-proxy-pods.js';
import { kubeProxyRules } from '../checks/kube-proxy-rules.js';
import { ciliumDatapath } from './cilium.js';
import { classifyDatapath } from './detect.js';
import type { Facts } from '../model/facts.js';
import type { Datapath, Detection } from './types.js';

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
};
