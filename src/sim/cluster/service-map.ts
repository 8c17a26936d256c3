// The agent's load-balancer map on a node, generated from Services and EndpointSlices, then altered by
// the faults that drift it (faults/service-map-drift.ts).
import type { LbBackend, LbService } from '../../cilium/types.js';
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

/** The agent's load-balancer map on a node, generated on the fly from Services and EndpointSlices plus drift. */
export function* serviceMap(c: Cluster, st: AgentState): Generator<LbService> {
  const drifts = mapDrifts(st);
  const index = slices(c);
  const rows: LbService[] = [];
  for (const svc of c.store.list('services')) {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    if (drifts.some((d) => d.hides(key))) continue;
    const spec = svc.spec as {
      clusterIP?: string;
      type?: string;
      ports?: { name?: string; port: number; protocol: string; nodePort?: number; targetPort?: number | string }[];
    };
    if (!spec.clusterIP || spec.clusterIP === 'None') continue;
    for (const port of spec.ports ?? []) {
      let backends: LbBackend[] = [];
      for (const sl of index.get(key) ?? []) {
        const slPorts = (sl.ports as { name: string; port: number; protocol: string }[]) ?? [];
        const sp = slPorts.find((p) => (p.name ?? '') === (port.name ?? '')) ?? slPorts[0];
        if (!sp) continue;
        for (const ep of (sl.endpoints as {
          addresses: string[];
          conditions: { ready?: boolean; terminating?: boolean };
          nodeName?: string;
        }[]) ?? []) {
          if (ep.conditions.ready === false && !ep.conditions.terminating) continue;
          backends.push({
            ip: ep.addresses[0]!,
            port: sp.port,
            protocol: port.protocol,
            state: ep.conditions.terminating ? 'terminating' : 'active',
            ...(ep.nodeName ? { nodeName: ep.nodeName } : {}),
          });
        }
      }
      for (const d of drifts) backends = d.backends(key, backends);
      const base = { name: svc.metadata.name, namespace: svc.metadata.namespace };
      rows.push({
        id: serviceId(c, `${key}/${port.port}/${port.protocol}/cip`),
        frontend: { ip: spec.clusterIP, port: port.port, protocol: port.protocol },
        type: 'ClusterIP',
        backends,
        ...base,
      });
      if (port.nodePort && spec.type !== 'ClusterIP') {
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
  yield* rows;
  for (const d of drifts) yield* d.stale();
}
