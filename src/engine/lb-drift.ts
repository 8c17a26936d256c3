// The LB drift join: one node's BPF load-balancer map (`cilium(-dbg) service list`) against the Services
// and their ready EndpointSlice endpoints. Pure; shared by the `service-map` check and `kdiag service-list`.
//
// Semantics (cited in docs/checks.md):
// - Ready = EndpointSlice `conditions.ready`; a nil value is read as ready (discovery/v1 EndpointConditions:
//   "In most cases consumers should interpret this unknown state as ready"). The gatherer resolves nil to true.
// - Terminating endpoints: since cilium/cilium#17716 (graceful termination) the agent keeps serving,
//   terminating endpoints in the map in state `terminating` so established connections drain, and stops
//   picking them for new connections. So a terminating endpoint is neither required nor "extra".
// - Frontends are joined by IP:port and protocol; the pre-1.16 text formats print no protocol (`ANY`),
//   which matches any protocol. NodePort rows are joined by port (the agent lists `0.0.0.0:NP` and one row
//   per node IP); LoadBalancer/ExternalIP/NodePort rows are only compared where the agent lists them,
//   unless `opts.expect` says kube-proxy replacement makes them mandatory. Headless Services have no
//   ClusterIP and are not expected in the map.
import type { ServiceFact } from './facts.js';
import type { LbBackend, LbService } from '../cilium/types.js';

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

/** The same drift without its OK rows: what a cluster-wide run keeps per node (counts stay exact). */
export function withoutOkRows(d: NodeDrift): NodeDrift {
  return { ...d, rows: d.rows.filter((r) => r.status !== 'OK') };
}

export interface CompareOptions {
  /** Only this Service (`doctor clusterip NS/SVC`); STALE rows are then not reported. */
  target?: { namespace: string; name: string };
  /** Frontend kinds the agent must list (kube-proxy replacement on); otherwise only compared when listed. */
  expect?: { nodePort?: boolean; loadBalancer?: boolean; externalIPs?: boolean };
  node?: string;
}

interface Expectation {
  svc: ServiceFact;
  svcKey: string;
  kind: FrontendKind;
  ip: string;
  port: number;
  protocol: string;
  /** ip:port/PROTO, formatted once */
  frontend: string;
  /** ready backends ip:port/PROTO, sorted */
  expected: string[];
  /** ready backends: ip -> ports (lookups without building strings per node) */
  ready: AddrSet;
  /** every endpoint incl. terminating/not ready: a map backend in here is not "extra" */
  known: AddrSet;
}

/** Services indexed by frontend once, reused for every node. */
export interface ServiceIndex {
  readonly byFrontend: Map<string, Expectation[]>;
  readonly byNodePort: Map<number, Expectation[]>;
  readonly byService: Map<string, Expectation[]>;
  /** Non-NodePort expectations, in Service order. */
  readonly all: Expectation[];
}

const ipPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
const up = (p: string | undefined): string => (p ?? 'TCP').toUpperCase();
/** `b` is upper case already; `a` comes from a parser (usually upper case too). */
const protoMatch = (a: string, b: string): boolean =>
  a === b || a === 'ANY' || b === 'ANY' || a.toUpperCase() === b || a.toUpperCase() === 'ANY';
const svcKeyOf = (ns: string, name: string): string => `${ns}/${name}`;

export function indexServices(services: ServiceFact[]): ServiceIndex {
  const byFrontend = new Map<string, Expectation[]>();
  const byNodePort = new Map<number, Expectation[]>();
  const byService = new Map<string, Expectation[]>();
  const all: Expectation[] = [];
  const push = <K>(m: Map<K, Expectation[]>, k: K, e: Expectation): void => {
    const l = m.get(k);
    if (l) l.push(e);
    else m.set(k, [e]);
  };
  for (const svc of services) {
    if (svc.headless) continue;
    const svcKey = svcKeyOf(svc.namespace, svc.name);
    const ips = svc.clusterIPs.filter((ip) => ip && ip !== 'None');
    for (const p of svc.ports) {
      const protocol = up(p.protocol);
      const portName = p.name ?? '';
      const ready = new AddrSet();
      const known = new AddrSet();
      const expected: string[] = [];
      for (const ep of svc.endpoints) {
        if ((ep.portName ?? '') !== portName || up(ep.protocol) !== protocol) continue;
        known.add(ep.ip, ep.port);
        if (ep.ready && !ep.terminating && ready.add(ep.ip, ep.port))
          expected.push(`${ipPort(ep.ip, ep.port)}/${protocol}`);
      }
      expected.sort();
      const mk = (kind: FrontendKind, ip: string, port: number): Expectation => ({
        svc,
        svcKey,
        kind,
        ip,
        port,
        protocol,
        frontend: `${ipPort(ip, port)}/${protocol}`,
        expected,
        ready,
        known,
      });
      const frontends: [FrontendKind, string[]][] = [
        ['ClusterIP', ips],
        ['ExternalIP', svc.externalIPs],
        ['LoadBalancer', svc.loadBalancerIPs],
      ];
      for (const [kind, list] of frontends) {
        for (const ip of list) {
          const e = mk(kind, ip, p.port);
          push(byFrontend, ipPort(ip, p.port), e);
          push(byService, svcKey, e);
          all.push(e);
        }
      }
      if (p.nodePort) {
        const e = mk('NodePort', '0.0.0.0', p.nodePort);
        push(byNodePort, p.nodePort, e);
        push(byService, svcKey, e);
      }
    }
  }
  return { byFrontend, byNodePort, byService, all };
}

/**
 * ip -> ports; `size` counts distinct ip:port pairs. `hit` stamps each pair with the caller's generation,
 * so counting distinct hits needs no per-row allocation (1 = first hit this generation, 2 = repeat, 0 = absent).
 */
class AddrSet {
  private readonly m = new Map<string, { ports: number[]; gen: number[] }>();
  size = 0;
  add(ip: string, port: number): boolean {
    const l = this.m.get(ip);
    if (!l) this.m.set(ip, { ports: [port], gen: [0] });
    else if (l.ports.includes(port)) return false;
    else {
      l.ports.push(port);
      l.gen.push(0);
    }
    this.size++;
    return true;
  }
  has(ip: string, port: number): boolean {
    const l = this.m.get(ip);
    return l !== undefined && l.ports.includes(port);
  }
  hit(ip: string, port: number, gen: number): 0 | 1 | 2 {
    const l = this.m.get(ip);
    if (!l) return 0;
    const k = l.ports.indexOf(port);
    if (k < 0) return 0;
    if (l.gen[k] === gen) return 2;
    l.gen[k] = gen;
    return 1;
  }
}

let generation = 0;

const isIndex = (s: ServiceFact[] | ServiceIndex): s is ServiceIndex => !Array.isArray(s);

/** Map row types that a Kubernetes Service owns; HostPort/LocalRedirect rows belong to pods or policies. */
const SERVICE_TYPES = new Set(['clusterip', 'nodeport', 'loadbalancer', 'externalips', 'externalip', 'unknown', '']);

function emptyCounts(): Record<DriftStatus, number> {
  return { OK: 0, NOT_IN_MAP: 0, BACKENDS_DIFFER: 0, NO_ENDPOINTS: 0, STALE: 0, NODE_UNKNOWN: 0 };
}

const fmtBackend = (b: LbBackend): string => `${ipPort(b.ip, b.port)}/${b.protocol}`;

function rowFor(e: Expectation, entry: LbService | undefined): DriftRow {
  const frontend = entry && e.kind === 'NodePort' ? `${ipPort(entry.frontend.ip, e.port)}/${e.protocol}` : e.frontend;
  if (!entry) {
    return {
      namespace: e.svc.namespace,
      name: e.svc.name,
      kind: e.kind,
      frontend,
      status: e.expected.length === 0 ? 'NO_ENDPOINTS' : 'NOT_IN_MAP',
      expected: e.expected,
      missing: e.expected,
      extra: [],
      agentBackends: [],
    };
  }
  // Fast path (the common case on a healthy node): count ready backends, note any extra; no allocation.
  let readySeen = 0;
  let extra: string[] | undefined;
  const gen = ++generation;
  const bs = entry.backends;
  for (let i = 0; i < bs.length; i++) {
    const b = bs[i]!;
    if (!protoMatch(b.protocol, e.protocol)) continue;
    const h = e.ready.hit(b.ip, b.port, gen);
    if (h === 1) readySeen++;
    else if (h === 0 && !e.known.has(b.ip, b.port)) (extra ??= []).push(fmtBackend(b));
  }
  let missing: string[] = [];
  if (readySeen !== e.ready.size) {
    const seen = new Set<string>();
    for (const b of bs) if (protoMatch(b.protocol, e.protocol)) seen.add(ipPort(b.ip, b.port));
    missing = e.expected.filter((x) => !seen.has(x.slice(0, x.lastIndexOf('/'))));
  }
  const ex = extra ?? [];
  const status: DriftStatus =
    e.expected.length === 0 ? 'NO_ENDPOINTS' : missing.length || ex.length ? 'BACKENDS_DIFFER' : 'OK';
  return {
    namespace: e.svc.namespace,
    name: e.svc.name,
    kind: e.kind,
    frontend,
    status,
    expected: e.expected,
    missing,
    extra: ex,
    agentBackends: bs,
    mapId: entry.id,
    mapFrontend:
      entry.frontend.protocol === e.protocol && e.kind !== 'NodePort'
        ? frontend
        : `${ipPort(entry.frontend.ip, entry.frontend.port)}/${entry.frontend.protocol}`,
  };
}

/**
 * Join one node's LB map with the Services. Pass `indexServices(services)` when comparing many nodes.
 * A node whose map could not be read is the caller's business: see `unknownNodeDrift`.
 */
export function compareServiceMap(
  services: ServiceFact[] | ServiceIndex,
  map: LbService[],
  opts: CompareOptions = {},
): NodeDrift {
  const idx = isIndex(services) ? services : indexServices(services);
  const expect = opts.expect ?? {};
  const targetKey = opts.target ? svcKeyOf(opts.target.namespace, opts.target.name) : undefined;

  // Map rows by frontend IP (the IP string as parsed: no per-node key building), as indices.
  const byIp = new Map<string, number[]>();
  for (let i = 0; i < map.length; i++) {
    const ip = map[i]!.frontend.ip;
    const l = byIp.get(ip);
    if (l) l.push(i);
    else byIp.set(ip, [i]);
  }
  const claimed = new Uint8Array(map.length);
  const rows: DriftRow[] = [];

  const expectations = targetKey ? (idx.byService.get(targetKey) ?? []).filter((e) => e.kind !== 'NodePort') : idx.all;
  for (const e of expectations) {
    let entry: LbService | undefined;
    const cand = byIp.get(e.ip);
    if (cand) {
      for (const i of cand) {
        const c = map[i]!;
        if (c.frontend.port === e.port && protoMatch(c.frontend.protocol, e.protocol)) {
          entry = c;
          claimed[i] = 1;
          break;
        }
      }
    }
    if (!entry) {
      const required =
        e.kind === 'ClusterIP' ||
        (e.kind === 'LoadBalancer' && expect.loadBalancer) ||
        (e.kind === 'ExternalIP' && expect.externalIPs);
      if (!required) continue;
    }
    rows.push(rowFor(e, entry));
  }

  // NodePort rows: the agent lists one per node address (and 0.0.0.0); join by port and protocol.
  const npSeen = new Set<Expectation>();
  for (let i = 0; i < map.length; i++) {
    const entry = map[i]!;
    if (claimed[i]) continue;
    const type = entry.type.toLowerCase();
    if (type !== 'nodeport' && type !== 'unknown' && type !== '') continue;
    const cands = idx.byNodePort.get(entry.frontend.port);
    if (!cands) continue;
    for (const e of cands) {
      if (targetKey && e.svcKey !== targetKey) continue;
      if (!protoMatch(entry.frontend.protocol, e.protocol)) continue;
      claimed[i] = 1;
      npSeen.add(e);
      rows.push(rowFor(e, entry));
    }
  }
  if (expect.nodePort) {
    const nps = targetKey ? (idx.byService.get(targetKey) ?? []).filter((e) => e.kind === 'NodePort') : undefined;
    const all = nps ?? [...idx.byNodePort.values()].flat();
    for (const e of all) if (!npSeen.has(e)) rows.push(rowFor(e, undefined));
  }

  if (!targetKey) {
    for (let i = 0; i < map.length; i++) {
      const entry = map[i]!;
      if (claimed[i] || !SERVICE_TYPES.has(entry.type.toLowerCase())) continue;
      const f = `${ipPort(entry.frontend.ip, entry.frontend.port)}/${entry.frontend.protocol}`;
      rows.push({
        namespace: entry.namespace,
        name: entry.name,
        kind: kindOf(entry.type),
        frontend: f,
        status: 'STALE',
        expected: [],
        missing: [],
        extra: entry.backends.map(fmtBackend),
        agentBackends: entry.backends,
        mapId: entry.id,
        mapFrontend: f,
      });
    }
  }

  const counts = emptyCounts();
  for (const r of rows) counts[r.status]++;
  return { node: opts.node, rows, counts, worst: worstDrift(rows.map((r) => r.status)), mapRows: map.length };
}

function kindOf(type: string): FrontendKind | 'unknown' {
  switch (type.toLowerCase()) {
    case 'clusterip':
      return 'ClusterIP';
    case 'nodeport':
      return 'NodePort';
    case 'loadbalancer':
      return 'LoadBalancer';
    case 'externalips':
    case 'externalip':
      return 'ExternalIP';
    default:
      return 'unknown';
  }
}

/** The drift of a node whose LB map could not be read. */
export function unknownNodeDrift(node: string, error: string): NodeDrift {
  const counts = emptyCounts();
  return { node, error, rows: [], counts, worst: 'NODE_UNKNOWN' };
}

/** One line per row, for evidence: `10.96.0.10:53/UDP ClusterIP kube-system/kube-dns NOT_IN_MAP missing=…`. */
export function formatDriftRow(r: DriftRow): string {
  const owner = r.name ? `${r.namespace}/${r.name}` : '-';
  const parts = [`${r.frontend}`, r.kind, owner, r.status];
  if (r.mapId !== undefined) parts.push(`id=${r.mapId}`);
  if (r.missing.length) parts.push(`missing=${r.missing.join(',')}`);
  if (r.extra.length) parts.push(`extra=${r.extra.join(',')}`);
  if (r.agentBackends.length)
    parts.push(`agent=${r.agentBackends.map((b) => `${fmtBackend(b)}(${b.state})`).join(',')}`);
  return parts.join(' ');
}
