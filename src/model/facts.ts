// Facts: everything the checks read, gathered once per run (src/engine/gather.ts) and shared.
// A fact that could not be gathered is kept as an error with its reason, so a check depending on it
// reports `unknown` instead of guessing.
import type { BpfProgram, CiliumCli, CiliumStatus, LbService, LogRecord } from './cilium.js';
import type { CalicoNatFact, CalicoNodePodFact, CalicoProgramsFact } from './calico.js';
import type { DatapathSignals } from './datapath.js';
import type { KubeProxyLeftoversFact, KubeProxyLogFact, KubeProxyRulesFact } from './kube-proxy.js';
import type { NodeDrift } from './lb-drift.js';
import type { ObservedDrops } from './drops.js';
import type { ErrorKind } from '../errors.js';

/** A failure keeps the typed error's kind and hint, so a command can still say what to do. */
export type Gathered<T> = { ok: true; value: T } | { ok: false; error: string; kind?: ErrorKind; hint?: string };

export const got = <T>(value: T): Gathered<T> => ({ ok: true, value });
export const failed = <T = never>(error: string, more: { kind?: ErrorKind; hint?: string } = {}): Gathered<T> => ({
  ok: false,
  error,
  ...more,
});

export interface NodeFact {
  name: string;
  kernelVersion: string;
  osImage?: string;
  internalIP?: string;
  ready: boolean;
  /** false when cordoned (spec.unschedulable) */
  schedulable: boolean;
  /** NoSchedule/NoExecute taint keys the agent DaemonSet does not tolerate would be listed here. */
  taints: string[];
}

export interface ContainerState {
  running: boolean;
  ready: boolean;
  restartCount: number;
  /** e.g. CrashLoopBackOff, ContainerCreating */
  waitingReason?: string;
  /** Last termination: reason and exit code, e.g. `Error (exit 1)`. */
  lastTermination?: string;
  /** When the current container started (state.running.startedAt, RFC 3339). */
  startedAt?: string;
}

export interface AgentPodFact {
  namespace: string;
  name: string;
  node: string;
  phase: string;
  ready: boolean;
  deleting: boolean;
  agent: ContainerState;
  /** DaemonSet owning the pod (name) — --fix only deletes pods it owns. */
  ownerDaemonSet?: string;
  createdAt?: string;
}

export interface CiliumInstallFact {
  namespace: string;
  daemonSet: string;
  /** image tag, e.g. v1.16.5 */
  version: string;
  /** minor version as a number, e.g. 16 for 1.16; undefined when the tag is not semver */
  minor?: number;
  cli: CiliumCli;
  /** DaemonSet's cilium-agent securityContext capabilities.add, when set */
  capabilities?: string[];
  privileged?: boolean;
  desiredNumberScheduled: number;
  numberReady: number;
  /** The DaemonSet's own rollingUpdate.maxUnavailable as a pod count (Kubernetes' default: 1). */
  maxUnavailable?: number;
}

/** The cilium-config ConfigMap data (keys as found; see src/cilium/config.ts for normalisation). */
export type CiliumConfigFact = Record<string, string>;

export interface ServiceFact {
  namespace: string;
  name: string;
  type: string;
  clusterIPs: string[];
  ports: { name?: string; port: number; protocol: string; nodePort?: number; targetPort?: string | number }[];
  externalIPs: string[];
  loadBalancerIPs: string[];
  headless: boolean;
  /** The Service's `service.kubernetes.io/service-proxy-name` label: another proxy owns it, Cilium skips it. */
  proxyName?: string;
  /** Ready endpoints from EndpointSlices: ip:port/protocol per service port name */
  endpoints: EndpointFact[];
}

export interface EndpointFact {
  ip: string;
  port: number;
  protocol: string;
  portName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  targetPod?: string;
}

export interface LogFact {
  /** Records at warning or above (plus catalog matches), newest last; bounded in size. */
  records: LogRecord[];
  /** Total lines read. */
  lines: number;
  previous: boolean;
}

export interface BpffsFact {
  mounted: boolean;
  /** The /proc/mounts line (or its absence) seen inside the agent pod. */
  evidence: string;
}

export interface KubeProxyFact {
  daemonSet?: { namespace: string; name: string; desired: number; ready: number };
  pods: { name: string; node: string; ready: boolean; mode?: string }[];
}

export interface ClientPodFact {
  namespace: string;
  name: string;
  node: string;
  ip?: string;
  hostNetwork: boolean;
  labels: Record<string, string>;
  /** Container and init container names (a mesh sidecar shows here: istio-proxy, linkerd-proxy). */
  containers?: string[];
}

/**
 * The proxy containers the mesh injectors add: Istio's `istio-proxy` (istio.io docs, "Installing the Sidecar":
 * the injected pod lists the containers `sleep,istio-proxy`) and Linkerd's `linkerd-proxy`
 * (linkerd.io/2/features/proxy-injection: "linkerd-proxy, the Linkerd data plane proxy itself").
 */
export const MESH_SIDECAR_CONTAINERS: readonly string[] = ['istio-proxy', 'linkerd-proxy'];

/** Cluster-wide form of the mesh-sidecar check (preflight): pod-network pods that run a mesh sidecar. */
export interface MeshPodsFact {
  /** The first pods found with a sidecar (bounded), in list order. */
  pods: { namespace: string; name: string; node: string; sidecars: string[] }[];
  /** How many pods with a sidecar the list held (`pods` keeps at most a few of them). */
  total: number;
  /** How many pods were listed. */
  listed: number;
}

/** Everything gathered for one run. Per-node facts are keyed by node name. */
export interface Facts {
  cilium: Gathered<CiliumInstallFact>;
  config: Gathered<CiliumConfigFact>;
  nodes: Gathered<NodeFact[]>;
  /** Agent pods by node (a node with no agent pod is absent from the map). */
  agents: Gathered<Map<string, AgentPodFact>>;
  agentLogs: Map<string, Gathered<LogFact>>;
  bpfPrograms: Map<string, Gathered<BpfProgram[]>>;
  status: Map<string, Gathered<CiliumStatus>>;
  serviceMap: Map<string, Gathered<LbService[]>>;
  /**
   * Each node's map already compared with the Services (OK rows dropped). The gatherer fills this
   * instead of `serviceMap` when it has the Services, so a 1,000-node run never holds every map.
   */
  serviceDrift?: Map<string, Gathered<NodeDrift>>;
  /** Is a BPF filesystem mounted at /sys/fs/bpf on the node (seen from the agent pod)? */
  bpffs: Map<string, Gathered<BpffsFact>>;
  services: Gathered<ServiceFact[]>;
  kubeProxy: Gathered<KubeProxyFact>;
  /** `--observe`: drop events per node (client's and backends' nodes), absent when not asked for. */
  drops?: Map<string, Gathered<ObservedDrops>>;
  /** `preflight --observe`: nodes watched, nodes that host a backend, and the cap (--concurrency). */
  dropsWatched?: { nodes: number; candidates: number; cap: number };
  /** Per node, the exact argv that read its LB map when it was not the plain list (the node-side filter). */
  serviceMapCommand?: Map<string, string[]>;
  /** Calico and kube-proxy configuration the datapath detection reads (src/datapath/detect.ts). */
  datapathSignals?: Gathered<DatapathSignals>;
  /** Per node, kube-proxy's nat table read through its pod (where kube-proxy serves Services, iptables mode). */
  kubeProxyRules?: Map<string, Gathered<KubeProxyRulesFact>>;
  /** Per node, the sync errors in kube-proxy's log (supporting evidence; the rules are the current state). */
  kubeProxyLogs?: Map<string, Gathered<KubeProxyLogFact>>;
  /** Per node, kube-proxy chains left in the nat table (read in the agent; only with KPR on and no kube-proxy). */
  kubeProxyLeftovers?: Map<string, Gathered<KubeProxyLeftoversFact>>;
  /** calico-node pods (label k8s-app=calico-node), when Calico runs. */
  calicoNodes?: Gathered<CalicoNodePodFact[]>;
  /** Per node, Calico eBPF's NAT map (`calico-node -bpf nat dump`), when Felix runs its eBPF dataplane. */
  calicoNat?: Map<string, Gathered<CalicoNatFact>>;
  /** Per node, Felix log lines at ERROR, PANIC or FATAL (supporting evidence). */
  calicoLogs?: Map<string, Gathered<string[]>>;
  /** Per node, the eBPF programs loaded (`bpftool -j prog show` in the calico-node container), on Calico eBPF. */
  calicoPrograms?: Map<string, Gathered<CalicoProgramsFact>>;
  /** Nodes the run is about (--node, or the --from client's node); undefined = every node. */
  nodeScope?: string[];
  /** Target Service of `doctor clusterip NS/SVC`, if any. */
  target?: { namespace: string; name: string };
  /** `--from NS/POD` client, if any. */
  client?: Gathered<ClientPodFact>;
  /** Pods with a mesh sidecar, from one paginated pods list; only on a cluster-wide run (no Service, no --from). */
  meshPods?: Gathered<MeshPodsFact>;
}
