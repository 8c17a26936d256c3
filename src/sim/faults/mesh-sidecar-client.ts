// A client pod with a service-mesh sidecar (Istio's istio-proxy, Linkerd's linkerd-proxy) while socket LB
// runs in every pod's namespace (bpf-lb-sock-hostns-only false): cil_sock4_connect rewrites the ClusterIP
// to a backend at connect(), before the sidecar's iptables redirect sees it, so the mesh sees a pod IP and
// its per-Service routing, mTLS and policy are bypassed (cilium/cilium#16583, #28304; Cilium's Istio
// integration docs ask for socketLB.hostNamespaceOnly=true). Container names and images as the injectors
// add them; `native` puts the proxy among the init containers (Kubernetes native sidecars).
import { z } from 'zod';
import { defineFault, faultBase, svcRef } from './types.js';

const MESH = {
  istio: {
    init: { name: 'istio-init', image: 'docker.io/istio/proxyv2:1.22.3' },
    proxy: { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.3' },
  },
  linkerd: {
    init: { name: 'linkerd-init', image: 'cr.l5d.io/linkerd/proxy-init:v2.2.3' },
    proxy: { name: 'linkerd-proxy', image: 'cr.l5d.io/linkerd/proxy:stable-2.14.10' },
  },
} as const;

export default defineFault({
  schema: z
    .object({
      kind: z.literal('mesh-sidecar-client'),
      ...faultBase,
      /** The client pod, `namespace/name` (the namespace must exist in the scenario). */
      pod: svcRef.default('shop/frontend'),
      mesh: z.enum(['istio', 'linkerd']).default('istio'),
      native: z.boolean().default(false),
    })
    .strict(),
  fixedByRestart: false,
  pods: (f, node) => {
    const [namespace, name] = f.pod.split('/') as [string, string];
    const m = MESH[f.mesh];
    const app = { name: 'app', image: 'registry.k8s.io/e2e-test-images/agnhost:2.45' };
    return [
      {
        namespace,
        name: `${name}-${node}`,
        hostNetwork: false,
        labels: { app: name, ...(f.mesh === 'istio' ? { 'security.istio.io/tlsMode': 'istio' } : {}) },
        initContainers: f.native ? [m.init, { ...m.proxy, restartPolicy: 'Always' as const }] : [m.init],
        containers: f.native ? [app] : f.mesh === 'linkerd' ? [m.proxy, app] : [app, m.proxy],
      },
    ];
  },
});
