// Calico beside (or instead of) Cilium, as a manifest install lays it out: the calico-node DaemonSet in
// kube-system (label k8s-app=calico-node) and its pods; `datapath.calico: bpf` sets FELIX_BPFENABLED=true
// in the calico-node container, as Calico's eBPF setup guide does for manifest installs. Deleting a
// calico-node pod recreates it on its node and clears the node's Calico faults a restart fixes.
import type { KObj } from '../store.js';
import { daemonSetObject, kubeProxyPod } from './cilium.js';
import type { Cluster, NodeInfo } from './index.js';

const IMAGE = 'docker.io/calico/node:v3.27.3';

function calicoEnv(cl: Cluster): { name: string; value: string }[] {
  return [
    { name: 'DATASTORE_TYPE', value: 'kubernetes' },
    { name: 'CALICO_NETWORKING_BACKEND', value: 'bird' },
    ...(cl.scenario.datapath.calico === 'bpf' ? [{ name: 'FELIX_BPFENABLED', value: 'true' }] : []),
    ...(cl.scenario.datapath.calicoKubeProxyCleanup !== undefined
      ? [
          {
            name: 'FELIX_BPFKUBEPROXYIPTABLESCLEANUPENABLED',
            value: String(cl.scenario.datapath.calicoKubeProxyCleanup),
          },
        ]
      : []),
  ];
}

export function buildCalico(cl: Cluster): void {
  if (!cl.scenario.datapath.calico) return;
  const ds = daemonSetObject(cl, 'calico-node', 'calico-node', IMAGE);
  const spec = (
    ds.spec as { template: { spec: { containers: Record<string, unknown>[]; serviceAccountName: string } } }
  ).template.spec;
  spec.containers[0] = { ...spec.containers[0], command: undefined, args: undefined, env: calicoEnv(cl) };
  spec.serviceAccountName = 'calico-node';
  cl.store.create('daemonsets.apps', ds, true);
  for (const n of cl.nodes) cl.store.create('pods', calicoNodePod(cl, n, ds.metadata.uid), true);
}

/** One calico-node pod: the kube-proxy pod's shape (host network, privileged, node-critical) with calico-node's names. */
function calicoNodePod(cl: Cluster, n: NodeInfo, dsUid: string): KObj {
  const pod = kubeProxyPod(cl, n, dsUid) as KObj & {
    spec: { containers: Record<string, unknown>[]; serviceAccountName: string; serviceAccount: string };
    status: { containerStatuses: Record<string, unknown>[] };
  };
  pod.metadata.name = `calico-node-${cl.prng.suffix()}`;
  pod.metadata.labels = { ...pod.metadata.labels, 'k8s-app': 'calico-node' };
  for (const o of pod.metadata.ownerReferences ?? []) o.name = 'calico-node';
  pod.spec.containers[0] = {
    ...pod.spec.containers[0],
    name: 'calico-node',
    image: IMAGE,
    command: undefined,
    env: calicoEnv(cl),
  };
  pod.spec.serviceAccountName = pod.spec.serviceAccount = 'calico-node';
  pod.status.containerStatuses[0] = { ...pod.status.containerStatuses[0], name: 'calico-node', image: IMAGE };
  return pod;
}

/** The DaemonSet controller for calico-node: a new pod on the node; Felix's fresh start clears its map faults. */
export function calicoNodeGone(cl: Cluster, nodeName: string): void {
  const ds = cl.store.get('daemonsets.apps', 'kube-system', 'calico-node');
  const node = cl.nodes.find((n) => n.name === nodeName);
  const st = cl.agents.get(nodeName);
  if (!ds || !node) return;
  if (st) st.faults = st.faults.filter((f) => !(f.kind.startsWith('calico-') && f.fixedByRestart));
  cl.store.create('pods', calicoNodePod(cl, node, ds.metadata.uid));
}
