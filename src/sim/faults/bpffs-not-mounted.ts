// No bpffs at /sys/fs/bpf: the mount tables lack it and the agent warns that it mounts its own.
import { z } from 'zod';
import { defineFault, faultBase, type FaultLogs } from './types.js';

export default defineFault({
  schema: z.object({ kind: z.literal('bpffs-not-mounted'), ...faultBase }).strict(),
  fixedByRestart: false,
  hidesBpffs: true,
  logs: (): FaultLogs => ({
    records: [
      {
        level: 'warning',
        msg: 'BPF filesystem is going to be mounted automatically in /run/cilium/bpffs. However, it probably means that Cilium is running inside container and BPFFS is not mounted on the host. for more information, see: https://cilium.link/err-bpf-mount',
        subsys: 'bpf',
      },
    ],
  }),
});
