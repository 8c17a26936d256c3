// The node's NIC driver has no native XDP. With bpf-lb-acceleration=best-effort the agent skips XDP on
// that device and stays on tc: no cil_xdp_entry in `bpftool prog show`, and an info line, recorded in
// cilium/cilium#32699 (1.15.5, X710/I350 bond): "Failed to attach XDP program, ignoring due to
// best-effort mode" with the bpf_link error. With `native` the same attach error is fatal instead
// (cilium/cilium#22970, "Failed to compile XDP program"); this fault models best-effort only.
import { z } from 'zod';
import { defineFault, faultBase, type FaultLogs } from './types.js';

/** A NIC-driver XDP fault's schema and effect on programs (shared with xdp-native-attach-failed.ts). */
export const xdpDriverFault = <K extends string>(kind: K) => ({
  schema: z
    .object({
      kind: z.literal(kind),
      ...faultBase,
      /** The native device whose driver lacks XDP. */
      device: z.string().default('eth0'),
    })
    .strict(),
  fixedByRestart: false,
  /** No XDP program on the node, in either naming. */
  dropsProgram: (_f: unknown, name: string): boolean => name === 'cil_xdp_entry' || name === 'bpf_xdp_entry',
});

export default defineFault({
  ...xdpDriverFault('xdp-driver-unsupported'),
  logs: (f): FaultLogs => ({
    records: [
      {
        level: 'info',
        msg: `No existing link found at /sys/fs/bpf/cilium/devices/${f.device}/links/cil_xdp_entry for program cil_xdp_entry`,
        subsys: 'datapath-loader',
      },
      {
        level: 'info',
        msg: 'Failed to attach XDP program, ignoring due to best-effort mode',
        subsys: 'datapath-loader',
        fields: {
          device: f.device,
          error:
            'program cil_xdp_entry: attaching program cil_xdp_entry using bpf_link: create link: operation not supported',
        },
      },
    ],
  }),
});
