// kube-proxy's nat table on the node still holds rules for Services that were deleted: with `jump: true`
// KUBE-SERVICES still sends the old ClusterIP to the old endpoints; with `jump: false` only the
// KUBE-SVC/KUBE-SEP chains are left. A kube-proxy restart (full sync) removes them.
import { z } from 'zod';
import { defineFault, faultBase, svcRef } from './types.js';

const hostPort = z.string().regex(/^\d+\.\d+\.\d+\.\d+:\d+$/, 'expected "ip:port"');

export default defineFault({
  schema: z
    .object({
      kind: z.literal('kube-proxy-stale-chains'),
      ...faultBase,
      stale: z
        .array(
          z
            .object({
              /** The deleted Service, `ns/name` (it must not exist in the scenario). */
              service: svcRef,
              portName: z.string().default(''),
              ip: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/),
              port: z.number().int().min(1).max(65535),
              protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
              endpoints: z.array(hostPort).min(1),
              /** false: only the chains are left, no KUBE-SERVICES rule jumps to them. */
              jump: z.boolean().default(true),
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
  fixedByRestart: true,
  component: 'kube-proxy',
  natDrift: (f) => ({ stale: f.stale }),
});
