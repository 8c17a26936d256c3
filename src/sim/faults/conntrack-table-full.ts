// The agent's conntrack map is full: new connections (to a ClusterIP or not) cannot get a CT entry and the
// datapath drops them with "CT: Map insertion failed" (reason 155, pkg/monitor/api/drop.go). The agent's
// own trace is its GC interval line (pkg/maps/ctmap/ctmap.go, subsys map-ct): each run deletes most of
// the table (deleteRatio = deleted / MaxEntries, pkg/maps/ctmap/gc/gc.go) and the interval drops to the
// 10s floor. A restart keeps the same map size, so the table fills again.
import { z } from 'zod';
import { defineFault, faultBase, type FaultLogs } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('conntrack-table-full'),
      ...faultBase,
      /** Share of the map's capacity the last GC run deleted. */
      deleteRatio: z.number().gt(0.25).max(1).default(0.92),
    })
    .strict(),
  fixedByRestart: false,
  logs: (f): FaultLogs => {
    // calculateInterval: 5m0s → 5m0s·(1−0.9) = 30s → 10s (ConntrackGCMinInterval), then it stays there.
    const r = Math.min(f.deleteRatio, 0.9);
    const line = (prev: string, actual: string, next: string, ratio: number) => ({
      level: 'info' as const,
      msg: 'Conntrack garbage collector interval recalculated',
      subsys: 'map-ct',
      fields: {
        actualPrevInterval: actual,
        adjustedDeleteRatio: String(ratio),
        deleteRatio: String(ratio),
        expectedPrevInterval: prev,
        newInterval: next,
      },
    });
    return {
      records: [line('5m0s', '5m0.001473209s', '30s', r), line('30s', '30.000822915s', '10s', f.deleteRatio)],
    };
  },
});
