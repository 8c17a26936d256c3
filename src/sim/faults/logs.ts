// Extra agent log lines, verbatim, after startup (to try the log catalog on real lines).
import { z } from 'zod';
import { defineFault, faultBase } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('logs'),
      ...faultBase,
      /** Extra agent log lines, verbatim, appended after startup. */
      lines: z.array(z.string()).min(1),
      /** The lines go only into the previous container's log (`logs --previous`), not the running one's. */
      previousOnly: z.boolean().default(false),
    })
    .strict(),
  fixedByRestart: true,
  logs: (f) => ({ raw: f.lines }),
});
