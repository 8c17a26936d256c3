// The kube-proxy side of --fix: for a cause a kube-proxy restart fixes (kube-proxy-rules-stale), delete
// the kube-proxy pod on the affected node (its DaemonSet recreates it and a fresh kube-proxy rewrites every
// rule in one full sync), with the same batches, re-read before delete and verify-after as the agents'.
import type { KubeClient } from '../cluster/client.js';
import { agentPodFact, type Pod } from '../cilium/discovery.js';
import { oneLine } from '../errors.js';
import type { RestartAction } from '../model/diagnosis.js';
import type { Facts } from '../model/facts.js';

export const KUBE_PROXY_LABEL = 'k8s-app=kube-proxy';

/** The kube-proxy pod to delete on `node`, or why not (only pods the facts saw, owned by the DaemonSet). */
export function kubeProxyTarget(node: string, facts: Facts): string | { namespace: string; name: string } {
  if (!facts.kubeProxy.ok) return `kube-proxy pods not known (${facts.kubeProxy.error})`;
  const ds = facts.kubeProxy.value.daemonSet;
  if (!ds) return 'no kube-proxy DaemonSet: a deleted pod would not come back';
  const pods = facts.kubeProxy.value.pods.filter((p) => p.node === node);
  if (pods.length === 0) return 'no kube-proxy pod on this node (check the DaemonSet scheduling)';
  if (pods.length > 1) return `${pods.length} kube-proxy pods on this node: not sure which one serves it`;
  return { namespace: ds.namespace, name: pods[0]!.name };
}

/** Every kube-proxy pod at once is a cluster-wide restart: refused unless the user named the nodes. */
export function kubeProxyPodCount(facts: Facts): number {
  return facts.kubeProxy.ok ? facts.kubeProxy.value.pods.length : 0;
}

/** Re-read before delete: undefined when the pod is still the node's kube-proxy, owned by its DaemonSet. */
export async function verifyKubeProxyTarget(client: KubeClient, a: RestartAction): Promise<string | undefined> {
  let pod: Pod | undefined;
  try {
    pod = await client.getOptional<Pod>(
      `/api/v1/namespaces/${encodeURIComponent(a.namespace)}/pods/${encodeURIComponent(a.pod)}`,
    );
  } catch (e) {
    return `cannot re-read pod ${a.namespace}/${a.pod}: ${oneLine(e)}`;
  }
  if (!pod) return `pod ${a.namespace}/${a.pod} no longer exists`;
  const f = agentPodFact(pod);
  if (pod.metadata?.labels?.['k8s-app'] !== 'kube-proxy') return `pod ${a.pod} is not labelled ${KUBE_PROXY_LABEL}`;
  if (!f.ownerDaemonSet) return `pod ${a.pod} is not owned by a DaemonSet`;
  if (f.node !== a.node) return `pod ${a.pod} runs on ${f.node}, not on ${a.node}`;
  return undefined;
}
