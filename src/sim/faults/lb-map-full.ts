// A load-balancer BPF map is at bpf-lb-map-max: the agent logs each failed insert and the Services it could
// not insert have no frontend in its map. A restart refills the same map to the same limit.
// Log strings: "Error while inserting service in LB map" (pkg/k8s/watchers/service.go) wrapping
// "Unable to update element for %s map with file descriptor %d: the map is full, please consider
// resizing it. %w" (pkg/bpf/bpf_linux.go, UpdateElementFromPointers on E2BIG).
import { z } from 'zod';
import { defineFault, faultBase, svcRef, type FaultLogs } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('lb-map-full'),
      ...faultBase,
      /** Services whose insert failed: absent from the agent's map. */
      services: z.array(svcRef).min(1),
      /** The full map, as Cilium names it. */
      map: z.string().default('cilium_lb4_backends_v3'),
    })
    .strict(),
  fixedByRestart: false,
  logs: (f): FaultLogs => ({
    records: f.services.map((s) => {
      const [namespace, name] = s.split('/');
      return {
        level: 'error',
        msg: 'Error while inserting service in LB map',
        subsys: 'k8s-watcher',
        fields: {
          error: `Unable to update element for ${f.map} map with file descriptor 23: the map is full, please consider resizing it. argument list too long`,
          k8sNamespace: namespace,
          k8sSvcName: name,
        },
      };
    }),
  }),
  mapDrift: (faults) => {
    const missing = new Set(faults.flatMap((f) => f.services));
    return { hides: (key) => missing.has(key), backends: (_key, fromSlices) => fromSlices, stale: () => [] };
  },
});
