// One address family of a dual-stack Service drifts in the agent's map: the frontend of that family (its
// ClusterIP of that family) lists fewer backends than the EndpointSlices of that addressType, while the
// other family's frontend stays right. The rows of each family are told apart by their backends' addresses.
import { isIP } from 'node:net';
import { z } from 'zod';
import { defineFault, faultBase, svcRef } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('address-family-drift'),
      ...faultBase,
      family: z.enum(['IPv4', 'IPv6']).default('IPv6'),
      /** Drop backends of that family's frontends of a Service (the last `count`, all when omitted). */
      missingBackends: z
        .array(z.object({ service: svcRef, count: z.number().int().min(1).optional() }).strict())
        .min(1),
    })
    .strict(),
  fixedByRestart: true,
  services: (f) => f.missingBackends.map((m) => m.service),
  mapDrift: (faults) => {
    const drop = new Map<string, { family: number; count?: number }>();
    for (const f of faults)
      for (const m of f.missingBackends)
        drop.set(`${f.family}|${m.service}`, { family: f.family === 'IPv6' ? 6 : 4, count: m.count });
    return {
      hides: () => false,
      backends: (key, fromSlices) => {
        const fam = fromSlices[0] ? isIP(fromSlices[0].ip) : 0;
        const d = drop.get(`${fam === 6 ? 'IPv6' : 'IPv4'}|${key}`);
        if (!d || d.family !== fam) return fromSlices;
        return d.count === undefined ? [] : fromSlices.slice(0, Math.max(0, fromSlices.length - d.count));
      },
      stale: () => [],
    };
  },
});
