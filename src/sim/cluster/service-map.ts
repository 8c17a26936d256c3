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
