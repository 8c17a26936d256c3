// One exact command in the agent returns a recorded file's bytes (real output of a real Cilium).
import { createReadStream, readFileSync } from 'node:fs';
import { z } from 'zod';
import { resolveFixture } from '../paths.js';
import { defineFault, faultBase } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('recorded-output'),
      ...faultBase,
      /** Command as argv joined by single spaces, e.g. `cilium-dbg service list`. */
      command: z.string().min(1),
      /** File whose bytes are returned verbatim: relative to the scenario file, or a name in the Cilium fixtures. */
      fixture: z.string().min(1),
      exitCode: z.number().int().min(0).max(255).default(0),
      stream: z.enum(['stdout', 'stderr']).default('stdout'),
    })
    .strict(),
  fixedByRestart: false,
  exec: (f, argv, scenarioFile) => {
    if (argv.join(' ') !== f.command) return undefined;
    const file = resolveFixture(f.fixture, scenarioFile);
    if (f.stream === 'stderr') return { exitCode: f.exitCode, stderr: readFileSync(file, 'utf8') };
    return { exitCode: f.exitCode, stdout: createReadStream(file) };
  },
});
