// The one shape every non-Cilium Service datapath parser returns (kube-proxy iptables/IPVS/nftables, Calico eBPF):
// what the node's datapath would translate a Service address to, plus what the parser could not read.
// Pure data: later checks join it with Services and EndpointSlices; the parsers never judge health.
import { isIP } from 'node:net';

export type L4Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface DatapathBackend {
  ip: string;
  port: number;
  /** IPVS real-server weight, when the output has one. */
  weight?: number;
  /** iptables `--probability` of the KUBE-SVC rule that picks this endpoint (conditional, as printed). */
  probability?: number;
}

export interface DatapathFrontend {
  ip: string;
  port: number;
  protocol: L4Protocol;
  backends: DatapathBackend[];
  /** Owning Service when the output names it (iptables comments, nftables chain names). */
  service?: { namespace: string; name: string; portName: string };
  /** Where in the output it came from: the KUBE-SVC chain, nft verdict chain or Calico NAT id. */
  source?: string;
}

export interface ParseWarning {
  /** 1-based line in the input. */
  line: number;
  text: string;
  reason: string;
}

export interface DatapathTable {
  frontends: DatapathFrontend[];
  warnings: ParseWarning[];
}

/** Splits text into lines, keeping 1-based numbers and dropping `\r`. */
export function numberedLines(text: string): { n: number; text: string }[] {
  return text.split('\n').map((t, i) => ({ n: i + 1, text: t.replace(/\r$/, '') }));
}

export function isIp(s: string): boolean {
  return isIP(s) !== 0;
}

export function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 65535;
}

/** `10.0.0.1:80` or `[fd00::1]:80` → address and port; undefined when either part is not numeric. */
export function splitHostPort(s: string): { ip: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:[\]]+):(\d+)$/.exec(s);
  if (!m) return undefined;
  const ip = m[1]!;
  const port = Number(m[2]);
  return isIp(ip) && isPort(port) ? { ip, port } : undefined;
}

export function toProtocol(s: string): L4Protocol | undefined {
  const u = s.toUpperCase();
  return u === 'TCP' || u === 'UDP' || u === 'SCTP' ? u : undefined;
}
