// The cluster-wide form of the mesh-sidecar check's input: which pod-network pods run a mesh sidecar
// (istio-proxy, linkerd-proxy). One paginated pods list, no exec; only the first few pods are kept.
import type { KubeClient } from '../cluster/client.js';
import type { Pod } from '../cilium/discovery.js';
import { MESH_SIDECAR_CONTAINERS, type MeshPodsFact } from '../model/facts.js';

/** Pods named in the finding; the rest are counted. */
const KEEP = 20;

export async function listMeshPods(client: KubeClient): Promise<MeshPodsFact> {
  const out: MeshPodsFact = { pods: [], total: 0, listed: 0 };
  for await (const p of client.list<Pod>('/api/v1/pods')) {
    out.listed++;
    // A host-network pod's traffic never passes a sidecar's redirect; a finished pod makes no connects.
    if (p.spec?.hostNetwork || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    // Native sidecars (restartPolicy: Always) sit among the init containers.
    const names = [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].map((c) => c.name);
    const sidecars = names.filter((n) => MESH_SIDECAR_CONTAINERS.includes(n));
    if (!sidecars.length) continue;
    out.total++;
    if (out.pods.length < KEEP)
      out.pods.push({
        namespace: p.metadata?.namespace ?? '',
        name: p.metadata?.name ?? '',
        node: p.spec?.nodeName ?? '',
        sidecars,
      });
  }
  return out;
}
