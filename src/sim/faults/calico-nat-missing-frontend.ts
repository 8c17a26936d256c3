// Calico eBPF's NAT map on the node lacks the frontends of these Services (`calico-node -bpf nat dump`
// does not list them), as in projectcalico/calico#13279. Restarting calico-node (Felix rewrites its maps
// on start) clears it unless the scenario says otherwise. Only the Calico NAT dump changes (sim/calico-out.ts).
import { z } from 'zod';
import { defineFault, faultBase, svcRef } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('calico-nat-missing-frontend'),
      ...faultBase,
      /** Services (`ns/name`) whose frontends are absent from the node's Calico NAT map. */
      services: z.array(svcRef).min(1),
    })
    .strict(),
  fixedByRestart: true,
  services: (f) => f.services,
});
