// kube-proxy's IPVS table on one node (IPVS mode), from the same Service ports as the iptables table
// (kube-proxy.ts `proxiedPorts`, after the node's kube-proxy faults). Two views of it:
// - `ipvsadm -Ln`, laid out as the recordings fixtures/kube-proxy/ipvsadm-Ln.v1.2.1.* print it (header, then
//   `TCP  ip:port rr`, then `  -> ip:port` padded to 28, `Masq`, weight, connection counters);
// - `/proc/net/ip_vs`, the kernel's own listing (Linux net/netfilter/ipvs/ip_vs_ctl.c `ip_vs_info_seq_show`:
//   `"%s  %08X:%04X %s "` per virtual service, `"  -> %08X:%04X      %-7s %-6d %-10d %-10d\n"` per real
//   server), which the stock kube-proxy image can read with its `cat` (it ships no ipvsadm).
// kube-proxy's defaults: scheduler `rr`, forwarding `Masq`, weight 1 (pkg/proxy/ipvs/proxier.go).
import { proxiedPorts, type ProxiedPort } from './kube-proxy.js';
import type { Cluster } from './index.js';

const HEADER = [
  'IP Virtual Server version 1.2.1 (size=4096)',
  'Prot LocalAddress:Port Scheduler Flags',
  '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
];

const ipNum = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
const byAddress = (a: ProxiedPort, b: ProxiedPort) =>
  ipNum(a.ip) - ipNum(b.ip) || a.port - b.port || a.protocol.localeCompare(b.protocol);

/** Virtual services (every rendered Service port that something sends traffic to) and their real servers. */
function virtualServices(cl: Cluster, node: string | undefined): ProxiedPort[] {
  if (node === undefined) return [];
  // IPVS has no chains: a stale entry without its KUBE-SERVICES jump leaves nothing behind.
  return proxiedPorts(cl, node)
    .filter((p) => p.jump)
    .sort(byAddress);
}

const realServers = (p: ProxiedPort) =>
  [...new Set(p.endpoints)].sort((a, b) => ipNum(a.split(':')[0]!) - ipNum(b.split(':')[0]!) || a.localeCompare(b));

/** `ipvsadm -Ln`; no node: the empty table (ip_vs not in use). */
export function renderIpvsadmLn(cl: Cluster, node: string | undefined): string {
  const lines = [...HEADER];
  for (const v of virtualServices(cl, node)) {
    lines.push(`${v.protocol.toUpperCase()}  ${v.ip}:${v.port} rr`);
    for (const ep of realServers(v))
      lines.push(`  -> ${ep.padEnd(28)} ${'Masq'.padEnd(7)} ${'1'.padEnd(6)} ${'0'.padEnd(10)} ${'0'.padEnd(10)}`);
  }
  return lines.join('\n') + '\n';
}

export function renderProcIpVs(cl: Cluster, node: string): string {
  const lines = [...HEADER.slice(0, 2), '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn'];
  const hp = (ipPort: string) => {
    const i = ipPort.lastIndexOf(':');
    return `${hex(ipNum(ipPort.slice(0, i)), 8)}:${hex(Number(ipPort.slice(i + 1)), 4)}`;
  };
  for (const v of virtualServices(cl, node)) {
    lines.push(`${v.protocol.toUpperCase()}  ${hp(`${v.ip}:${v.port}`)} rr `);
    for (const ep of realServers(v))
      lines.push(`  -> ${hp(ep)}      ${'Masq'.padEnd(7)} ${'1'.padEnd(6)} ${'0'.padEnd(10)} ${'0'.padEnd(10)}`);
  }
  return lines.join('\n') + '\n';
}
