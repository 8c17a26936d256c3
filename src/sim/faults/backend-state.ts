// Backends the agent lists in another state than its EndpointSlices suggest: `quarantined` (its health
// checker found the backend unreachable) or `maintenance` (weight 0: no new connections), as
// `cilium service list` prints them (fixture service-list.v1.12-dev.quarantined.text.txt; docs/formats.md).
// The map keeps the backend, so it is not missing; it is only not picked for new connections.
import { z } from 'zod';
import type { BackendState } from '../../cilium/types.js';
import { defineFault, faultBase, svcRef } from './types.js';

const entry = z
  .object({
    service: svcRef,
    /** 1-based position among the Service's backends as the agent lists them (EndpointSlice order). */
    backend: z.number().int().min(1),
    state: z.enum(['quarantined', 'maintenance', 'terminating', 'active']),
  })
  .strict();

export default defineFault({
  schema: z
    .object({
      kind: z.literal('backend-state'),
      ...faultBase,
      backends: z.array(entry).min(1),
    })
    .strict(),
  // The agent re-learns backends from the EndpointSlices on start; a health-check verdict comes back.
  fixedByRestart: false,
  services: (f) => f.backends.map((b) => b.service),
  mapDrift: (faults) => {
    const set = new Map<string, Map<number, BackendState>>();
    for (const f of faults)
      for (const b of f.backends) {
        const m = set.get(b.service) ?? new Map<number, BackendState>();
        m.set(b.backend - 1, b.state);
        set.set(b.service, m);
      }
    return {
      hides: () => false,
      backends: (key, fromSlices) => {
        const m = set.get(key);
        return m ? fromSlices.map((b, i) => (m.has(i) ? { ...b, state: m.get(i)! } : b)) : fromSlices;
      },
      stale: () => [],
    };
  },
});
