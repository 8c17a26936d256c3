// What calico-node prints in the simulator: `calico-node -bpf nat dump` in the format of projectcalico/calico
// felix/cmd/calico-bpf/commands/nat.go `dumpNice` (fixtures/calico/SOURCES.md): per frontend
// `"%s port %d proto %d id %d count %d local %d"`, then per backend `"\t%d:%d\t %s:%d"`. One frontend per
// ClusterIP, port and protocol with ready endpoints; `local 0` on ClusterIP frontends as in the recorded
// dumps. The node's calico-nat-missing-frontend faults leave Services out.
import type { Cluster } from './cluster/index.js';
import type { KObj } from './store.js';

const PROTO: Record<string, number> = { TCP: 6, UDP: 17, SCTP: 132 };

type SvcSpec = {
  clusterIPs?: string[];
  clusterIP?: string;
  ports?: { name?: string; port: number; protocol?: string }[];
};
type Slice = {
  ports?: { name?: string; port: number; protocol?: string }[];
  endpoints?: { addresses: string[]; conditions: { ready?: boolean } }[];
};

/** Services the node's Calico NAT map leaves out (active calico-nat-missing-frontend faults). */
function hidden(cl: Cluster, node: string): Set<string> {
  const st = cl.agents.get(node);
  const out = new Set<string>();
  for (const f of st?.faults ?? [])
    if (f.kind === 'calico-nat-missing-frontend') for (const s of f.services) out.add(s);
  return out;
}

export function calicoNatDump(cl: Cluster, node: string): string {
  const skip = hidden(cl, node);
  const slicesBySvc = new Map<string, KObj[]>();
  for (const s of cl.store.list('endpointslices.discovery.k8s.io')) {
    const svc = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const k = `${s.metadata.namespace}/${svc}`;
    slicesBySvc.set(k, [...(slicesBySvc.get(k) ?? []), s]);
  }
  const lines: string[] = [];
  let id = 0;
  for (const svc of cl.store.list('services')) {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const spec = svc.spec as SvcSpec;
    const ips = (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).filter((ip) =>
      /^\d+\.\d+\.\d+\.\d+$/.test(ip),
    );
    if (skip.has(key)) continue;
    for (const ip of ips)
      for (const p of spec.ports ?? []) {
        const proto = p.protocol ?? 'TCP';
        const backends: string[] = [];
        for (const sl of (slicesBySvc.get(key) ?? []) as unknown as Slice[]) {
          const sp = sl.ports?.find((x) => (x.name ?? '') === (p.name ?? '') && (x.protocol ?? 'TCP') === proto);
          if (!sp) continue;
          for (const ep of sl.endpoints ?? [])
            if (ep.conditions.ready !== false) backends.push(`${ep.addresses[0]}:${sp.port}`);
        }
        if (!backends.length) continue;
        lines.push(`${ip} port ${p.port} proto ${PROTO[proto] ?? 6} id ${id} count ${backends.length} local 0`);
        backends.forEach((b, i) => lines.push(`\t${id}:${i}\t ${b}`));
        id++;
      }
  }
  return lines.map((l) => `${l}\n`).join('');
}
