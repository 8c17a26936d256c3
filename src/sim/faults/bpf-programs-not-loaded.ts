// The agent runs and is Ready, but its datapath programs are not loaded: bpftool lacks them, `cilium
// status` fails, and the log has the compile error (pkg/endpoint/bpf.go, pkg/datapath/loader/compile.go).
import { z } from 'zod';
import { defineFault, faultBase, type FaultLogs } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('bpf-programs-not-loaded'),
      ...faultBase,
      /** Programs missing; all of them when omitted. */
      programs: z.array(z.string()).optional(),
    })
    .strict(),
  fixedByRestart: true,
  dropsProgram: (f, name) => !f.programs || f.programs.includes(name),
  failsStatus: true,
  logs: (): FaultLogs => ({
    // log catalog: bpf-program-load-failed
    records: [
      {
        level: 'error',
        msg: 'Error while reloading endpoint BPF program',
        subsys: 'endpoint',
        fields: {
          ciliumEndpointName: 'kube-system/coredns',
          endpointID: '1532',
          error: 'Failed to compile bpf_lxc.o: exit status 1',
        },
      },
      {
        level: 'warning',
        msg: 'Regeneration of endpoint failed',
        subsys: 'endpoint',
        fields: {
          endpointID: '1532',
          reason: 'retrying regeneration',
          error: 'Error while reloading endpoint BPF program: Failed to compile bpf_lxc.o: exit status 1',
        },
      },
    ],
  }),
});
