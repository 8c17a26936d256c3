// What a simulator fault is: its zod schema, its `fixedByRestart` default and its effect on the node.
// The cluster, the agent's commands and its log ask every active fault through these hooks; a fault
// answers only the hooks it needs.
import { z } from 'zod';
import type { LbBackend, LbService, LogLevel } from '../../cilium/types.js';
import type { CommandResult } from '../agent.js';

const nodeRef = z.union([z.number().int().positive(), z.string().min(1)]);
/** `all`, a node name, an index (1-based), a range `2-4`, or a list of those. */
const nodeSelector = z.union([nodeRef, z.array(nodeRef).min(1)]);

/** Keys every fault has besides `kind`. */
export const faultBase = {
  nodes: nodeSelector.default('all'),
  fixedByRestart: z.boolean().optional(),
};

export const addr = z.object({
  ip: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
});
export const svcRef = z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'expected "namespace/name"');

export type AgentHealth = 'running' | 'not-ready' | 'crashloop';

/** One agent log record before it is rendered in the version's log style. */
export interface LogRec {
  level: LogLevel;
  msg: string;
  subsys: string;
  fields?: Record<string, string>;
}

export interface FaultLogs {
  records?: LogRec[];
  raw?: string[];
}

/** How the faults of one kind on a node alter the agent's load-balancer map. */
export interface MapDrift {
  /** The Service `ns/name` has no frontend in the map. */
  hides(service: string): boolean;
  /** The backends the map holds for a Service's frontend, given the ones its EndpointSlices list. */
  backends(service: string, fromSlices: LbBackend[]): LbBackend[];
  /** Frontends no Service owns. */
  stale(): LbService[];
}

/** A workload pod a fault places on its node, e.g. the client a `--from` run starts from. */
export interface ClientPodSpec {
  namespace: string;
  name: string;
  hostNetwork: boolean;
  labels: Record<string, string>;
  /** Container names and images, in spec order (the app first, then sidecars). */
  containers: { name: string; image: string }[];
  /** restartPolicy Always: a Kubernetes native sidecar. */
  initContainers?: { name: string; image: string; restartPolicy?: 'Always' }[];
}

export interface FaultEffects<F> {
  /** The agent container's health while the fault is active (the worst of all faults wins). */
  health?(f: F): AgentHealth;
  /** restartCount shown for the agent container (taken from the fault that decides the health). */
  restarts?(f: F): number;
  /** The kernel the node reports. */
  kernel?(f: F): string;
  /** true: this loaded BPF program is gone from the node. */
  dropsProgram?(f: F, name: string): boolean;
  /** `cilium status` reports a failing controller even while programs are loaded. */
  failsStatus?: boolean;
  /** No bpffs at /sys/fs/bpf in `mount` and /proc/mounts. */
  hidesBpffs?: boolean;
  /** Answers an exec into the agent container instead of the simulated command (undefined: not this one). */
  exec?(f: F, argv: string[], scenarioFile: string | undefined): CommandResult | undefined;
  /** Lines the agent logs after startup: structured records, or raw lines printed verbatim after them. */
  logs?(f: F, minor: number): FaultLogs;
  /** Services (`ns/name`) the fault names: each must exist, or the scenario does not load. */
  services?(f: F): string[];
  /** Workload pods the fault runs on its node. */
  pods?(f: F, node: string): ClientPodSpec[];
  /** Alters the agent's service map; gets every active fault of this kind on the node at once. */
  mapDrift?(faults: F[]): MapDrift;
  /** A kube-proxy fault: what it does to the node's kube-proxy nat table (src/sim/cluster/kube-proxy.ts). */
  natDrift?(f: F): NatDrift;
  /** A kube-proxy fault: lines kube-proxy logs on the node after its startup lines, verbatim. */
  kubeProxyLog?(f: F, since: Date): string[];
  /** Lines `cilium-dbg monitor --type drop` prints on the node while it runs (src/sim/monitor.ts). */
  monitorDrops?(f: F, node: MonitorView): string[];
  /** The same drops as packets, for `hubble observe --verdict DROPPED` (rendered by src/sim/hubble.ts). */
  droppedFlows?(f: F, node: MonitorView): SimDrop[];
}

/** One dropped packet as a fault sees it; the monitor and Hubble print it each in their own shape. */
export interface SimDrop {
  /** The monitor's reason text (pkg/monitor/api/drop.go), e.g. `Policy denied`. */
  reason: string;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  srcIdentity: number;
  /** 0: the destination identity is not known (printed `unknown` by the monitor). */
  dstIdentity: number;
  /** The namespace of the Service whose backend or frontend the packet was for. */
  namespace: string;
}

/** How a kube-proxy fault alters one node's nat table. */
export interface NatDrift {
  /** Services (`ns/name`) with no KUBE-SERVICES rule and no chains on the node. */
  hides?: string[];
  /** Services (`ns/name`) whose chains stay as the last good sync wrote them: these endpoints, not the slices'. */
  frozen?: { service: string; endpoints: string[] }[];
  /** Rules left for Services that no longer exist; `jump: false` keeps only the chains (no KUBE-SERVICES rule). */
  stale?: NatPort[];
}

/** One Service port as kube-proxy programs it on a node, in any mode (src/sim/cluster/kube-proxy.ts). */
export interface NatPort {
  /** `ns/name`. */
  service: string;
  portName: string;
  ip: string;
  port: number;
  protocol: string;
  /** `ip:port`, unsorted. */
  endpoints: string[];
  /** false: only the chains, nothing sends the address to them (a stale fault). */
  jump: boolean;
}

/** What a fault may read about its node and a Service to print monitor lines. */
export interface MonitorView {
  /** The node's pod CIDR, e.g. 10.244.1.0/24. */
  podCidr: string;
  /** The Service's ClusterIP and first port, and its backends on this node (IP and target port). */
  service(ref: string): { clusterIP: string; port: number; backends: { ip: string; port: number }[] } | undefined;
}

export interface FaultDef<S extends z.ZodTypeAny = z.ZodTypeAny> extends FaultEffects<z.output<S>> {
  schema: S;
  /** The component a restart must hit to clear the fault: the Cilium agent (default) or kube-proxy. */
  component?: 'kube-proxy';
  /** Whether deleting the agent pod clears the fault, unless the scenario says otherwise. */
  fixedByRestart: boolean;
}

/** Typed constructor for a fault file's default export. */
export function defineFault<S extends z.ZodTypeAny>(def: FaultDef<S>): FaultDef<S> {
  return def;
}
