// Which eBPF programs a Cilium config needs on a node, and how to recognise them in `bpftool prog show`.
//
// Names are the C function names of Cilium's programs (the kernel keeps the first 15 characters as
// `bpf_prog_info.name`; bpftool prints the full name from BTF when the program carries BTF).
// 1.13+ prefixes them with `cil_` (bpf/bpf_lxc.c `cil_from_container`/`cil_to_container`, bpf/bpf_host.c
// `cil_from_netdev`/`cil_to_netdev`/`cil_from_host`/`cil_to_host`, bpf/bpf_sock.c `cil_sock4_connect`…,
// bpf/bpf_xdp.c `cil_xdp_entry`). Up to 1.12 the functions behind the same ELF sections were
// `handle_xgress` (section from-container; fixture bpftool-prog-show-id.v1.12.3.handle_xgress.txt),
// `handle_to_container`, `from_netdev`, `to_netdev`, `from_host`, `to_host`, `sock4_connect`…, `bpf_xdp_entry`.

import type { CiliumConfigView } from './config.js';
import { parseKernelVersion } from './kernel.js';
import { capped } from '../model/finding.js';
import type { Evidence } from '../model/check.js';
import type { BpfProgram } from './types.js';

export type ProgramCategory = 'socket-lb' | 'tc' | 'xdp' | 'cgroup';

export interface RequiredProgram {
  name: string;
  /** bpftool program type. */
  type: string;
  category: ProgramCategory;
  reason: string;
  /**
   * Cilium may leave it out without fault: XDP under bpf-lb-acceleration=best-effort (pkg/datapath/xdp/xdp.go),
   * getpeername where the kernel may lack the hook, IPv6 socket hooks on an IPv4-only cluster (see sockHooks).
   */
  optional?: boolean;
}

/** Kernel limit: BPF_OBJ_NAME_LEN 16 including the NUL. */
export const KERNEL_NAME_LEN = 15;

/** Logical program -> [1.13+ name, ≤1.12 name]. */
const NAMES: Record<string, [string, string]> = {
  fromContainer: ['cil_from_container', 'handle_xgress'],
  toContainer: ['cil_to_container', 'handle_to_container'],
  fromNetdev: ['cil_from_netdev', 'from_netdev'],
  toNetdev: ['cil_to_netdev', 'to_netdev'],
  fromHost: ['cil_from_host', 'from_host'],
  toHost: ['cil_to_host', 'to_host'],
  fromOverlay: ['cil_from_overlay', 'from_overlay'],
  toOverlay: ['cil_to_overlay', 'to_overlay'],
  xdp: ['cil_xdp_entry', 'bpf_xdp_entry'],
};

const SOCK_HOOKS = ['connect', 'sendmsg', 'recvmsg'] as const;

/** Linux 5.8 added the BPF_CGROUP_INET{4,6}_GETPEERNAME attach types the getpeername hooks need. */
const PEER_KERNEL = [5, 8] as const;

/**
 * Whether the agent attaches the getpeername hooks: there is no cilium-config key for it. With socket LB on,
 * the agent sets EnableSocketLBPeer (≤1.12: EnableHostServicesPeer) itself and clears it when the kernel
 * cannot attach BPF_CGROUP_INET{4,6}_GETPEERNAME (daemon/cmd/kube_proxy_replacement.go
 * probeKubeProxyReplacementOptions); pkg/socketlb/socketlb.go Enable attaches cil_sock{4,6}_getpeername
 * only when it is set. 'yes' on a kernel ≥ 5.8 or Cilium ≥ 1.18 (which needs 5.10), 'no' on a kernel below
 * 5.8 (a RHEL build may carry the backport: 'maybe'), 'maybe' when the kernel is unknown.
 */
export function socketLbPeer(minor: number, kernel?: string): 'yes' | 'no' | 'maybe' {
  if (minor >= 18) return 'yes';
  const kv = kernel === undefined ? undefined : parseKernelVersion(kernel);
  if (!kv) return 'maybe';
  if (kv.major > PEER_KERNEL[0] || (kv.major === PEER_KERNEL[0] && kv.minor >= PEER_KERNEL[1])) return 'yes';
  return kv.rhel ? 'maybe' : 'no';
}

function nameFor(key: keyof typeof NAMES, minor: number): string {
  const [modern, legacy] = NAMES[key]!;
  return minor >= 13 ? modern : legacy;
}

function sockName(family: 4 | 6, hook: string, minor: number): string {
  return `${minor >= 13 ? 'cil_' : ''}sock${family}_${hook}`;
}

/**
 * The programs the config needs on a node. `kernel` is the node's kernel release (`uname -r`); it decides
 * whether the getpeername hooks belong (socketLbPeer). Unknown: they are optional (no finding when absent).
 */
export function requiredPrograms(cfg: CiliumConfigView, minor: number, kernel?: string): RequiredProgram[] {
  const out: RequiredProgram[] = [];
  if (cfg.socketLb) {
    const why =
      cfg.socketLbSource === 'kube-proxy-replacement'
        ? `kube-proxy-replacement=${cfg.kubeProxyReplacement} enables socket LB`
        : `${cfg.socketLbSource}=true`;
    const peer = socketLbPeer(minor, kernel);
    const push = (f: 4 | 6, hook: string, reason: string, optional: boolean): void => {
      out.push({
        name: sockName(f, hook, minor),
        type: 'cgroup_sock_addr',
        category: 'socket-lb',
        reason,
        ...(optional ? { optional: true } : {}),
      });
    };
    for (const f of [4, 6] as const) {
      // On an IPv4-only cluster the agent still attaches the IPv6 hooks when the kernel has IPv6, for
      // v4-mapped addresses on dual-stack sockets (pkg/socketlb/socketlb.go Enable: EnableIPv6 ||
      // (EnableIPv4 && IPv6 sysctl readable)): kdiag cannot see that sysctl, so they are optional.
      const on = f === 4 ? cfg.ipv4 : cfg.ipv6;
      const v4mapped = f === 6 && !cfg.ipv6 && cfg.ipv4;
      if (!on && !v4mapped) continue;
      const label = (hook: string): string =>
        v4mapped
          ? `${why} (IPv6 ${hook} for v4-mapped addresses, where the kernel has IPv6)`
          : `${why} (IPv${f} ${hook})`;
      for (const hook of SOCK_HOOKS) push(f, hook, label(hook), v4mapped);
      if (peer !== 'no') push(f, 'getpeername', `${label('getpeername')}; kernel 5.8+`, v4mapped || peer === 'maybe');
    }
  }
  const tc = (key: keyof typeof NAMES, reason: string): void => {
    out.push({ name: nameFor(key, minor), type: 'sched_cls', category: 'tc', reason });
  };
  tc('fromContainer', 'every endpoint (pod veth) gets its ingress program');
  tc('toContainer', 'every endpoint (pod veth) gets its egress program');
  tc('fromHost', 'cilium_host');
  tc('toHost', 'cilium_host');
  if (cfg.nodePort || cfg.bpfMasquerade || cfg.devices.length > 0) {
    const why = cfg.nodePort ? 'NodePort/KPR needs the native devices programs' : 'native devices are configured';
    tc('fromNetdev', why);
    tc('toNetdev', why);
  }
  if (cfg.routingMode === 'tunnel') {
    tc('fromOverlay', `tunnel routing (${cfg.tunnelProtocol ?? 'vxlan'})`);
    tc('toOverlay', `tunnel routing (${cfg.tunnelProtocol ?? 'vxlan'})`);
  }
  if (cfg.xdpAcceleration)
    out.push({
      name: nameFor('xdp', minor),
      type: 'xdp',
      category: 'xdp',
      reason: `XDP acceleration ${cfg.xdpAcceleration}`,
      // best-effort stays on tc on devices whose driver lacks native XDP (cilium/cilium#28666)
      ...(cfg.xdpAcceleration === 'best-effort' ? { optional: true } : {}),
    });
  return out;
}

/**
 * True when `actualName` (as bpftool printed it) is the program `expected`. Full BTF names must match
 * exactly; a name of exactly 15 characters may be the kernel's truncation of a longer expected name.
 */
export function matchesProgram(actualName: string, expected: string): boolean {
  if (actualName === expected) return true;
  return actualName.length === KERNEL_NAME_LEN && expected.length > KERNEL_NAME_LEN && expected.startsWith(actualName);
}

const ALL_NAMES: string[] = [
  ...Object.values(NAMES).flat(),
  ...[4, 6].flatMap((f) =>
    ['connect', 'sendmsg', 'recvmsg', 'getpeername', 'post_bind'].flatMap((h) => [
      `cil_sock${f}_${h}`,
      `sock${f}_${h}`,
    ]),
  ),
];

export function isCiliumProgram(p: BpfProgram): boolean {
  if (/^cil_/.test(p.name)) return true;
  return ALL_NAMES.some((n) => matchesProgram(p.name, n));
}

export function classifyProgram(p: BpfProgram): ProgramCategory | 'other' {
  if (!isCiliumProgram(p)) return 'other';
  if (p.type === 'xdp') return 'xdp';
  if (p.type === 'cgroup_sock_addr') return 'socket-lb';
  if (p.type === 'sched_cls' || p.type === 'sched_act') return 'tc';
  if (p.type.startsWith('cgroup')) return 'cgroup';
  return 'other';
}

/** A program as bpftool's text format prints its first line. */
export const programLine = (p: BpfProgram): string =>
  `${p.id}: ${p.type}  name ${p.name}${p.tag ? `  tag ${p.tag}` : ''}`;

/** Required programs with no loaded match. Unknown minor: either naming (1.13+ `cil_*` or older) counts. */
export function missingPrograms(
  progs: BpfProgram[],
  required: RequiredProgram[],
  alt?: RequiredProgram[],
): RequiredProgram[] {
  const has = (r: RequiredProgram | undefined): boolean =>
    !!r && progs.some((p) => p.type === r.type && matchesProgram(p.name, r.name));
  return required.filter((r, i) => !has(r) && !has(alt?.[i]));
}

/** Evidence for a program check: the Cilium programs loaded on the node, as bpftool prints them. */
export function loadedEvidence(node: string, cilium: BpfProgram[]): Evidence {
  return {
    source: 'bpftool prog show',
    node,
    excerpt: cilium.length ? capped(cilium.map(programLine), 30) : '(no Cilium programs loaded)',
  };
}

/** Evidence for a program check: the required programs not loaded, and why the config needs each. */
export function requiredEvidence(node: string, missing: { type: string; name: string; reason?: string }[]): Evidence {
  return {
    source: 'required by config',
    node,
    excerpt: missing.map((r) => `${r.type} ${r.name} — ${r.reason}`).join('\n'),
  };
}
