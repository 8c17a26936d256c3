// What calico-node prints in the simulator: `calico-node -bpf nat dump` in the format of projectcalico/calico
// felix/cmd/calico-bpf/commands/nat.go `dumpNice` (fixtures/calico/SOURCES.md): per frontend
// `"%s port %d proto %d id %d count %d local %d"`, then per backend `"\t%d:%d\t %s:%d"`. One frontend per
// ClusterIP, port and protocol with ready endpoints; `local 0` on ClusterIP frontends as in the recorded
// dumps. The node's calico-nat-missing-frontend faults leave Services out.
import type { BpfProgramDetail } from '../cilium/formats/bpftool.js';
import type { Cluster } from './cluster/index.js';
import { hash32, Prng } from './prng.js';
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

/**
 * The eBPF programs calico-node's bpftool lists on a Calico eBPF node. The simulated image is
 * calico/node:v3.27.3, whose node/Dockerfile.amd64 copies bpftool v5.3 (`FROM calico/bpftool:v5.3-amd64`);
 * that bpftool prints the kernel's name, the first 15 characters (BPF_OBJ_NAME_LEN 16), as Calico's own
 * felix/bpf/tc/attach.go matches `cali_tc_preambl`. Names from projectcalico/calico v3.27.3:
 * felix/bpf-gpl/tc_preamble.c `cali_tc_preamble` (one per interface and hook: eth0 and two pod veths),
 * felix/bpf/hook/map.go `tcSubProgNames` (the programs the preamble jumps to), felix/bpf-gpl/policy_default.c
 * `calico_tc_allow` (host interface without policy), felix/dataplane/linux/bpf_ep_mgr.go `policyProgramName`
 * (`p4i_<iface>`/`p4e_<iface>`, generated, no BTF) and felix/bpf-gpl/connect_balancer.c (connect-time LB).
 * The node's calico-bpf-programs-not-loaded fault leaves only the connect-time programs.
 */
export function calicoPrograms(cl: Cluster, node: string): BpfProgramDetail[] {
  const st = cl.agents.get(node);
  const noTc = st?.faults.some((f) => f.kind === 'calico-bpf-programs-not-loaded') ?? false;
  const rng = new Prng(hash32(`calico/${node}`));
  const veths = [0, 1].map(() => `cali${rng.hex(11)}`);
  const tc: string[] = [
    ...['eth0', ...veths].flatMap(() => ['cali_tc_preamble', 'cali_tc_preamble']),
    'calico_tc_main',
    'calico_tc_skb_accepted_entrypoint',
    'calico_tc_skb_send_icmp_replies',
    'calico_tc_skb_drop',
    'calico_tc_host_ct_conflict',
    'calico_tc_skb_icmp_inner_nat',
    'calico_tc_skb_new_flow_entrypoint',
    'calico_tc_allow',
    ...veths.flatMap((v) => [`p4i_${v}`, `p4e_${v}`]),
  ];
  const names: [string, string][] = [
    ...['calico_connect_v4', 'calico_sendmsg_v4', 'calico_recvmsg_v4'].map((n): [string, string] => [
      'cgroup_sock_addr',
      n,
    ]),
    ...(noTc ? [] : tc.map((n): [string, string] => ['sched_cls', n])),
  ];
  const started = st?.startedAt ?? cl.startTime;
  const loadedAt = new Date(started.getTime() + 5000).toISOString().replace(/\.\d{3}Z$/, '+0000');
  let id = 40 + rng.int(400);
  return names.map(([type, name]) => {
    id += 1 + rng.int(3);
    const x = 8 * (100 + rng.int(4000));
    return {
      id,
      type,
      name: name.slice(0, 15),
      tag: rng.hex(16),
      gpl: true,
      loadedAt,
      uid: 0,
      bytesXlated: x,
      bytesJited: Math.floor(x * 0.6),
      bytesMemlock: 4096 * (1 + Math.floor(x / 4096)),
      mapIds: [5 + rng.int(30), 40 + rng.int(30)],
    };
  });
}
