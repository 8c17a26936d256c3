// The agent container lacks the capabilities to create its BPF maps and crash loops (pair it with
// `cilium.capabilities` in the scenario so the DaemonSet shows the cause).
import { z } from 'zod';
import { defineFault, faultBase, type FaultLogs } from './types.js';

const error = 'Unable to create map /sys/fs/bpf/tc/globals/cilium_lxc: operation not permitted';

export default defineFault({
  schema: z.object({ kind: z.literal('missing-capabilities'), ...faultBase }).strict(),
  fixedByRestart: false,
  health: () => 'crashloop',
  restarts: () => 5,
  logs: (): FaultLogs => ({
    records: [
      { level: 'error', msg: 'Error while opening/creating BPF maps', subsys: 'daemon', fields: { error } },
      { level: 'fatal', msg: 'Error while creating daemon', subsys: 'daemon', fields: { error } },
    ],
  }),
});
