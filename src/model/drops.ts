// What `--observe` saw: the drop events of `cilium-dbg monitor --type drop` (src/cilium/formats/monitor-drop.ts)
// or of `hubble observe --verdict DROPPED` (src/cilium/formats/hubble-flow.ts) on one node, with the exact
// command that produced them.

/** One `xx drop (REASON) …` line of the monitor (pkg/monitor/datapath_drop.go, DumpInfo), or one dropped Hubble flow. */
export interface DropEvent {
  /** The reason text of Cilium's drop-reason table (pkg/monitor/api/drop.go), without the extended error. */
  reason: string;
  /** The extended error number printed after the reason (`, N`), when there is one. */
  extError?: number;
  /** Source and destination of the dropped packet (IP only; IPv6 without brackets). */
  src?: string;
  dst?: string;
  srcPort?: number;
  dstPort?: number;
  /** Security identities as printed: a number or a reserved name (world, host, unknown …). */
  srcIdentity?: string;
  dstIdentity?: string;
  /** The line as the monitor (or Hubble) printed it. */
  raw: string;
}

export interface ObservedDrops {
  /** The agent pod the command ran in. */
  pod: string;
  /** The command as the user can re-run it. */
  command: string;
  /** How long the monitor was asked to run, in ms. */
  durationMs: number;
  /** Every drop the monitor printed (bounded by the line cap). */
  events: DropEvent[];
  /** Lines read; `truncated` when the line cap stopped the reading. */
  lines: number;
  truncated: boolean;
  /** Which tool watched: `hubble observe` (cilium-config enable-hubble) or `cilium-dbg monitor` (absent: monitor). */
  tool?: 'hubble' | 'monitor';
  /** Why the monitor watched although Hubble is on (hubble not in the agent container). */
  fallback?: string;
}
