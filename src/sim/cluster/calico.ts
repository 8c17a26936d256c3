// Calico beside (or instead of) Cilium, as a manifest install lays it out: the calico-node DaemonSet in
// kube-system (label k8s-app=calico-node) and its pods; `datapath.calico: bpf` sets FELIX_BPFENABLED=true
// in the calico-node container, as Calico's eBPF setup guide does for manifest installs.
import type { KObj } from '../store.js';
import { daemonSetObject, kubeProxyPod } from './cilium.js';
import type { Cluster } from './index.js';

const IMAGE = 'docker.io/calico/node:v3.27.3';

export function buildCalico(cl: Cluster): void {
  const mode = cl.scenario.datapath.calico;
  if (!mode) return;
  const env = [
    { name: 'DATASTORE_TYPE', value: 'kubernetes' },
    { name: 'CALICO_NETWORKING_BACKEND', value: 'bird' },
    ...(mode === 'bpf' ? [{ name: 'FELIX_BPFENABLED', value: 'true' }] : []),
  ];
  const ds = daemonSetObject(cl, 'calico-node', 'calico-node', IMAGE);
  const spec = (
    ds.spec as { template: { spec: { containers: Record<string, unknown>[]; serviceAccountName: string } } }
  ).template.spec;
  spec.containers[0] = { ...spec.containers[0], command: undefined, args: undefined, env };
  spec.serviceAccountName = 'calico-node';
  cl.store.create('daemonsets.apps', ds, true);
  for (const n of cl.nodes) {
    // The kube-proxy pod's shape (host network, privileged, node-critical) with calico-node's names.
    const pod = kubeProxyPod(cl, n, ds.metadata.uid) as KObj & {
      spec: { containers: Record<string, unknown>[]; serviceAccountName: string; serviceAccount: string };
      status: { containerStatuses: Record<string, unknown>[] };
    };
    pod.metadata.name = `calico-node-${cl.prng.suffix()}`;
    pod.metadata.labels = { ...pod.metadata.labels, 'k8s-app': 'calico-node' };
    for (const o of pod.metadata.ownerReferences ?? []) o.name = 'calico-node';
    pod.spec.containers[0] = { ...pod.spec.containers[0], name: 'calico-node', image: IMAGE, command: undefined, env };
    pod.spec.serviceAccountName = pod.spec.serviceAccount = 'calico-node';
    pod.status.containerStatuses[0] = { ...pod.status.containerStatuses[0], name: 'calico-node', image: IMAGE };
    cl.store.create('pods', pod, true);
  }
}
