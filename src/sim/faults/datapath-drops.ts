// The datapath drops packets of one Service on the node: `cilium-dbg monitor --type drop` prints them while
// it runs (src/sim/monitor.ts), in the text of DropNotify.DumpInfo (pkg/monitor/datapath_drop.go):
//   xx drop (REASON) flow 0x… to endpoint N, ifindex N, file bpf_lxc.c:N, , identity A->B: SRC -> DST tcp SYN
// with REASON from Cilium's drop-reason table (pkg/monitor/api/drop.go). `hairpin: true` is a backend
// reaching its own Service: SNATed to the service loopback address 169.254.42.1 and denied by its ingress
// policy (cilium/cilium#22107, #27709). Nothing else on the node changes, so only --observe sees it.
import { z } from 'zod';
import { defineFault, faultBase, svcRef, type MonitorView, type SimDrop } from './types.js';

/** Reasons as Cilium's table spells them (pkg/monitor/api/drop.go). */
const REASONS = [
  'Policy denied',
  'Service backend not found',
  'CT: Map insertion failed',
  'No mapping for NAT masquerade',
  'Stale or unroutable IP',
] as const;

export default defineFault({
  schema: z
    .object({
      kind: z.literal('datapath-drops'),
      ...faultBase,
      /** The Service (`namespace/name`) whose packets are dropped. */
      service: svcRef,
      reason: z.enum(REASONS).default('Policy denied'),
      /** The drops are of a backend reaching its own Service (source: the service loopback address). */
      hairpin: z.boolean().default(false),
      /** Drop lines printed per monitor run (a client retrying its SYN). */
      count: z.number().int().min(1).max(1000).default(4),
      /** The monitor ignores `timeout`'s SIGINT and runs on (only the client's deadline ends the exec). */
      ignoresSignal: z.boolean().default(false),
    })
    .strict(),
  fixedByRestart: false,
  services: (f) => [f.service],
  monitorDrops: (f, node: MonitorView) =>
    dropsOf(f, node).map(
      (d, i) =>
        `xx drop (${d.reason}${d.reason === 'CT: Map insertion failed' ? ', -7' : ''}) flow 0x${(0x30a936bd + i).toString(16)} to endpoint ${d.dstIdentity ? 939 : 0}, ifindex 42, file bpf_lxc.c:1998, , identity ${d.srcIdentity}->${d.dstIdentity || 'unknown'}: ${d.src}:${d.srcPort} -> ${d.dst}:${d.dstPort} tcp SYN`,
    ),
  droppedFlows: (f, node: MonitorView) => dropsOf(f, node),
});

/** The packets dropped on the node while watched: a client retrying its SYN `count` times. */
function dropsOf(
  f: { service: string; reason: (typeof REASONS)[number]; hairpin: boolean; count: number },
  node: MonitorView,
): SimDrop[] {
  const svc = node.service(f.service);
  if (!svc) return [];
  const client = `${node.podCidr.split('.').slice(0, 3).join('.')}.200`;
  const namespace = f.service.split('/')[0]!;
  const out: SimDrop[] = [];
  for (let i = 0; i < f.count; i++) {
    const srcPort = 40000 + i * 2;
    const b = svc.backends[i % Math.max(1, svc.backends.length)];
    // Hairpin and policy drops happen at the backend; "backend not found" at the frontend lookup.
    if ((f.hairpin || f.reason !== 'Service backend not found') && !b) continue;
    const [src, dst, dstPort] = f.hairpin
      ? ['169.254.42.1', b!.ip, b!.port]
      : f.reason === 'Service backend not found'
        ? [client, svc.clusterIP, svc.port]
        : [client, b!.ip, b!.port];
    const notFound = f.reason === 'Service backend not found';
    out.push({
      reason: f.reason,
      src,
      srcPort,
      dst,
      dstPort,
      srcIdentity: notFound ? 12345 : 25928,
      dstIdentity: notFound ? 0 : 25928,
      namespace,
    });
  }
  return out;
}
