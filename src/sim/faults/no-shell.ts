// The agent image ships no shell (a distroless build): `sh`/`bash` are not in the container, so
// in-container filters cannot run and kdiag must fall back to reading the whole map.
import { z } from 'zod';
import { defineFault, faultBase } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('no-shell'),
      ...faultBase,
    })
    .strict(),
  fixedByRestart: false,
  exec: (_f, argv) => {
    const bin = argv[0]?.split('/').pop();
    if (bin !== 'sh' && bin !== 'bash') return undefined;
    return {
      exitCode: 127,
      stderr: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0]}": executable file not found in $PATH: unknown\n`,
    };
  },
});
