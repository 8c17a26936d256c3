// Which eBPF programs a healthy agent has loaded on its node for the scenario's cilium-config: what
// `bpftool prog show` lists there before any fault removes some. It follows the agent's loader (sources in
// docs/datapaths.md "Programs per config"):
// - tunnel routing: bpf_overlay.c cil_from_overlay/cil_to_overlay on cilium_vxlan or cilium_geneve
//   (pkg/datapath/loader/overlay.go); native routing has no overlay device and no overlay programs.
// - bpf-lb-acceleration (or node-port-acceleration) native, best-effort or testing-only: bpf_xdp.c
//   cil_xdp_entry, type xdp, once per native device (pkg/datapath/loader/xdp.go); the simulated nodes have
//   one device, eth0, whose driver supports native XDP.
// - socket LB: bpf_sock.c cil_sock4_* and cil_sock6_* on the cgroup v2 root (pkg/socketlb/socketlb.go
//   Enable), only when socket LB is in effect. The IPv6 hooks also on IPv4-only clusters, since the simulated
//   kernels have IPv6 built in (Enable: EnableIPv6 || (EnableIPv4 && the IPv6 sysctl is readable)); the
//   getpeername hooks only on a node kernel of 5.8 or later (socketLbPeer in src/cilium/programs.ts).
// - enable-tcx does not change this list: tcx and legacy tc attach the same sched_cls programs
//   (pkg/datapath/loader/tc.go attachSKBProgram); only `bpftool net show` would differ, so the node's
//   kernel (tcx needs 6.6) does not matter here.
import { readCiliumConfig } from '../../cilium/config.js';
import { socketLbPeer } from '../../cilium/programs.js';

export type ProgramEntry = [type: string, name: string];

/** `kernel`: the node's kernel release (the simulated kernels have IPv6 and, from 5.8, getpeername). */
export function programSet(config: Record<string, string>, minor: number, kernel: string): ProgramEntry[] {
  const cfg = readCiliumConfig(config);
  const cil = minor >= 13;
  const out: ProgramEntry[] = [];
  const tc = (modern: string, legacy: string): void => {
    out.push(['sched_cls', cil ? modern : legacy]);
  };
  tc('cil_from_netdev', 'from_netdev');
  tc('cil_to_netdev', 'to_netdev');
  tc('cil_from_host', 'from_host');
  tc('cil_to_host', 'to_host');
  if (cfg.routingMode === 'tunnel') {
    tc('cil_from_overlay', 'from_overlay');
    tc('cil_to_overlay', 'to_overlay');
  }
  // 'maybe' is a RHEL build below 5.8: the simulated one carries the backport
  const ops = ['connect', 'sendmsg', 'recvmsg', ...(socketLbPeer(minor, kernel) !== 'no' ? ['getpeername'] : [])];
  const sock = (f: 4 | 6): void => {
    for (const op of ops) out.push(['cgroup_sock_addr', `${cil ? 'cil_' : ''}sock${f}_${op}`]);
  };
  if (cfg.socketLb && cfg.ipv4) sock(4);
  // two endpoints on every node (bpf_lxc.c), each with its own copy of the pair
  for (let i = 0; i < 2; i++) {
    tc('cil_from_container', 'handle_xgress');
    tc('cil_to_container', 'handle_to_container');
  }
  if (cfg.socketLb && (cfg.ipv6 || cfg.ipv4)) sock(6);
  if (cfg.xdpAcceleration) out.push(['xdp', cil ? 'cil_xdp_entry' : 'bpf_xdp_entry']);
  return out;
}
