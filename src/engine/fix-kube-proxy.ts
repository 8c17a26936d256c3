// The kube-proxy side of --fix: which pod is restarted comes from the datapath (kubeProxyRestarts in
// src/datapath/kube-proxy.ts); here only the cluster-wide guard's count.
import type { Facts } from '../model/facts.js';

/** Every kube-proxy pod at once is a cluster-wide restart: refused unless the user named the nodes. */
export function kubeProxyPodCount(facts: Facts): number {
  return facts.kubeProxy.ok ? facts.kubeProxy.value.pods.length : 0;
}
