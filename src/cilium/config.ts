// The cilium-config ConfigMap keys kdiag reads, across 1.12–1.19. Key names are the agent flag names
// defined as constants in pkg/option/config.go (e.g. `EnableSocketLB = "bpf-lb-sock"`,
// `BPFSocketLBHostnsOnly = "bpf-lb-sock-hostns-only"`, `KubeProxyReplacement = "kube-proxy-replacement"`,
// `EnableNodePort = "enable-node-port"`, `RoutingMode = "routing-mode"`, `TunnelProtocol = "tunnel-protocol"`,
// `EnableBPFMasquerade = "enable-bpf-masquerade"`, `Devices = "devices"`, `EnableIPv4Name = "enable-ipv4"`,
// `EnableIPv6Name = "enable-ipv6"`); `tunnel` (TunnelName) exists up to 1.13 and was replaced by
// routing-mode + tunnel-protocol in 1.14; `enable-host-reachable-services` is the pre-1.12 name of socket LB.

import type { KprEffect, KprMode } from './types.js';

export const CONFIG_KEYS = {
  kubeProxyReplacement: 'kube-proxy-replacement',
  socketLb: 'bpf-lb-sock',
  socketLbLegacy: 'enable-host-reachable-services',
  socketLbHostnsOnly: 'bpf-lb-sock-hostns-only',
  nodePort: 'enable-node-port',
  tunnel: 'tunnel',
  routingMode: 'routing-mode',
  tunnelProtocol: 'tunnel-protocol',
  bpfMasquerade: 'enable-bpf-masquerade',
  devices: 'devices',
  ipv4: 'enable-ipv4',
  ipv6: 'enable-ipv6',
  hostLegacyRouting: 'enable-host-legacy-routing',
  nodePortAcceleration: 'node-port-acceleration',
  bpfLbAcceleration: 'bpf-lb-acceleration',
  /** 1.17–1.18 only (`LoadBalancerProtocolDifferentiation`); removed in 1.19, see protocolDistinct. */
  protoDiff: 'bpf-lb-proto-diff',
} as const;

/** Accepts every spelling 1.7–1.18 print or take: Strict/strict/True/true/Partial/Probe/Disabled/false. */
export function normalizeKpr(raw: string | undefined): KprMode | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  switch (v) {
    case 'true':
    case 'strict':
    case 'partial':
    case 'probe':
    case 'disabled':
    case 'false':
      return v;
    default:
      return undefined;
  }
}

/**
 * strict/true replace kube-proxy fully (daemon/cmd/kube_proxy_replacement.go auto-enables node-port,
 * external-ips, bpf-lb-sock, host-port, session-affinity). partial enables only the features set one by
 * one; probe (≤1.13) enables whatever the kernel supports while kube-proxy stays: both are partial.
 * disabled/false: none.
 */
export function kprEffect(mode: KprMode | undefined): KprEffect {
  switch (mode) {
    case 'true':
    case 'strict':
      return 'full';
    case 'partial':
    case 'probe':
      return 'partial';
    default:
      return 'none';
  }
}

export interface CiliumConfigView {
  kubeProxyReplacement?: KprMode;
  kprEffect: KprEffect;
  /** Socket-level LB (cgroup connect/sendmsg hooks) is in effect. */
  socketLb: boolean;
  /** Which key decided socketLb. */
  socketLbSource: 'bpf-lb-sock' | 'enable-host-reachable-services' | 'kube-proxy-replacement' | 'default';
  socketLbHostnsOnly: boolean;
  nodePort: boolean;
  routingMode: 'tunnel' | 'native';
  tunnelProtocol?: 'vxlan' | 'geneve';
  bpfMasquerade: boolean;
  devices: string[];
  ipv4: boolean;
  ipv6: boolean;
  /** XDP acceleration for NodePort (`native`, `best-effort`, `generic`), when not disabled. */
  xdpAcceleration?: string;
}

function bool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const t = v.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  return undefined;
}

export function readCiliumConfig(data: Record<string, string>): CiliumConfigView {
  const get = (k: string): string | undefined => {
    const v = data[k];
    return v === undefined || v === null ? undefined : String(v);
  };
  const kpr = normalizeKpr(get(CONFIG_KEYS.kubeProxyReplacement));
  const effect = kprEffect(kpr);

  let socketLb = false;
  let socketLbSource: CiliumConfigView['socketLbSource'] = 'default';
  const sock = bool(get(CONFIG_KEYS.socketLb));
  const legacySock = bool(get(CONFIG_KEYS.socketLbLegacy));
  if (kpr === 'disabled') {
    // 1.14 still auto-disables every KPR feature for "disabled" (kube_proxy_replacement.go)
    socketLb = false;
    socketLbSource = 'kube-proxy-replacement';
  } else if (effect === 'full') {
    socketLb = true;
    socketLbSource = 'kube-proxy-replacement';
  } else if (sock !== undefined) {
    socketLb = sock;
    socketLbSource = 'bpf-lb-sock';
  } else if (legacySock !== undefined) {
    socketLb = legacySock;
    socketLbSource = 'enable-host-reachable-services';
  }

  const np = bool(get(CONFIG_KEYS.nodePort));
  const nodePort = kpr === 'disabled' ? false : effect === 'full' ? true : (np ?? false);

  let routingMode: CiliumConfigView['routingMode'] = 'tunnel';
  let tunnelProtocol: CiliumConfigView['tunnelProtocol'] = 'vxlan';
  const rm = get(CONFIG_KEYS.routingMode)?.trim().toLowerCase();
  const tun = get(CONFIG_KEYS.tunnel)?.trim().toLowerCase();
  const tp = get(CONFIG_KEYS.tunnelProtocol)?.trim().toLowerCase();
  if (rm === 'native') routingMode = 'native';
  else if (rm === undefined && tun === 'disabled') routingMode = 'native';
  if (tp === 'geneve' || (tp === undefined && tun === 'geneve')) tunnelProtocol = 'geneve';

  const accel = get(CONFIG_KEYS.nodePortAcceleration) ?? get(CONFIG_KEYS.bpfLbAcceleration);

  const view: CiliumConfigView = {
    kprEffect: effect,
    socketLb,
    socketLbSource,
    socketLbHostnsOnly: bool(get(CONFIG_KEYS.socketLbHostnsOnly)) ?? false,
    nodePort,
    routingMode,
    bpfMasquerade: bool(get(CONFIG_KEYS.bpfMasquerade)) ?? false,
    devices: (get(CONFIG_KEYS.devices) ?? '').split(/[\s,]+/).filter(Boolean),
    ipv4: bool(get(CONFIG_KEYS.ipv4)) ?? true,
    ipv6: bool(get(CONFIG_KEYS.ipv6)) ?? false,
  };
  if (kpr !== undefined) view.kubeProxyReplacement = kpr;
  if (routingMode === 'tunnel') view.tunnelProtocol = tunnelProtocol;
  if (accel !== undefined && accel.trim() !== '' && accel.trim() !== 'disabled') view.xdpAcceleration = accel.trim();
  return view;
}
