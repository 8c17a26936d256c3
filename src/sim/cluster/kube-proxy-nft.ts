// kube-proxy's nftables table on one node (nftables mode, 1.31+), as `nft list table ip kube-proxy` prints it,
// from the same Service ports as the iptables table (kube-proxy.ts `proxiedPorts`, after the node's faults).
// Layout: the complete recording fixtures/kube-proxy/nft-list-table-ip-kube-proxy.k3s-2025.txt (same
// chains, maps and sets in the same order), indented with tabs as nft prints them (the `-a` recording
// nft-a-list-table-kube-proxy.kubeadm-2025.trimmed.txt keeps nft's tabs; the k3s copy was re-indented).
// Chain names: kubernetes pkg/proxy/nftables/proxier.go `hashAndTruncate` (base32(sha256(name))[:8] + "-" +
// name) over `servicePortChainNameBase` (`ns/name/proto/port`) and `servicePortEndpointChainNameBase`
// (`…__ip/port`); they reproduce the recorded service-NWBZK7IH-kube-system/kube-dns/tcp/dns-tcp.
import { createHash } from 'node:crypto';
import { base32, proxiedPorts, type ProxiedPort } from './kube-proxy.js';
import type { Cluster } from './index.js';

const hash8 = (s: string) => base32(createHash('sha256').update(s).digest()).slice(0, 8);
const T = (n: number) => '\t'.repeat(n);

/** `elements = { a,\n\t\t\t     b }`: nft's wrapping, continuation lines aligned under the first element. */
function elements(items: string[], perLine = 1): string[] {
  const rows: string[] = [];
  for (let i = 0; i < items.length; i += perLine) rows.push(items.slice(i, i + perLine).join(', '));
  return rows.map(
    (r, i) => `${i === 0 ? `${T(2)}elements = { ` : `${T(3)}     `}${r}${i === rows.length - 1 ? ' }' : ','}`,
  );
}

function block(kind: string, name: string, body: string[]): string[] {
  return [`${T(1)}${kind} ${name} {`, ...body.map((l) => (l.startsWith('\t') ? l : `${T(2)}${l}`)), `${T(1)}}`, ''];
}

export function renderNftKubeProxy(cl: Cluster, node: string, serviceCidr = '10.96.0.0/12'): string {
  const podCidr = cl.ciliumConfigData()['cluster-pool-ipv4-cidr'] ?? '10.0.0.0/8';
  const ports = proxiedPorts(cl, node);
  const proto = (p: ProxiedPort) => p.protocol.toLowerCase();
  const base = (p: ProxiedPort) => `${p.service}/${proto(p)}/${p.portName}`;
  const svcChain = (p: ProxiedPort) => `service-${hash8(base(p))}-${base(p)}`;
  const epChain = (p: ProxiedPort, ep: string) => {
    const b = `${base(p)}__${ep.replace(/:(\d+)$/, '/$1')}`;
    return `endpoint-${hash8(b)}-${b}`;
  };
  const mapped = ports.filter((p) => p.jump);
  const clusterIps = [...new Set(mapped.map((p) => p.ip))];

  const out = ['table ip kube-proxy {', `${T(1)}comment "rules for kube-proxy"`, ''];
  out.push(
    ...block('chain', 'nat-prerouting', ['type nat hook prerouting priority dstnat; policy accept;', 'jump services']),
  );
  out.push(
    ...block('chain', 'services', [
      'ip daddr . meta l4proto . th dport vmap @service-ips',
      'ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports',
    ]),
  );
  out.push(
    ...block('map', 'service-ips', [
      'type ipv4_addr . inet_proto . inet_service : verdict',
      'comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"',
      ...(mapped.length ? elements(mapped.map((p) => `${p.ip} . ${proto(p)} . ${p.port} : goto ${svcChain(p)}`)) : []),
    ]),
  );
  out.push(
    ...block('map', 'service-nodeports', ['type inet_proto . inet_service : verdict', 'comment "NodePort traffic"']),
  );
  out.push(...block('set', 'nodeport-ips', ['type ipv4_addr', 'comment "IPs that accept NodePort traffic"']));
  out.push(
    ...block('set', 'cluster-ips', [
      'type ipv4_addr',
      'comment "Active ClusterIPs"',
      ...(clusterIps.length ? elements(clusterIps, 2) : []),
    ]),
  );
  out.push(
    ...block('map', 'no-endpoint-services', [
      'type ipv4_addr . inet_proto . inet_service : verdict',
      'comment "vmap to drop or reject packets to services with no endpoints"',
    ]),
  );
  out.push(
    ...block('map', 'no-endpoint-nodeports', [
      'type inet_proto . inet_service : verdict',
      'comment "vmap to drop or reject packets to service nodeports with no endpoints"',
    ]),
  );
  out.push(
    ...block('map', 'firewall-ips', [
      'type ipv4_addr . inet_proto . inet_service : verdict',
      'comment "destinations that are subject to LoadBalancerSourceRanges"',
    ]),
  );
  out.push(
    ...block('chain', 'filter-prerouting', [
      'type filter hook prerouting priority dstnat - 10; policy accept;',
      'ct state new jump firewall-check',
    ]),
  );
  out.push(
    ...block('chain', 'filter-input', [
      'type filter hook input priority -110; policy accept;',
      'ct state new jump nodeport-endpoints-check',
      'ct state new jump service-endpoints-check',
    ]),
  );
  out.push(
    ...block('chain', 'filter-forward', [
      'type filter hook forward priority -110; policy accept;',
      'ct state new jump service-endpoints-check',
      'ct state new jump cluster-ips-check',
    ]),
  );
  out.push(
    ...block('chain', 'filter-output', [
      'type filter hook output priority -110; policy accept;',
      'ct state new jump service-endpoints-check',
      'ct state new jump firewall-check',
    ]),
  );
  out.push(
    ...block('chain', 'filter-output-post-dnat', [
      'type filter hook output priority -90; policy accept;',
      'ct state new jump cluster-ips-check',
    ]),
  );
  out.push(...block('chain', 'nat-output', ['type nat hook output priority -100; policy accept;', 'jump services']));
  out.push(
    ...block('chain', 'nat-postrouting', [
      'type nat hook postrouting priority srcnat; policy accept;',
      'jump masquerading',
    ]),
  );
  out.push(
    ...block('chain', 'nodeport-endpoints-check', [
      'ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports',
    ]),
  );
  out.push(
    ...block('chain', 'service-endpoints-check', ['ip daddr . meta l4proto . th dport vmap @no-endpoint-services']),
  );
  out.push(...block('chain', 'firewall-check', ['ip daddr . meta l4proto . th dport vmap @firewall-ips']));
  out.push(
    ...block('chain', 'masquerading', [
      'meta mark & 0x00004000 == 0x00000000 return',
      'meta mark set meta mark ^ 0x00004000',
      'masquerade fully-random',
    ]),
  );
  out.push(
    ...block('chain', 'cluster-ips-check', [
      'ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"',
      `ip daddr ${serviceCidr} drop comment "Drop traffic to unallocated ClusterIPs"`,
    ]),
  );
  out.push(...block('chain', 'mark-for-masquerade', ['meta mark set meta mark | 0x00004000']));
  out.push(
    ...block('chain', 'reject-chain', [
      'comment "helper for @no-endpoint-services / @no-endpoint-nodeports"',
      'reject',
    ]),
  );
  // Each Service port: its endpoint chains, then the service chain that picks one (the recording's order).
  for (const p of ports) {
    const eps = [...new Set(p.endpoints)].sort();
    for (const ep of eps) {
      const ip = ep.slice(0, ep.lastIndexOf(':'));
      out.push(
        ...block('chain', epChain(p, ep), [
          `ip saddr ${ip} jump mark-for-masquerade`,
          `meta l4proto ${proto(p)} dnat to ${ep}`,
        ]),
      );
    }
    const pick = eps.map((ep, i) => `${i} : goto ${epChain(p, ep)}`).join(', ');
    out.push(
      ...block('chain', svcChain(p), [
        `ip daddr ${p.ip} ${proto(p)} dport ${p.port} ip saddr != ${podCidr} jump mark-for-masquerade`,
        `numgen random mod ${eps.length} vmap { ${pick} }`,
      ]),
    );
  }
  if (out[out.length - 1] === '') out.pop();
  out.push('}');
  return out.join('\n') + '\n';
}
