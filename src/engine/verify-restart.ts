// Re-read before delete: the one check `--fix` makes on a pod just before deleting it, whatever the
// datapath. The plan was made from facts gathered earlier; the pod must still exist, still be owned by
// the DaemonSet the plan's target names (so it comes back), run on the planned node, and carry the
// target's label and container.
import type { KubeClient } from '../cluster/client.js';
import { agentPodFact, type Pod } from '../cilium/discovery.js';
import { oneLine } from '../errors.js';
import type { RestartAction, RestartTarget } from '../model/diagnosis.js';

/** undefined when the pod is safe to delete; else why not. */
export async function verifyRestartTarget(
  client: KubeClient,
  a: RestartAction,
  target: RestartTarget,
): Promise<string | undefined> {
  const ds = `${target.namespace}/${target.daemonSet}`;
  if (a.namespace !== target.namespace) return `pod ${a.namespace}/${a.pod} is not in the namespace of DaemonSet ${ds}`;
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
  if (!target.daemonSet || f.ownerDaemonSet !== target.daemonSet) return `pod ${a.pod} is not owned by DaemonSet ${ds}`;
  if (f.node !== a.node) return `pod ${a.pod} runs on ${f.node}, not on ${a.node}`;
  const [key, value] = target.label.split('=');
  if (pod.metadata?.labels?.[key!] !== value) return `pod ${a.pod} is not labelled ${target.label}`;
  if (!pod.spec?.containers?.some((c) => c.name === target.container))
    return `pod ${a.pod} has no container ${target.container}`;
  return undefined;
}
