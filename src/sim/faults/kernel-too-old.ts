// The node's kernel is older than the agent needs: it crash loops (or, with `crashloop: false`, runs
// without programs). Lines from the agent's startup checks (1.18: pkg/datapath/cells.go requirements).
import { z } from 'zod';
import { defineFault, faultBase, type FaultLogs } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('kernel-too-old'),
      ...faultBase,
      kernel: z.string().default('4.8.0-58-generic'),
      /** true: the agent crash loops; false: it runs but cannot load its programs. */
      crashloop: z.boolean().default(true),
    })
    .strict(),
  fixedByRestart: false,
  kernel: (f) => f.kernel,
  health: (f) => (f.crashloop ? 'crashloop' : 'running'),
  restarts: (f) => (f.crashloop ? 5 : 0),
  dropsProgram: () => true,
  logs: (_f, minor): FaultLogs => ({
    records:
      minor >= 18
        ? [
            {
              level: 'error',
              msg: 'Start hook failed',
              subsys: 'hive',
              fields: {
                function: 'datapath.initDatapath.func1 (pkg/datapath/cells.go:181) (agent.datapath)',
                error: 'requirements failed: Require support for dead code elimination (Linux 5.1 or newer)',
              },
            },
            {
              level: 'error',
              msg: 'Failed to start hive',
              subsys: 'hive',
              fields: {
                error: 'requirements failed: Require support for dead code elimination (Linux 5.1 or newer)',
                duration: '1.032422414s',
              },
            },
          ]
        : [
            {
              level: 'fatal',
              msg: 'Error while creating daemon',
              subsys: 'daemon',
              fields: {
                error:
                  'unable to read BPF endpoint list: Unable to get next key from map with file descriptor 10: bad address',
              },
            },
          ],
  }),
});
