// kube-proxy's nat table on one node, as `iptables-save -t nat` prints it in iptables mode, generated from
// the Services and EndpointSlices and then altered by the node's kube-proxy faults (faults/kube-proxy-*).
// Format: the `*nat` … `COMMIT` block of fixtures/kube-proxy/iptables-restore-nat.v1.2x.kind.verbose-log-payload.txt
// (iptables-restore input, the syntax iptables-save prints), rule for rule. Chain names are kube-proxy's
// hashes: base32(sha256(servicePortName + protocol [+ endpoint]))[:16] (pkg/proxy/iptables/proxier.go
// `servicePortChainName`/`servicePortEndpointChainName`); they reproduce the fixture's KUBE-SVC-TCOU7JCQXEZGVUNU.
import { createHash } from 'node:crypto';
import { faultDef, type NatDrift, type NatPort } from '../faults/index.js';
import type { KObj } from '../store.js';
import type { Cluster } from './index.js';

type SvcPort = { name?: string; port: number; protocol: string };
type Slice = {
  ports?: { name: string; port: number; protocol: string }[];
  endpoints?: { addresses: string[]; conditions: { ready?: boolean } }[];
};

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export function base32(buf: Buffer): string {
  let bits = 0;
  let v = 0;
  let out = '';
  for (const x of buf) {
    v = ((v << 8) | x) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += B32[(v >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
const hash16 = (s: string) => base32(createHash('sha256').update(s).digest()).slice(0, 16);

/** Is iptables-save in this node's kube-proxy pod showing kube-proxy's Service rules (iptables mode)? */
export function kubeProxyIptablesMode(cl: Cluster): boolean {
  const m = cl.scenario.datapath.kubeProxyMode;
  return m === 'iptables' || m === '';
}

function natDrifts(cl: Cluster, node: string): NatDrift[] {
  const st = cl.agents.get(node);
  if (!st) return [];
  return st.faults.map((f) => faultDef(f.kind).natDrift?.(f)).filter((d): d is NatDrift => d !== undefined);
}

/** `kubeProxyLog` lines of the node's active kube-proxy faults. */
export function kubeProxyFaultLog(cl: Cluster, node: string): string[] {
  const st = cl.agents.get(node);
  if (!st) return [];
  return st.faults.flatMap((f) => faultDef(f.kind).kubeProxyLog?.(f, cl.startTime) ?? []);
}

interface Rendered {
  chains: string[];
  rules: string[];
}

/** One Service port's rules (KUBE-SERVICES → KUBE-SVC → KUBE-SEP), as kube-proxy 1.2x writes them. */
function servicePort(
  out: Rendered,
  svcPortName: string,
  ip: string,
  port: number,
  protocol: string,
  endpoints: string[],
  clusterCidr: string,
  jump: boolean,
): void {
  const proto = protocol.toLowerCase();
  const svc = `KUBE-SVC-${hash16(svcPortName + proto)}`;
  const comment = svcPortName.includes(' ') ? `"${svcPortName}"` : svcPortName;
  out.chains.push(svc);
  if (jump) {
    const c = `"${svcPortName} cluster IP"`;
    out.rules.push(
      `-A KUBE-SERVICES -m comment --comment ${c} -m ${proto} -p ${proto} -d ${ip}/32 --dport ${port} ! -s ${clusterCidr} -j KUBE-MARK-MASQ`,
      `-A KUBE-SERVICES -m comment --comment ${c} -m ${proto} -p ${proto} -d ${ip}/32 --dport ${port} -j ${svc}`,
    );
  }
  const eps = [...endpoints].sort();
  eps.forEach((ep, i) => {
    const sep = `KUBE-SEP-${hash16(svcPortName + proto + ep)}`;
    out.chains.push(sep);
    const left = eps.length - i;
    const pick = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
    out.rules.push(
      `-A ${svc} -m comment --comment ${comment}${pick} -j ${sep}`,
      `-A ${sep} -m comment --comment ${comment} -s ${ep.slice(0, ep.lastIndexOf(':'))}/32 -j KUBE-MARK-MASQ`,
      `-A ${sep} -m comment --comment ${comment} -m ${proto} -p ${proto} -j DNAT --to-destination ${ep}`,
    );
  });
}

function readyEndpoints(slices: KObj[], port: SvcPort): string[] {
  const out: string[] = [];
  for (const sl of slices as unknown as Slice[]) {
    const sp = (sl.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? '')) ?? sl.ports?.[0];
    if (!sp) continue;
    for (const ep of sl.endpoints ?? []) if (ep.conditions.ready !== false) out.push(`${ep.addresses[0]}:${sp.port}`);
  }
  return [...new Set(out)];
}

/** One Service port as kube-proxy programs it on a node, in any mode (after the node's kube-proxy faults). */
export type ProxiedPort = NatPort;

/**
 * The Service ports kube-proxy has rules for on `node`: every ClusterIP port with ready endpoints (kube-proxy
 * writes a REJECT, not a translation, for the others), minus the ones a fault hides, plus stale ones.
 */
export function proxiedPorts(cl: Cluster, node: string): ProxiedPort[] {
  const drifts = natDrifts(cl, node);
  const hidden = new Set(drifts.flatMap((d) => d.hides ?? []));
  const frozen = new Map(drifts.flatMap((d) => (d.frozen ?? []).map((f) => [f.service, f.endpoints] as const)));
  const out: ProxiedPort[] = [];
  const slices = new Map<string, KObj[]>();
  for (const s of cl.store.list('endpointslices.discovery.k8s.io')) {
    const name = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!name) continue;
    const k = `${s.metadata.namespace}/${name}`;
    slices.set(k, [...(slices.get(k) ?? []), s]);
  }
  for (const svc of cl.store.list('services')) {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    if (hidden.has(key)) continue;
    if (svc.metadata.labels?.['service.kubernetes.io/service-proxy-name'] !== undefined) continue;
    const spec = svc.spec as { clusterIP?: string; ports?: SvcPort[] };
    if (!spec.clusterIP || spec.clusterIP === 'None') continue;
    for (const p of spec.ports ?? []) {
      const eps = frozen.get(key) ?? readyEndpoints(slices.get(key) ?? [], p);
      if (eps.length === 0) continue;
      out.push({
        service: key,
        portName: p.name ?? '',
        ip: spec.clusterIP,
        port: p.port,
        protocol: p.protocol,
        endpoints: eps,
        jump: true,
      });
    }
  }
  for (const d of drifts)
    for (const s of d.stale ?? [])
      out.push({
        service: s.service,
        portName: s.portName ?? '',
        ip: s.ip,
        port: s.port,
        protocol: s.protocol,
        endpoints: s.endpoints,
        jump: s.jump,
      });
  return out;
}

/**
 * `iptables-save -t nat` in the kube-proxy container on `node`; with `leftovers`, the table a removed
 * kube-proxy left behind (its last iptables-mode sync), whatever the scenario's kube-proxy mode.
 */
export function renderIptablesSaveNat(cl: Cluster, node: string, opts: { leftovers?: boolean } = {}): string {
  const clusterCidr = cl.ciliumConfigData()['cluster-pool-ipv4-cidr'] ?? '10.0.0.0/8';
  const out: Rendered = { chains: [], rules: [] };
  if (opts.leftovers || kubeProxyIptablesMode(cl))
    for (const p of proxiedPorts(cl, node))
      servicePort(
        out,
        p.portName ? `${p.service}:${p.portName}` : p.service,
        p.ip,
        p.port,
        p.protocol,
        p.endpoints,
        clusterCidr,
        p.jump,
      );
  const lines = [
    '*nat',
    ...['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ', ...out.chains].map(
      (c) => `:${c} - [0:0]`,
    ),
    '-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN',
    '-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000',
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    '-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000',
    ...out.rules,
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    'COMMIT',
  ];
  return lines.join('\n') + '\n';
}
