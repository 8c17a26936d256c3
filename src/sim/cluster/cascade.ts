// Garbage collection after a DELETE, so the data never contradicts itself: a Service takes its
// EndpointSlices and Endpoints with it (ownerReference / same name), a Node takes its pods (pod GC)
// and lowers the DaemonSet' desired count.
import type { KObj } from '../store.js';
import { refreshDaemonSetStatus } from './controllers.js';
import type { Cluster } from './index.js';

export function afterServiceGone(cl: Cluster, svc: KObj): void {
  const ns = svc.metadata.namespace!;
  const name = svc.metadata.name;
  for (const slice of cl.store.list('endpointslices.discovery.k8s.io', ns))
    if (slice.metadata.labels?.['kubernetes.io/service-name'] === name)
      cl.store.remove('endpointslices.discovery.k8s.io', slice);
  const ep = cl.store.get('endpoints', ns, name);
  if (ep) cl.store.remove('endpoints', ep);
}

export function afterNodeGone(cl: Cluster, node: KObj): void {
  const name = node.metadata.name;
  // No agent and no node any more: the DaemonSet controller must not replace the pods it loses here.
  cl.agents.delete(name);
  const i = cl.nodes.findIndex((n) => n.name === name);
  if (i >= 0) cl.nodes.splice(i, 1);
  for (const pod of cl.store.list('pods'))
    if ((pod.spec as { nodeName?: string }).nodeName === name) cl.store.remove('pods', pod);
  // the node's Lease is owned by the Node (ownerReference): the garbage collector removes it
  const lease = cl.store.get('leases.coordination.k8s.io', 'kube-node-lease', name);
  if (lease) cl.store.remove('leases.coordination.k8s.io', lease);
  refreshDaemonSetStatus(cl);
}
