// The agent container crash loops with a fatal line (or the scenario's own `logLine`).
import { z } from 'zod';
import { defineFault, faultBase, type FaultLogs } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('agent-crashloop'),
      ...faultBase,
      restarts: z.number().int().min(1).default(6),
      /** Last log line of each crashed container (defaults to a real fatal line). */
      logLine: z.string().optional(),
    })
    .strict(),
  fixedByRestart: false,
  health: () => 'crashloop',
  restarts: (f) => f.restarts,
  logs: (f): FaultLogs =>
    f.logLine
      ? { raw: [f.logLine] }
      : {
          records: [
            {
              level: 'fatal',
              msg: 'Error while creating daemon',
              subsys: 'daemon',
              fields: { error: 'unable to connect to Kubernetes apiserver: timed out waiting for the condition' },
            },
          ],
        },
});
