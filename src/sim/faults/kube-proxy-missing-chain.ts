// kube-proxy on the node has no rules for some Services: no KUBE-SERVICES jump and no KUBE-SVC/KUBE-SEP
// chains, while the Services have ready endpoints (a sync that never ran for them). A kube-proxy restart
// rewrites the whole table, so it clears.
import { z } from 'zod';
import { defineFault, faultBase, svcRef } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('kube-proxy-missing-chain'),
      ...faultBase,
      /** Services (`ns/name`) with no rules on the node. */
      services: z.array(svcRef).min(1),
    })
    .strict(),
  fixedByRestart: true,
  component: 'kube-proxy',
  services: (f) => f.services,
  natDrift: (f) => ({ hides: f.services }),
});
