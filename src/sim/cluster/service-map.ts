// The agent's load-balancer map on a node, generated from Services and EndpointSlices, then altered by
// the faults that drift it (faults/service-map-drift.ts).
import type { LbBackend, LbService } from '../../cilium/types.js';
import { protocolDistinct } from '../../cilium/versions.js';
import { faultDef, type MapDrift } from '../faults/index.js';
import type { KObj } from '../store.js';
import type { AgentState, Cluster, ResolvedFault } from './index.js';

/** One MapDrift per fault kind that alters the map, given all active faults of that kind. */
function mapDrifts(st: AgentState): MapDrift[] {
  const byKind = new Map<string, ResolvedFault[]>();
  for (const f of st.faults) if (faultDef(f.kind).mapDrift) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  return [...byKind].map(([kind, faults]) => faultDef(kind).mapDrift!(faults));
}

function slices(c: Cluster): Map<string, KObj[]> {
  if (c.sliceIndex) return c.sliceIndex;
  const idx = new Map<string, KObj[]>();
  for (const s of c.store.list('endpointslices.discovery.k8s.io')) {
    const svc = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const k = `${s.metadata.namespace}/${svc}`;
    const arr = idx.get(k);
    if (arr) arr.push(s);
    else idx.set(k, [s]);
  }
  c.sliceIndex = idx;
  return idx;
}

function serviceId(c: Cluster, key: string): number {
  let id = c.svcIds.get(key);
  if (id === undefined) {
    id = c.svcIds.size + 1;
    c.svcIds.set(key, id);
  }
  return id;
}

type SvcPort = { name?: string; port: number; protocol: string; nodePort?: number; targetPort?: number | string };
type Slice = { ports?: { name: string; port: number; protocol: string }[]; endpoints?: SliceEndpoint[] };
type SliceEndpoint = {
  addresses: string[];
  conditions: { ready?: boolean; serving?: boolean; terminating?: boolean };
  nodeName?: string;
};

/** The backends the EndpointSlices of a Service give one of its ports. */
function sliceBackends(sls: KObj[], port: SvcPort): LbBackend[] {
  const out: LbBackend[] = [];
  for (const sl of sls as unknown as Slice[]) {
    const slPorts = sl.ports ?? [];
    const sp = slPorts.find((p) => (p.name ?? '') === (port.name ?? '')) ?? slPorts[0];
    if (!sp) continue;
    for (const ep of sl.endpoints ?? []) {
      if (ep.conditions.ready === false && !ep.conditions.terminating) continue;
      out.push({
        ip: ep.addresses[0]!,
        port: sp.port,
        protocol: port.protocol,
        state: ep.conditions.terminating ? 'terminating' : 'active',
        ...(ep.nodeName ? { nodeName: ep.nodeName } : {}),
      });
    }
  }
  return out;
}

/**
 * One frontend per port and protocol on an agent that keeps protocols apart; otherwise one per port
 * number, with the union of the backends of every protocol deduplicated by IP:port (docs/formats.md,
 * "What the simulator should render for kube-dns"). The shared row's protocol is ANY up to 1.16 (the
 * model has none) and NONE from 1.17 (L4Type NONE, printed `/NONE` by 1.18's `StringWithProtocol`).
 */
function frontends(
  ports: SvcPort[],
  sls: KObj[],
  distinct: boolean,
  minor: number,
): { port: SvcPort; backends: LbBackend[] }[] {
  if (distinct) return ports.map((port) => ({ port, backends: sliceBackends(sls, port) }));
  const shared = minor >= 17 ? 'NONE' : 'ANY';
  const byPort = new Map<number, { port: SvcPort; backends: LbBackend[] }>();
  for (const port of ports) {
    const row = byPort.get(port.port) ?? { port: { ...port, protocol: shared }, backends: [] };
    byPort.set(port.port, row);
    for (const b of sliceBackends(sls, port)) {
      if (row.backends.some((x) => x.ip === b.ip && x.port === b.port)) continue;
      row.backends.push({ ...b, protocol: shared });
    }
  }
  return [...byPort.values()];
}

/** The agent's load-balancer map on a node, generated on the fly from Services and EndpointSlices plus drift. */
export function* serviceMap(c: Cluster, st: AgentState): Generator<LbService> {
  const drifts = mapDrifts(st);
  const index = slices(c);
  const minor = c.scenario.minor;
  const distinct = protocolDistinct(minor, c.scenario.cilium.config);
  const rows: LbService[] = [];
  for (const svc of c.store.list('services')) {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    if (drifts.some((d) => d.hides(key))) continue;
    // The agent only serves Services without a service-proxy-name label (its k8s-service-proxy-name is "").
    if (svc.metadata.labels?.['service.kubernetes.io/service-proxy-name'] !== undefined) continue;
    const spec = svc.spec as { clusterIP?: string; clusterIPs?: string[]; type?: string; ports?: SvcPort[] };
    if (!spec.clusterIP || spec.clusterIP === 'None') continue;
    // One frontend per ClusterIP (dual-stack: one per family), each balancing to the EndpointSlices of its
    // own addressType; the IPv6 one is printed bracketed, `[fd00:10:96::101]:80` (fixture
    // service-list.v1.11-dev.ipv6.kube-dns.text.txt). NodePort rows follow the primary family.
    const cips = spec.clusterIPs?.length ? spec.clusterIPs : [spec.clusterIP];
    const all = index.get(key) ?? [];
    for (const [f, cip] of cips.entries()) {
      const v6 = cip.includes(':');
      const sls = cips.length > 1 || v6 ? all.filter((sl) => ((sl.addressType as string) === 'IPv6') === v6) : all;
      for (const { port, backends: fromSlices } of frontends(spec.ports ?? [], sls, distinct, minor)) {
        let backends = fromSlices;
        for (const d of drifts) backends = d.backends(key, backends);
        const base = { name: svc.metadata.name, namespace: svc.metadata.namespace };
        rows.push({
          id: serviceId(c, `${key}/${f === 0 ? '' : `${cip}/`}${port.port}/${port.protocol}/cip`),
          frontend: { ip: cip, port: port.port, protocol: port.protocol },
          type: 'ClusterIP',
          backends,
          ...base,
        });
        if (f === 0 && port.nodePort && spec.type !== 'ClusterIP') {
          rows.push({
            id: serviceId(c, `${key}/${port.nodePort}/${st.node.name}/np`),
            frontend: { ip: st.node.internalIP, port: port.nodePort, protocol: port.protocol },
            type: 'NodePort',
            backends,
            ...base,
          });
          rows.push({
            id: serviceId(c, `${key}/${port.nodePort}/any/np`),
            frontend: { ip: '0.0.0.0', port: port.nodePort, protocol: port.protocol },
            type: 'NodePort',
            backends,
            ...base,
          });
        }
        if (rows.length >= 256) {
          yield* rows;
          rows.length = 0;
        }
      }
    }
  }
  yield* rows;
  for (const d of drifts) yield* d.stale();
}

// Each distinct map is rendered once and its bytes served from here (issue #13: the simulator shares the
// two cores with kdiag, so it must not render 10,000 Services once per node). A map's content follows from
// the Services and EndpointSlices (a version bumped on every change of either), the Cilium minor and
// protocol handling, the node's map-altering faults, and the node itself only when a NodePort row exists.

interface Rendered {
  text?: string;
  json?: string;
}

interface MapCache {
  version: number;
  /** Whether any served Service has a NodePort row (those rows carry the node's IP and own ID). */
  perNode?: boolean;
  entries: Map<string, Rendered>;
  bytes: number;
  /** Renders done (tests and bench: one per distinct map, not one per node). */
  renders: number;
}

/** Cached bytes kept at most; the oldest distinct maps go first (a cache, never a second source). */
const MAX_CACHED_BYTES = 256 * 1024 * 1024;
const caches = new WeakMap<Cluster, MapCache>();

function cacheOf(c: Cluster): MapCache {
  const m = caches.get(c);
  if (m) return m;
  const cache: MapCache = { version: 0, entries: new Map(), bytes: 0, renders: 0 };
  c.store.on('event', (e: { resource: string }) => {
    if (e.resource !== 'services' && e.resource !== 'endpointslices.discovery.k8s.io') return;
    cache.version++;
    cache.perNode = undefined;
    cache.entries.clear();
    cache.bytes = 0;
  });
  caches.set(c, cache);
  return cache;
}

function hasNodePortRows(c: Cluster): boolean {
  for (const svc of c.store.list('services')) {
    if (svc.metadata.labels?.['service.kubernetes.io/service-proxy-name'] !== undefined) continue;
    const spec = svc.spec as { clusterIP?: string; type?: string; ports?: SvcPort[] };
    if (!spec.clusterIP || spec.clusterIP === 'None' || spec.type === 'ClusterIP') continue;
    if ((spec.ports ?? []).some((p) => p.nodePort)) return true;
  }
  return false;
}

/** The content inputs of a node's map, as one string: equal keys render equal bytes. */
export function serviceMapKey(c: Cluster, st: AgentState): string {
  const cache = cacheOf(c);
  cache.perNode ??= hasNodePortRows(c);
  const minor = c.scenario.minor;
  const drifting = st.faults.filter((f) => faultDef(f.kind).mapDrift);
  return JSON.stringify([
    cache.version,
    minor,
    protocolDistinct(minor, c.scenario.cilium.config),
    drifting,
    cache.perNode ? [st.node.name, st.node.internalIP] : null,
  ]);
}

/** Whether nodes without map faults share one map (no NodePort row carries a node's own IP). */
export function serviceMapShared(c: Cluster): boolean {
  const cache = cacheOf(c);
  cache.perNode ??= hasNodePortRows(c);
  return !cache.perNode;
}

/** `service list` (text or `-o json`) of a node's map, rendered once per distinct map. */
export function renderedServiceMap(
  c: Cluster,
  st: AgentState,
  form: 'text' | 'json',
  render: (rows: Iterable<LbService>) => Iterable<string>,
): string {
  const cache = cacheOf(c);
  const key = serviceMapKey(c, st);
  let entry = cache.entries.get(key);
  if (!entry) cache.entries.set(key, (entry = {}));
  const hit = entry[form];
  if (hit !== undefined) {
    // most recently used last
    cache.entries.delete(key);
    cache.entries.set(key, entry);
    return hit;
  }
  cache.renders++;
  const text = [...render(serviceMap(c, st))].join('');
  entry[form] = text;
  cache.bytes += text.length;
  for (const [k, e] of cache.entries) {
    if (cache.bytes <= MAX_CACHED_BYTES || k === key) break;
    cache.bytes -= (e.text?.length ?? 0) + (e.json?.length ?? 0);
    cache.entries.delete(k);
  }
  return text;
}

/** Renders done so far (one per distinct map and form while nothing changes). */
export function serviceMapRenders(c: Cluster): number {
  return cacheOf(c).renders;
}
