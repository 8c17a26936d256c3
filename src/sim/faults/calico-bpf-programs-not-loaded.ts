// Calico eBPF with none of its tc programs loaded on the node: calico-node's `bpftool -j prog show` lists
// no cali_tc_preamble, calico_tc_* or per-interface policy program (the connect-time LB programs Felix
// attaches to the root cgroup stay). As when the kernel's verifier rejects the programs (Calico's
// troubleshoot-ebpf docs, "Debugging calico-node not ready"): a restart loads them into the same kernel,
// so it does not fix it unless the scenario says otherwise. Only calico-node's bpftool changes (sim/calico-out.ts).
import { z } from 'zod';
import { defineFault, faultBase } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('calico-bpf-programs-not-loaded'),
      ...faultBase,
    })
    .strict(),
  fixedByRestart: false,
});
