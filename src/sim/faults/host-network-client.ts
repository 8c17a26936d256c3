// A hostNetwork client on the node (a node agent such as node-exporter). It is only a fault with the
// config that leaves its ClusterIP connects untranslated: socket LB off (bpf-lb-sock false, kube-proxy
// replacement not "true") and no kube-proxy, so nothing in the host namespace rewrites a ClusterIP
// (pods still get Cilium's per-packet LB in bpf_lxc). cilium/cilium#22375: hostNetwork pods reached
// Services only after socketLB.enabled=true. The scenario sets that config; this places the client.
import { z } from 'zod';
import { defineFault, faultBase, svcRef } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('host-network-client'),
      ...faultBase,
      /** The client pod, `namespace/name` (the namespace must exist in the scenario). */
      pod: svcRef.default('monitoring/node-exporter'),
      image: z.string().default('quay.io/prometheus/node-exporter:v1.8.2'),
    })
    .strict(),
  fixedByRestart: false,
  pods: (f, node) => {
    const [namespace, name] = f.pod.split('/') as [string, string];
    return [
      {
        namespace,
        name: `${name}-${node}`,
        hostNetwork: true,
        labels: { app: name },
        containers: [{ name, image: f.image }],
      },
    ];
  },
});
