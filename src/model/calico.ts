// Calico eBPF facts: the calico-node pods and each node's NAT map as `calico-node -bpf nat dump` prints it
// (parsed by src/datapath/calico/bpf-nat-dump.ts), plus the Felix log lines at ERROR or worse.
import type { BpfProgram } from './cilium.js';
import type { DatapathSignals } from './datapath.js';

/** The argv kdiag runs in the calico-node container (the binary is the image's own); the bundle runs the same. */
export const NAT_DUMP_ARGV = ['calico-node', '-bpf', 'nat', 'dump'];
/** calico-node's loaded eBPF programs (bpftool ships in the calico-node image: projectcalico/calico node/Dockerfile). */
export const BPFTOOL_ARGV = ['bpftool', '-j', 'prog', 'show'];

export interface CalicoNodePodFact {
  namespace: string;
  name: string;
  node: string;
  ready: boolean;
  running: boolean;
  restartCount: number;
  /** e.g. CrashLoopBackOff */
  waitingReason?: string;
  deleting: boolean;
  /** DaemonSet owning the pod: --fix only deletes calico-node pods it owns. */
  ownerDaemonSet?: string;
}

export interface CalicoNatFrontendFact {
  ip: string;
  port: number;
  protocol: string;
  /** The NAT id the dump prints (`id N`). */
  id: number;
  /** ip:port per backend line. */
  backends: string[];
  /** Backend lines printed as `is missing`. */
  missing: number;
}

export interface CalicoNatFact {
  frontends: CalicoNatFrontendFact[];
  /** Lines the parser could not read (count; the dump is still judged on what it read). */
  warnings: number;
  /** The exact argv run in the calico-node container. */
  command: string[];
}

/** One node's loaded eBPF programs as bpftool lists them (every program on the node, not only Calico's). */
export interface CalicoProgramsFact {
  programs: BpfProgram[];
  /** The exact argv run in the calico-node container. */
  command: string[];
}

/** Felix's config precedence: the calico-node env overrides FelixConfiguration; the operator's BPF dataplane sets it too. */
export function calicoBpfEnabled(sig: DatapathSignals | undefined): boolean {
  if (!sig) return false;
  const env = sig.calico?.felixBpfEnabled;
  let on = env !== undefined ? env.toLowerCase() === 'true' : sig.felixBpfEnabled === true;
  on ||= sig.linuxDataplane === 'BPF';
  return on;
}

/**
 * Whether Felix removes kube-proxy's iptables rules in eBPF mode (bpfKubeProxyIptablesCleanupEnabled), and
 * where that was read: the calico-node env, else FelixConfiguration, else Felix's default `true`
 * (projectcalico/calico felix/config/config_params.go `config:"bool;true"`).
 */
export function felixKubeProxyCleanup(sig: DatapathSignals | undefined): { on: boolean; source: string } {
  const env = sig?.calico?.felixKubeProxyCleanup;
  if (env !== undefined)
    return {
      on: env.trim().toLowerCase() === 'true',
      source: `calico-node env FELIX_BPFKUBEPROXYIPTABLESCLEANUPENABLED=${env}`,
    };
  if (sig?.felixKubeProxyCleanup !== undefined)
    return {
      on: sig.felixKubeProxyCleanup,
      source: `FelixConfiguration default bpfKubeProxyIptablesCleanupEnabled: ${sig.felixKubeProxyCleanup}`,
    };
  return { on: true, source: "bpfKubeProxyIptablesCleanupEnabled not set (Felix's default: true)" };
}
