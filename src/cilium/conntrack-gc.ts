// The conntrack garbage collector's interval line, as Cilium logs it: "Conntrack garbage collector interval
// recalculated" (pkg/maps/ctmap/ctmap.go, GetInterval/calculateInterval; subsys map-ct, slog module
// ...ct-nat-map-gc from 1.17) with newInterval and deleteRatio. deleteRatio is the entries the last run
// deleted over the map's MaxEntries (pkg/maps/ctmap/gc/gc.go), so a ratio above 0.25 means at least a
// quarter of the table's capacity was taken by connections that had already ended; above it Cilium
// shortens the interval, never below defaults.ConntrackGCMinInterval (10s, pkg/defaults/defaults.go).
import type { LogRecord } from './types.js';

export const CT_GC_MSG = 'Conntrack garbage collector interval recalculated';
/** calculateInterval's "shorten the interval" threshold. */
export const CT_GC_PRESSURE_RATIO = 0.25;
/** defaults.ConntrackGCMinInterval as Go prints a time.Duration. */
export const CT_GC_MIN_INTERVAL = '10s';

export interface CtGcRun {
  newInterval: string;
  deleteRatio: number;
}

/** The GC run a record reports, when it is the interval line. */
export function ctGcRun(rec: LogRecord): CtGcRun | undefined {
  if (rec.msg !== CT_GC_MSG) return undefined;
  const ratio = Number(rec.fields.deleteRatio);
  const newInterval = rec.fields.newInterval;
  if (!newInterval || !Number.isFinite(ratio)) return undefined;
  return { newInterval, deleteRatio: ratio };
}

/** A GC run at the fastest interval that still deleted more than a quarter of the table: the map is full. */
export function ctGcAtCapacity(rec: LogRecord): boolean {
  const run = ctGcRun(rec);
  return !!run && run.newInterval === CT_GC_MIN_INTERVAL && run.deleteRatio > CT_GC_PRESSURE_RATIO;
}
