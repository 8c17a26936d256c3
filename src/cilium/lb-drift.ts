// The LB drift join: one node's BPF load-balancer map (`cilium(-dbg) service list`) against the Services
// and their ready EndpointSlice endpoints. Pure; shared by the `service-map` check and `kdiag service-list`.
//
// Semantics (cited in docs/checks.md):
// - Ready = EndpointSlice `conditions.ready`; a nil value is read as ready (discovery/v1 EndpointConditions:
//   "In most cases consumers should interpret this unknown state as ready"). The gatherer resolves nil to true.
// - Terminating endpoints: since cilium/cilium#17716 (graceful termination) the agent keeps serving,
//   terminating endpoints in the map in state `terminating` so established connections drain, and stops
//   picking them for new connections. So a terminating endpoint is neither required nor "extra".
// - Frontends are joined by IP:port and protocol; formats without a protocol (`ANY`) match any protocol.
//   Up to 1.16 the agent keeps one frontend per IP:port for all protocols (kube-dns 53/TCP + 53/UDP is one
//   `10.96.0.10:53` row whose backends are the union); from 1.17 (`bpf-lb-proto-diff`, always on in 1.19)
//   one per protocol. `protocolDistinct` in src/cilium/versions.ts is that rule; docs/formats.md cites it.
//   A distinct agent upgraded from 1.16 keeps its old protocol-less rows (1.17 upgrade notes), so there a
//   protocol-less row serves every protocol of its IP:port. NodePort rows are joined by port (the agent lists `0.0.0.0:NP` and one row
//   per node IP); LoadBalancer/ExternalIP/NodePort rows are only compared where the agent lists them,
//   unless `opts.expect` says kube-proxy replacement makes them mandatory. Headless Services have no
//   ClusterIP and are not expected in the map.
import { isIP } from 'node:net';
import type { ServiceFact } from '../model/facts.js';
import type { LbBackend, LbService } from './types.js';
import { worstDrift, type DriftRow, type DriftStatus, type FrontendKind, type NodeDrift } from '../model/lb-drift.js';

export interface CompareOptions {
  /** Only this Service (`doctor clusterip NS/SVC`); STALE rows are then not reported. */
  target?: { namespace: string; name: string };
  /** Frontend kinds the agent must list (kube-proxy replacement on); otherwise only compared when listed. */
  expect?: { nodePort?: boolean; loadBalancer?: boolean; externalIPs?: boolean };
  node?: string;
  /**
   * Does this agent keep TCP and UDP frontends of one IP:port apart (`protocolDistinct(minor, config)`)?
   * Unset: read from the map itself (a frontend printed with a protocol, or two rows for one IP:port).
   */
  protocolDistinct?: boolean;
}

/** What an agent that keeps one frontend for all protocols of an IP:port expects there: the union. */
interface Shared {
  protocols: string[];
  /** ready backends ip:port/ANY, sorted */
  expected: string[];
  ready: AddrSet;
  known: AddrSet;
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
  /** Set when another protocol of the same Service shares this IP:port (kube-dns 53/TCP + 53/UDP). */
  shared?: Shared;
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
      // Per address family (0 = every family, for NodePort rows): a dual-stack Service's IPv4 frontend
      // balances to its IPv4 endpoints, the IPv6 frontend to its IPv6 ones (one EndpointSlice per addressType).
      const sets = new Map<number, { ready: AddrSet; known: AddrSet; expected: string[] }>();
      const setsFor = (family: number) => {
        let x = sets.get(family);
        if (x) return x;
        x = { ready: new AddrSet(), known: new AddrSet(), expected: [] };
        for (const ep of svc.endpoints) {
          if ((ep.portName ?? '') !== portName || up(ep.protocol) !== protocol) continue;
          if (family !== 0 && isIP(ep.ip) !== family) continue;
          x.known.add(ep.ip, ep.port);
          if (ep.ready && !ep.terminating && x.ready.add(ep.ip, ep.port))
            x.expected.push(`${ipPort(ep.ip, ep.port)}/${protocol}`);
        }
        x.expected.sort();
        sets.set(family, x);
        return x;
      };
      const mk = (kind: FrontendKind, ip: string, port: number): Expectation => ({
        svc,
        svcKey,
        kind,
        ip,
        port,
        protocol,
        frontend: `${ipPort(ip, port)}/${protocol}`,
        ...setsFor(kind === 'NodePort' ? 0 : isIP(ip)),
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
    shareFrontends(byService.get(svcKey) ?? []);
  }
  return { byFrontend, byNodePort, byService, all };
}

/** Links the expectations of one Service that differ only in protocol to their union (see Shared). */
function shareFrontends(list: Expectation[]): void {
  const groups = new Map<string, Expectation[]>();
  for (const e of list) {
    const k = `${e.kind}|${e.ip}|${e.port}`;
    const g = groups.get(k);
    if (g) g.push(e);
    else groups.set(k, [e]);
  }
  for (const g of groups.values()) {
    const protocols = [...new Set(g.map((e) => e.protocol))];
    if (protocols.length < 2) continue;
    const shared: Shared = { protocols: protocols.sort(), expected: [], ready: new AddrSet(), known: new AddrSet() };
    for (const e of g) {
      for (const x of e.expected) {
        const ipp = x.slice(0, x.lastIndexOf('/'));
        const { ip, port } = splitIpPort(ipp);
        if (shared.ready.add(ip, port)) shared.expected.push(`${ipp}/ANY`);
      }
      e.known.forEach((ip, port) => shared.known.add(ip, port));
      e.shared = shared;
    }
    shared.expected.sort();
  }
}

function splitIpPort(s: string): { ip: string; port: number } {
  const c = s.lastIndexOf(':');
  const host = s.slice(0, c);
  return { ip: host.startsWith('[') ? host.slice(1, -1) : host, port: Number(s.slice(c + 1)) };
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
  forEach(f: (ip: string, port: number) => void): void {
    for (const [ip, l] of this.m) for (const p of l.ports) f(ip, p);
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

const NOT_SERVING = new Set(['quarantined', 'maintenance']);

/** `merged`: judge against the union of the protocols sharing this IP:port (not protocol-distinct agent). */
function rowFor(e: Expectation, entry: LbService | undefined, merged = false): DriftRow {
  const frontend = entry && e.kind === 'NodePort' ? `${ipPort(entry.frontend.ip, e.port)}/${e.protocol}` : e.frontend;
  const sh = merged ? e.shared : undefined;
  const x = sh ?? e;
  if (!entry) {
    return {
      namespace: e.svc.namespace,
      name: e.svc.name,
      kind: e.kind,
      frontend,
      status: x.expected.length === 0 ? 'NO_ENDPOINTS' : 'NOT_IN_MAP',
      expected: x.expected,
      missing: x.expected,
      extra: [],
      agentBackends: [],
      ...(sh ? { mergedProtocols: sh.protocols } : {}),
    };
  }
  // Fast path (the common case on a healthy node): count ready backends, note any extra; no allocation.
  let readySeen = 0;
  let extra: string[] | undefined;
  const gen = ++generation;
  let notServing: string[] | undefined;
  let mismatch: string[] | undefined;
  const bs = entry.backends;
  for (let i = 0; i < bs.length; i++) {
    const b = bs[i]!;
    if (!sh && !protoMatch(b.protocol, e.protocol)) continue;
    if (NOT_SERVING.has(b.state)) (notServing ??= []).push(`${fmtBackend(b)} (${b.state})`);
    const h = x.ready.hit(b.ip, b.port, gen);
    if (h === 1) readySeen++;
    else if (h === 0 && !x.known.has(b.ip, b.port)) (extra ??= []).push(fmtBackend(b));
    // EndpointSlice conditions against the agent's state (states the format prints; `unknown` says nothing)
    if (h === 1 && b.state === 'terminating') (mismatch ??= []).push(`${fmtBackend(b)} agent=terminating slice=ready`);
    else if (h === 0 && b.state === 'active' && x.known.has(b.ip, b.port))
      (mismatch ??= []).push(`${fmtBackend(b)} agent=active slice=not-ready-or-terminating`);
  }
  let missing: string[] = [];
  if (readySeen !== x.ready.size) {
    const seen = new Set<string>();
    for (const b of bs) if (sh || protoMatch(b.protocol, e.protocol)) seen.add(ipPort(b.ip, b.port));
    missing = x.expected.filter((s) => !seen.has(s.slice(0, s.lastIndexOf('/'))));
  }
  const ex = extra ?? [];
  const status: DriftStatus =
    x.expected.length === 0 ? 'NO_ENDPOINTS' : missing.length || ex.length ? 'BACKENDS_DIFFER' : 'OK';
  return {
    namespace: e.svc.namespace,
    name: e.svc.name,
    kind: e.kind,
    frontend,
    status,
    expected: x.expected,
    missing,
    extra: ex,
    agentBackends: bs,
    mapId: entry.id,
    mapFrontend:
      entry.frontend.protocol === e.protocol && e.kind !== 'NodePort'
        ? frontend
        : `${ipPort(entry.frontend.ip, entry.frontend.port)}/${entry.frontend.protocol}`,
    ...(sh ? { mergedProtocols: sh.protocols } : {}),
    ...(notServing ? { notServing } : {}),
    ...(mismatch ? { stateMismatch: mismatch } : {}),
  };
}

/**
 * Without a version: a frontend printed with its protocol, or two rows for one IP:port and type (which only
 * a protocol-distinct agent lists), means protocol-distinct.
 */
export function inferProtocolDistinct(map: LbService[]): boolean {
  const seen = new Set<string>();
  for (const s of map) {
    if (s.frontend.protocol.toUpperCase() !== 'ANY') return true;
    const k = `${s.frontend.ip}|${s.frontend.port}|${s.type.toLowerCase()}`;
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}

/**
 * Which map row a (non-NodePort) expectation is joined to; -1 when none. Preference order: an unclaimed row
 * of its own protocol, an unclaimed protocol-less row, a protocol-less row already claimed (one row kept for
 * several protocols). When `merged`, any row of the IP:port will do (the agent keeps one for all).
 */
function pickRow(e: Expectation, map: LbService[], cand: number[], claimed: Uint8Array, merged: boolean): number {
  let best = -1;
  let bestRank = 9;
  for (const i of cand) {
    const c = map[i]!;
    if (c.frontend.port !== e.port) continue;
    const p = c.frontend.protocol.toUpperCase();
    const any = p === 'ANY';
    let rank: number;
    if (merged) rank = (any ? 0 : 2) + (claimed[i] ? 1 : 0);
    else if (p === e.protocol) rank = claimed[i] ? 9 : 0;
    else if (any) rank = claimed[i] ? 2 : 1;
    else rank = 9;
    if (rank < bestRank) {
      bestRank = rank;
      best = i;
    }
  }
  return best;
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
  // Nodes of one digest group share the very same map array (engine/gather-digest.ts): judge it once per
  // index and options, not once per node, so a cluster whose maps agree costs services + nodes, not their
  // product. The result does not depend on the node name (only its label), and nobody mutates it.
  const key = JSON.stringify([opts.target ?? null, opts.expect ?? null, opts.protocolDistinct ?? null]);
  let byMap = judged.get(idx);
  if (!byMap) judged.set(idx, (byMap = new WeakMap()));
  let byOpts = byMap.get(map);
  if (!byOpts) byMap.set(map, (byOpts = new Map()));
  const hit = byOpts.get(key);
  if (hit) return { ...hit, node: opts.node };
  const drift = judge(idx, map, opts);
  byOpts.set(key, drift);
  return drift;
}

/** Per index, per map array, per options: the drift already computed (compareServiceMap). */
const judged = new WeakMap<ServiceIndex, WeakMap<LbService[], Map<string, NodeDrift>>>();

function judge(idx: ServiceIndex, map: LbService[], opts: CompareOptions): NodeDrift {
  const expect = opts.expect ?? {};
  const distinct = opts.protocolDistinct ?? inferProtocolDistinct(map);
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
    const merged = !distinct && e.shared !== undefined;
    const cand = byIp.get(e.ip);
    if (cand) {
      const i = pickRow(e, map, cand, claimed, merged);
      if (i >= 0) {
        entry = map[i];
        claimed[i] = 1;
      }
    }
    if (!entry) {
      const required =
        e.kind === 'ClusterIP' ||
        (e.kind === 'LoadBalancer' && expect.loadBalancer) ||
        (e.kind === 'ExternalIP' && expect.externalIPs);
      if (!required) continue;
    }
    rows.push(rowFor(e, entry, merged));
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
      rows.push(rowFor(e, entry, !distinct && e.shared !== undefined));
    }
  }
  if (expect.nodePort) {
    const nps = targetKey ? (idx.byService.get(targetKey) ?? []).filter((e) => e.kind === 'NodePort') : undefined;
    const all = nps ?? [...idx.byNodePort.values()].flat();
    for (const e of all) if (!npSeen.has(e)) rows.push(rowFor(e, undefined, !distinct && e.shared !== undefined));
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
