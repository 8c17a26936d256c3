// Exec into the agent never answers (a wedged container runtime or agent), until the client gives up.
import { z } from 'zod';
import { defineFault, faultBase } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('exec-hangs'),
      ...faultBase,
      /** Only commands starting with one of these (argv joined by spaces); every command when omitted. */
      commands: z.array(z.string()).optional(),
    })
    .strict(),
  fixedByRestart: false,
  exec: (f, argv) => {
    const cmd = argv.join(' ');
    return !f.commands || f.commands.some((c) => cmd.startsWith(c)) ? { hang: true } : undefined;
  },
});
