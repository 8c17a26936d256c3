// The vocabulary of LB map drift: what one node's map looks like against the Services (src/cilium/lb-drift.ts
// computes it). Shared by the facts, the service-map check and `kdiag service-list`.
import type { LbBackend } from './cilium.js';

export type DriftStatus = 'OK' | 'NOT_IN_MAP' | 'BACKENDS_DIFFER' | 'NO_ENDPOINTS' | 'STALE' | 'NODE_UNKNOWN';

/** Worst-of order: NODE_UNKNOWN (not seen) ranks below real drift, like `unknown` below `warn`. */
export const DRIFT_ORDER: Record<DriftStatus, number> = {
  OK: 0,
  NODE_UNKNOWN: 1,
  STALE: 2,
  NO_ENDPOINTS: 3,
  BACKENDS_DIFFER: 4,
  NOT_IN_MAP: 5,
};

export function worstDrift(statuses: Iterable<DriftStatus>): DriftStatus {
  let worst: DriftStatus = 'OK';
  for (const s of statuses) if (DRIFT_ORDER[s] > DRIFT_ORDER[worst]) worst = s;
  return worst;
}

export type FrontendKind = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalIP';

/** An agent backend exactly as parsed from its map (state as printed). */
export type AgentBackend = LbBackend;

export interface DriftRow {
  /** Owning Service; absent for STALE rows. */
  namespace?: string;
  name?: string;
  kind: FrontendKind | 'unknown';
  /** ip:port/PROTO (PROTO from the Service; from the map for STALE rows) */
  frontend: string;
  status: DriftStatus;
  /** Ready endpoints for this Service port (ip:port/PROTO), sorted. */
  expected: string[];
  /** Ready endpoints the agent does not list. */
  missing: string[];
  /** Agent backends that are no endpoint (ready or terminating) of the Service. */
  extra: string[];
  /** The agent's backends with their states, as printed. */
  agentBackends: AgentBackend[];
  /** The map row's id, when the agent lists the frontend. */
  mapId?: number;
  /** The agent's own frontend string, when it lists the frontend. */
  mapFrontend?: string;
  /** Set when the agent keeps one frontend for these protocols of the Service port (not protocol-distinct). */
  mergedProtocols?: string[];
  /** Agent backends in state quarantined or maintenance: listed but not picked for new connections. */
  notServing?: string[];
  /**
   * Agent states that contradict the EndpointSlice conditions: a ready endpoint the agent lists as
   * `terminating`, or a terminating/not-ready endpoint it still lists as `active`. `ip:port/PROTO agent=… slice=…`.
   */
  stateMismatch?: string[];
}

export interface NodeDrift {
  node?: string;
  /** Set when the node's map could not be read (status NODE_UNKNOWN). */
  error?: string;
  rows: DriftRow[];
  counts: Record<DriftStatus, number>;
  worst: DriftStatus;
  /** Rows in the agent's map. */
  mapRows?: number;
}

/**
 * The same drift without its OK rows: what a cluster-wide run keeps per node (counts stay exact). OK rows
 * with backends the agent does not serve are kept: they are reported (service-map/backends-not-serving).
 */
export function withoutOkRows(d: NodeDrift): NodeDrift {
  return { ...d, rows: d.rows.filter((r) => r.status !== 'OK' || r.notServing !== undefined) };
}
