// The agent runs but its readiness probe fails: it cannot reach the API server.
import { z } from 'zod';
import { defineFault, faultBase, type FaultLogs } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('agent-not-ready'),
      ...faultBase,
      restarts: z.number().int().min(0).default(0),
    })
    .strict(),
  fixedByRestart: true,
  health: () => 'not-ready',
  restarts: (f) => f.restarts,
  logs: (): FaultLogs => ({
    records: [
      {
        level: 'warning',
        msg: 'Unable to contact k8s api-server',
        subsys: 'k8s-client',
        fields: {
          error: 'Get "https://10.96.0.1:443/api/v1/namespaces/kube-system": dial tcp 10.96.0.1:443: i/o timeout',
          ipAddr: 'https://10.96.0.1:443',
        },
      },
    ],
  }),
});
