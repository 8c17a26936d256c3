// Data shapes of what a Cilium agent reports. Parsers in src/cilium/formats/ produce them from real
// command output; the simulator renders them back into the same real formats.

/** Backend states as the agent prints them (`(active)`, `(quarantined)` …); `unknown` when the format has none. */
export type BackendState = 'active' | 'terminating' | 'quarantined' | 'maintenance' | 'unknown';

export interface LbAddress {
  ip: string;
  port: number;
  /** TCP, UDP, SCTP, or ANY when the output does not say (pre-1.16 text format). */
  protocol: string;
}

export interface LbBackend extends LbAddress {
  state: BackendState;
  weight?: number;
  nodeName?: string;
}

/** One row of `cilium(-dbg) service list`: a frontend and its backends in the BPF load-balancer map. */
export interface LbService {
  id: number;
  frontend: LbAddress;
  /** ClusterIP, NodePort, LoadBalancer, ExternalIPs, HostPort, LocalRedirect …; `unknown` in the 1.4 format. */
  type: string;
  backends: LbBackend[];
  /** Owning Kubernetes Service when the output names it (JSON flags). */
  name?: string;
  namespace?: string;
}

/** One program from `bpftool prog show` (text or -j). */
export interface BpfProgram {
  id: number;
  /** sched_cls, cgroup_sock_addr, xdp, cgroup_skb, sock_ops, … */
  type: string;
  /** As printed: the full BTF name, or the kernel's 15-character truncation. */
  name: string;
  tag?: string;
  /** ISO-8601 as printed in text, or converted from the epoch seconds of -j. */
  loadedAt?: string;
  uid?: number;
  mapIds?: number[];
}

/** kube-proxy replacement as configured, normalised across 1.12–1.19 spellings. */
export type KprMode = 'true' | 'false' | 'strict' | 'partial' | 'probe' | 'disabled';
/** What the mode means for Service load balancing. */
export type KprEffect = 'full' | 'partial' | 'none';

/** The parts of `cilium(-dbg) status [--verbose]` kdiag reads. */
export interface CiliumStatus {
  /** Raw word after `KubeProxyReplacement:` (Strict, True, Disabled, Partial, …). */
  kubeProxyReplacementRaw?: string;
  kubeProxyReplacement?: KprMode;
  devices?: string[];
  /** From `--verbose` KubeProxyReplacement Details: Socket LB enabled? */
  socketLb?: boolean;
  /** "Legacy TC", "TCX" … when printed. */
  attachMode?: string;
  /** Overall line, e.g. `Cilium: Ok   1.14.0 (v1.14.0-...)`. */
  ciliumHealth?: string;
  version?: string;
  /** Lines such as `Cilium: Failure ...` or controller failures. */
  errors: string[];
}

export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'fatal' | 'panic' | 'unknown';

/** One agent log line, logrus (`level=error msg="..." subsys=...`) or slog (`level=ERROR source=... msg=...`). */
export interface LogRecord {
  time?: string;
  level: LogLevel;
  msg: string;
  subsys?: string;
  fields: Record<string, string>;
  style: 'logrus' | 'slog' | 'text';
  raw: string;
}

/** A known agent error, recognised in a log record by the catalog. */
export interface CatalogMatch {
  /** Stable id, e.g. `bpf-map-permission`. */
  id: string;
  /** Root cause this error points to (see src/model/causes.ts). */
  cause: string;
  explanation: string;
  fix: string;
}

export type CiliumCli = 'cilium-dbg' | 'cilium';

/** Frontends kept per node: memory stays bounded whatever an agent prints; more is reported, not dropped silently. */
export const MAX_LB_ROWS_PER_NODE = 100_000;
