// The agent's load-balancer map disagrees with the Services and EndpointSlices: frontends missing or
// stale, backends wrong, missing or extra. The map is generated from the API objects, then altered here.
import { z } from 'zod';
import type { LbService } from '../../cilium/types.js';
import { addr, defineFault, faultBase, svcRef } from './types.js';

const backends = z.array(addr).min(1);

const active = (b: { ip: string; port: number; protocol: string }[]) =>
  b.map((x) => ({ ip: x.ip, port: x.port, protocol: x.protocol, state: 'active' as const }));

export default defineFault({
  schema: z
    .object({
      kind: z.literal('service-map-drift'),
      ...faultBase,
      /** Services whose frontends are absent from the agent's map. */
      missingFrontends: z.array(svcRef).default([]),
      /** Frontends in the map that no Service owns. */
      staleFrontends: z
        .array(addr.extend({ type: z.string().default('ClusterIP'), backends: z.array(addr).default([]) }))
        .default([]),
      /** Replace a service's backends with these (wrong ones). */
      wrongBackends: z.array(z.object({ service: svcRef, backends }).strict()).default([]),
      /** Drop backends of a service (the last `count`, all when omitted). */
      missingBackends: z
        .array(z.object({ service: svcRef, count: z.number().int().min(1).optional() }).strict())
        .default([]),
      /** Add backends no EndpointSlice lists. */
      extraBackends: z.array(z.object({ service: svcRef, backends }).strict()).default([]),
    })
    .strict(),
  fixedByRestart: true,
  services: (f) => [
    ...f.missingFrontends,
    ...[...f.wrongBackends, ...f.missingBackends, ...f.extraBackends].map((x) => x.service),
  ],
  mapDrift: (drift) => {
    const missing = new Set(drift.flatMap((d) => d.missingFrontends));
    const wrong = new Map(drift.flatMap((d) => d.wrongBackends.map((w) => [w.service, w.backends] as const)));
    const dropped = new Map(drift.flatMap((d) => d.missingBackends.map((m) => [m.service, m.count] as const)));
    const extra = new Map(drift.flatMap((d) => d.extraBackends.map((m) => [m.service, m.backends] as const)));
    return {
      hides: (key) => missing.has(key),
      backends: (key, fromSlices) => {
        let out = fromSlices;
        const w = wrong.get(key);
        if (w) out = active(w);
        if (dropped.has(key)) {
          const c = dropped.get(key);
          out = c === undefined ? [] : out.slice(0, Math.max(0, out.length - c));
        }
        const ex = extra.get(key);
        if (ex) out.push(...active(ex));
        return out;
      },
      stale: () => {
        let id = 100000;
        const rows: LbService[] = [];
        for (const d of drift)
          for (const s of d.staleFrontends)
            rows.push({
              id: id++,
              frontend: { ip: s.ip, port: s.port, protocol: s.protocol },
              type: s.type,
              backends: active(s.backends),
            });
        return rows;
      },
    };
  },
});
