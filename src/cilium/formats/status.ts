// `cilium(-dbg) status [--verbose]`: parser and renderer.
// The agent prints it through text/tabwriter (pkg/command/status / cilium-dbg/cmd/status.go:
// NewWriter(w, 2, 0, 3, ' ', 0)); each line is `Label:\tvalue\t...`. Layouts follow the fixtures:
// 1.7–1.13 `KubeProxyReplacement:   Strict   [eth0 10.0.0.1 (Direct Routing), eth1 10.0.0.2]`,
// 1.14 prints the configured word capitalised (Strict/True/…), 1.15+ only True/False with a tab
// between device name and addresses; 1.17+ `Routing: Network: … Host: …` and `Attach Mode:`.

import { ParseError } from '../../errors.js';
import { normalizeKpr } from '../config.js';
import type { CiliumStatus, KprMode } from '../types.js';
import { isElision, isKubectlNoise } from './noise.js';
import { tabwrite } from './tabwriter.js';

const SOURCE = 'cilium status';

/**
 * Before devices were listed (1.7–1.8), the brackets held the enabled KPR features: 1.7 `[NodePort, ExternalIPs,
 * HostReachableServicesTCP, …]` (fixture status.v1.7-dev.strict.txt), from cilium/cilium#10083 with details
 * `[NodePort (SNAT, 30000-32767), ExternalIPs, HostReachableServices (TCP, UDP)]` (fixture
 * status.v1.8-dev.probe.kpr-features.txt).
 */
const KPR_FEATURES = new Set([
  'NodePort',
  'ExternalIPs',
  'HostPort',
  'HostReachableServices',
  'HostReachableServicesTCP',
  'HostReachableServicesUDP',
  'SessionAffinity',
]);

/** Splits on commas outside parentheses: `NodePort (SNAT, 30000-32767), ExternalIPs` -> two items. */
function topLevelItems(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (i === s.length || (c === ',' && depth === 0)) {
      const item = s.slice(start, i).trim();
      if (item) out.push(item);
      start = i + 1;
    }
  }
  return out;
}

/** Top-level labels the agent prints; a text with none of them is not `cilium status` output. */
const KNOWN_LABELS = new Set([
  'KVStore',
  'Kubernetes',
  'Kubernetes APIs',
  'KubeProxyReplacement',
  'Host firewall',
  'SRv6',
  'CNI Chaining',
  'CNI Config file',
  'Cilium',
  'NodeMonitor',
  'Cilium health daemon',
  'IPAM',
  'IPv4 BIG TCP',
  'IPv6 BIG TCP',
  'BandwidthManager',
  'Host Routing',
  'Routing',
  'Attach Mode',
  'Device Mode',
  'Masquerading',
  'Clock Source for BPF',
  'Controller Status',
  'Proxy Status',
  'Global Identity Range',
  'Hubble',
  'Encryption',
  'Cluster health',
  'Modules Health',
  'KubeProxyReplacement Details',
  'BPF Maps',
  'Allocated addresses',
  'Name',
]);

function devicesOf(bracket: string): string[] | undefined {
  const items = topLevelItems(bracket);
  if (items.length === 0) return [];
  const first = (i: string): string => i.split(/\s+/)[0]!;
  if (items.every((i) => KPR_FEATURES.has(first(i)))) return undefined;
  return items.map(first);
}

export function parseCiliumStatus(text: string): CiliumStatus {
  const st: CiliumStatus = { errors: [] };
  let recognised = 0;
  let inKprDetails = false;
  const lines = text.split('\n');
  lines.forEach((raw, idx) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || isKubectlNoise(line) || isElision(line)) return;
    const top = /^([A-Za-z][A-Za-z0-9 /()-]*?):(?:\s+(.*?))?\s*$/.exec(line);
    if (top && !/^\s/.test(line)) {
      const label = top[1]!;
      const value = top[2] ?? '';
      inKprDetails = label === 'KubeProxyReplacement Details';
      if (KNOWN_LABELS.has(label)) recognised++;
      switch (label) {
        case 'KubeProxyReplacement': {
          const m = /^(\S+)(?:\s+\[(.*)\])?/.exec(value);
          if (!m) throw new ParseError(SOURCE, 'KubeProxyReplacement line without a value', idx + 1);
          st.kubeProxyReplacementRaw = m[1];
          const mode = normalizeKpr(m[1]);
          if (mode) st.kubeProxyReplacement = mode;
          if (m[2] !== undefined) {
            const d = devicesOf(m[2]);
            if (d) st.devices = d;
          }
          break;
        }
        case 'Cilium': {
          st.ciliumHealth = value.replace(/\s+/g, ' ');
          const v = /^\S+\s+(\d+\.\d+\.\d+\S*)/.exec(value);
          if (v) st.version = v[1];
          if (!/^Ok\b/i.test(value)) st.errors.push(`Cilium: ${st.ciliumHealth}`);
          break;
        }
        case 'Attach Mode':
          st.attachMode = value;
          break;
        case 'Controller Status': {
          const m = /^(\d+)\/(\d+) healthy/.exec(value);
          if (m && Number(m[1]) < Number(m[2])) st.errors.push(`Controller Status: ${value.replace(/\s+/g, ' ')}`);
          break;
        }
        default:
          if (/^(Failure|Error|Warning)\b/.test(value) && KNOWN_LABELS.has(label))
            st.errors.push(`${label}: ${value.replace(/\s+/g, ' ')}`);
      }
      return;
    }
    if (inKprDetails) {
      const d = /^\s+([A-Za-z][A-Za-z0-9 /-]*):\s+(.*?)\s*$/.exec(line);
      if (!d) return;
      const [, key, value] = d;
      if (key === 'Status') {
        if (st.kubeProxyReplacementRaw === undefined) st.kubeProxyReplacementRaw = value!.split(/\s+/)[0];
        const mode = normalizeKpr(st.kubeProxyReplacementRaw);
        if (mode && !st.kubeProxyReplacement) st.kubeProxyReplacement = mode;
      } else if (key === 'Socket LB') {
        st.socketLb = /^Enabled/.test(value!);
      } else if (key === 'Devices' && st.devices === undefined) {
        st.devices = devicesOf(value!) ?? [];
      }
    }
  });
  if (recognised === 0)
    throw new ParseError(SOURCE, 'no status lines found (expected e.g. "KubeProxyReplacement:" or "Cilium:")');
  return st;
}

// ---- rendering

export interface StatusDevice {
  name: string;
  ips?: string[];
  directRouting?: boolean;
}

export interface StatusRenderInput {
  /** As configured (`kube-proxy-replacement`). */
  kpr: KprMode;
  devices: StatusDevice[];
  /** Cilium version, e.g. `1.16.5`. */
  version: string;
  /** Short git commit printed in parentheses. */
  commit?: string;
  /** Agent healthy (`Cilium: Ok`) or not (`Cilium: Failure`). */
  ready: boolean;
  failureMessage?: string;
  /** Socket LB in effect; defaults to the KPR mode's auto-enable. */
  socketLb?: boolean;
  controllersTotal?: number;
  controllersFailing?: number;
  /** 1.17+: `Legacy TC` or `TCX`. */
  attachMode?: string;
  routing?: { network: 'Native' | 'Tunnel'; tunnelProtocol?: string; host: 'Legacy' | 'BPF' };
  kubernetesVersion?: string;
  podCidr?: string;
  allocatedIps?: number;
  nodesReachable?: number;
  nodesTotal?: number;
  verbose?: boolean;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The word the agent prints for a configured mode in a given minor. */
export function kprWordFor(mode: KprMode, minor: number): string {
  const full = mode === 'true' || mode === 'strict';
  if (minor >= 15) return full ? 'True' : 'False';
  if (minor === 14) return cap(mode);
  if (full) return 'Strict';
  if (mode === 'partial' || mode === 'probe') return 'Partial';
  return 'Disabled';
}

function deviceList(devs: StatusDevice[], minor: number): string {
  const sep = minor >= 15 ? '\t' : ' ';
  return devs
    .map((d) => {
      const ips = d.ips?.length ? `${sep}${d.ips.join(' ')}` : '';
      return `${d.name}${ips}${d.directRouting ? ' (Direct Routing)' : ''}`;
    })
    .join(', ');
}

export function renderCiliumStatus(input: StatusRenderInput, minor: number): string {
  const word = kprWordFor(input.kpr, minor);
  const full = input.kpr === 'true' || input.kpr === 'strict';
  const off = word === 'Disabled' || word === 'False';
  const socketLb = input.socketLb ?? full;
  const commit = input.commit ?? '0000000a';
  const total = input.controllersTotal ?? 32;
  const failing = input.controllersFailing ?? 0;
  const cidr = input.podCidr ?? '10.0.1.0/24';
  const k8s = input.kubernetesVersion ?? '1.30 (v1.30.0) [linux/amd64]';
  const reach = `${input.nodesReachable ?? input.nodesTotal ?? 1}/${input.nodesTotal ?? 1} reachable`;
  let t = '';
  t += minor >= 17 ? 'KVStore:\tDisabled\t\n' : 'KVStore:\tOk\tDisabled\n';
  t += `Kubernetes:\tOk\t${k8s}\n`;
  t +=
    'Kubernetes APIs:\t["EndpointSliceOrEndpoint", "cilium/v2::CiliumClusterwideNetworkPolicy", "cilium/v2::CiliumEndpoint", "cilium/v2::CiliumNetworkPolicy", "cilium/v2::CiliumNode", "core/v1::Namespace", "core/v1::Pods", "core/v1::Service", "networking.k8s.io/v1::NetworkPolicy"]\n';
  t +=
    off || input.devices.length === 0
      ? `KubeProxyReplacement:\t${word}\t\n`
      : `KubeProxyReplacement:\t${word}\t[${deviceList(input.devices, minor)}]\n`;
  t += 'Host firewall:\tDisabled\n';
  if (minor >= 15) t += 'SRv6:\tDisabled\n';
  if (minor >= 14) t += 'CNI Chaining:\tnone\n';
  t += input.ready
    ? `Cilium:\tOk\t${input.version} (v${input.version}-${commit})\n`
    : `Cilium:\tFailure\t${input.failureMessage ?? 'daemon is not ready'}\n`;
  t += 'NodeMonitor:\tListening for events on 2 CPUs with 64x4096 of shared memory\n';
  t += 'Cilium health daemon:\tOk\t\n';
  t += `IPAM:\tIPv4: ${input.allocatedIps ?? 4}/254 allocated from ${cidr}, \n`;
  if (minor >= 14) t += 'IPv4 BIG TCP:\tDisabled\nIPv6 BIG TCP:\tDisabled\n';
  t += 'BandwidthManager:\tDisabled\n';
  const r = input.routing ?? { network: 'Tunnel', tunnelProtocol: 'vxlan', host: 'Legacy' };
  if (minor >= 17) {
    const net = r.network === 'Tunnel' ? `Tunnel [${r.tunnelProtocol ?? 'vxlan'}]` : 'Native';
    t += `Routing:\tNetwork: ${net}\tHost: ${r.host}\n`;
    t += `Attach Mode:\t${input.attachMode ?? 'Legacy TC'}\n`;
    t += 'Device Mode:\tveth\n';
  } else {
    t += `Host Routing:\t${r.host}\n`;
  }
  t += 'Masquerading:\tIPTables [IPv4: Enabled, IPv6: Disabled]\n';
  t += `Controller Status:\t${total - failing}/${total} healthy\n`;
  t += 'Proxy Status:\tOK, ip 10.0.1.140, 0 redirects active on ports 10000-20000, Envoy: embedded\n';
  t += 'Global Identity Range:\tmin 256, max 65535\n';
  t += 'Hubble:\tOk\tCurrent/Max Flows: 4095/4095 (100.00%), Flows/s: 8.49   Metrics: Disabled\n';
  let tail = 'Encryption:\tDisabled\t\n';
  tail += `Cluster health:\t${reach}\t(2025-01-01T00:00:00Z)\n`;
  if (minor >= 15) tail += 'Modules Health:\tStopped(0) Degraded(0) OK(59)\n';
  const tw = (x: string): string => tabwrite(x, { minwidth: 2, padding: 3 });
  // one writer for the plain status (fixture status.v1.14.0: one label column); --verbose interleaves
  // the KubeProxyReplacement Details block, which is aligned on its own (fixture 1.15.0-rc.1)
  if (!input.verbose) return tw(t + tail);
  return tw(t) + renderKprDetails(input, minor, word, socketLb) + tw(tail);
}

function renderKprDetails(input: StatusRenderInput, minor: number, word: string, socketLb: boolean): string {
  const full = word === 'Strict' || word === 'True';
  const en = (b: boolean): string => (b ? 'Enabled' : 'Disabled');
  let d = `  Status:\t${word}\n`;
  if (minor >= 12) {
    d += `  Socket LB:\t${en(socketLb)}\n`;
    if (socketLb) {
      d += '  Socket LB Tracing:\tEnabled\n';
      d += '  Socket LB Coverage:\tFull\n';
      if (minor >= 15) d += '  Socket LB Protocols:\tTCP, UDP\n';
    }
  }
  if (input.devices.length) d += `  Devices:\t${deviceList(input.devices, minor).replace(/\t/g, '    ')}\n`;
  d += '  Mode:\tSNAT\n  Backend Selection:\tRandom\n';
  d += `  Session Affinity:\t${en(full)}\n  Graceful Termination:\tEnabled\n  NAT46/64 Support:\tDisabled\n  XDP Acceleration:\tDisabled\n`;
  const svc = `  Services:\n  - ClusterIP:\tEnabled\n  - NodePort:\t${full ? 'Enabled (Range: 30000-32767)' : 'Disabled'}\n  - LoadBalancer:\t${en(full)}\n  - externalIPs:\t${en(full)}\n  - HostPort:\t${en(full)}\n`;
  // the Services sub-list is aligned on its own (fixtures: `  - ClusterIP:      Enabled`)
  return (
    'KubeProxyReplacement Details:\n' +
    tabwrite(d, { minwidth: 2, padding: 3 }) +
    tabwrite(svc, { minwidth: 2, padding: 3 })
  );
}
