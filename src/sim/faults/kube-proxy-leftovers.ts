// kube-proxy was removed (no DaemonSet, no pods) when Cilium took over Services, but nobody flushed its
// rules: the node's nat table still has KUBE-SERVICES and the KUBE-SVC/KUBE-SEP chains of its last sync.
// `iptables-save -t nat` in the agent container (the agent image ships iptables) then prints kube-proxy's
// table (src/sim/cluster/kube-proxy.ts renders it). Nothing updates those rules any more; a restart of the
// agent leaves them in place.
import { z } from 'zod';
import { defineFault, faultBase } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('kube-proxy-leftovers'),
      ...faultBase,
    })
    .strict(),
  fixedByRestart: false,
});
