// kube-proxy serves Services (Cilium without kube-proxy replacement, kube-proxy alone, Calico's iptables
// dataplane): the Cilium playbook as before, plus kube-proxy's own checks. Reading each node's nat table
// through the kube-proxy pod (src/datapath/kube-proxy/iptables.ts) is not wired yet: the LB map read is
// still Cilium's (TODO #16).
import { CHECKS } from '../checks/index.js';
import { kubeProxyPods } from '../checks/kube-proxy-pods.js';
import { ciliumDatapath } from './cilium.js';
import { classifyDatapath } from './detect.js';
import type { Facts } from '../model/facts.js';
import type { Datapath, Detection } from './types.js';

const KUBE_PROXY_CHECKS = [kubeProxyPods];

export const kubeProxyDatapath: Datapath = {
  id: 'kube-proxy',
  title: 'kube-proxy',
  detect(facts: Facts): Detection {
    const d = classifyDatapath(facts);
    return { present: d.services === 'kube-proxy', evidence: d.evidence };
  },
  checks: [...CHECKS, ...KUBE_PROXY_CHECKS],
  readLbMap: ciliumDatapath.readLbMap,
};
