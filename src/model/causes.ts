// The root-cause catalogue, as data. Findings point at these ids (`Finding.cause`); rank.ts orders them by
// specificity and fix-plan.ts only restarts agents for causes a restart can fix.

export interface CauseDef {
  id: string;
  title: string;
  /** Deleting the agent pods on the affected nodes (the DaemonSet recreates them) can fix it. */
  fixableByRestart: boolean;
  /**
   * Higher = more specific: explains more of the symptom's chain. On one node, a higher-specificity cause
   * outranks a lower one it explains (an old kernel explains missing programs, not the other way round).
   */
  specificity: number;
  /** For causes a restart cannot fix: what must change instead. */
  whatToChange?: string;
  /** Lower-specificity causes this one explains when both show on the same node. */
  explains?: string[];
  /**
   * Whose pod a restart deletes: the Cilium agent (default), calico-node (Calico eBPF's Felix) or the node's
   * kube-proxy pod. Which pod that is, and what it must still be, the datapath says (`restarts` in src/datapath/).
   */
  restarts?: 'cilium-agent' | 'calico-node' | 'kube-proxy';
}

export const CAUSES: readonly CauseDef[] = [
  {
    id: 'cilium-not-installed',
    title: 'Cilium is not installed (no agent DaemonSet found)',
    fixableByRestart: false,
    specificity: 100,
    whatToChange: 'install Cilium (or point --cilium-namespace at the namespace it runs in)',
    explains: ['agent-not-ready', 'bpf-programs-not-loaded', 'service-map-stale'],
  },
  {
    id: 'kernel-too-old',
    title: 'Node kernel is older than this Cilium version or its enabled features require',
    fixableByRestart: false,
    specificity: 90,
    whatToChange: 'upgrade the node kernel (see the finding for the minimum), or disable the feature that needs it',
    explains: ['bpf-programs-not-loaded', 'agent-not-ready', 'service-map-stale'],
  },
  {
    id: 'missing-capabilities',
    title: 'The cilium-agent container lacks the Linux capabilities it needs',
    fixableByRestart: false,
    specificity: 85,
    whatToChange:
      'add the capabilities to the agent container (helm securityContext.capabilities.ciliumAgent) or set privileged: true, then roll the DaemonSet',
    explains: ['bpf-programs-not-loaded', 'agent-not-ready', 'service-map-stale'],
  },
  {
    id: 'bpffs-not-mounted',
    title: 'No BPF filesystem is mounted at /sys/fs/bpf on the node',
    fixableByRestart: false,
    specificity: 80,
    whatToChange:
      'mount bpffs on the host (`mount bpffs /sys/fs/bpf -t bpf`, persisted via a systemd sys-fs-bpf.mount unit) before the agent starts',
    explains: ['bpf-programs-not-loaded', 'agent-not-ready', 'service-map-stale'],
  },
  {
    id: 'invalid-config',
    title: 'The Cilium configuration is invalid',
    fixableByRestart: false,
    specificity: 80,
    whatToChange: 'fix the cilium-config ConfigMap / helm values named in the agent log, then roll the DaemonSet',
    explains: ['agent-not-ready', 'bpf-programs-not-loaded', 'service-map-stale'],
  },
  {
    id: 'kube-proxy-conflict',
    title: 'kube-proxy is running while Cilium replaces it',
    fixableByRestart: false,
    specificity: 60,
    whatToChange:
      'remove kube-proxy (delete its DaemonSet and flush its iptables rules on each node), or turn kube-proxy replacement off',
  },
  {
    id: 'kube-proxy-leftovers',
    title: "kube-proxy was removed but its iptables rules are still in the nodes' nat tables",
    fixableByRestart: false,
    specificity: 63,
    whatToChange:
      "flush kube-proxy's rules on the nodes named (as root on each: iptables-save | grep -v KUBE | iptables-restore, from Cilium's kube-proxy-free guide; or kube-proxy --cleanup); restarting the agents leaves them in place",
  },
  {
    id: 'bpf-map-memory',
    title: 'The agent could not allocate BPF maps (memory/rlimit)',
    fixableByRestart: false,
    specificity: 70,
    whatToChange: 'give the node more memory or lower bpf map sizes (bpf-map-dynamic-size-ratio, bpf-ct-global-*-max)',
    explains: ['bpf-programs-not-loaded', 'agent-not-ready'],
  },
  {
    id: 'api-server-unreachable',
    title: 'The Cilium agent cannot reach the Kubernetes API server (k8s-service-host/port)',
    fixableByRestart: false,
    specificity: 88,
    whatToChange:
      'set the real API server endpoint: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set k8sServiceHost=<API server address> --set k8sServicePort=<port>, then kubectl -n kube-system rollout restart ds/cilium',
    explains: ['agent-not-ready', 'bpf-programs-not-loaded', 'service-map-stale'],
  },
  {
    id: 'socket-lb-cannot-attach',
    title: 'Socket LB is enabled but its cgroup programs could not attach (no cgroup v2 root or no kernel BTF)',
    fixableByRestart: false,
    specificity: 75,
    whatToChange:
      'mount cgroup v2 on the node (or helm --set cgroup.autoMount.enabled=true,cgroup.hostRoot=/run/cilium/cgroupv2) and boot a kernel with BTF (CONFIG_DEBUG_INFO_BTF=y); or turn socket LB off: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set socketLB.enabled=false',
    explains: ['bpf-programs-not-loaded', 'service-map-stale'],
  },
  {
    id: 'lb-map-full',
    title: 'A Cilium load-balancer BPF map is full, so the agent could not insert Services',
    fixableByRestart: false,
    specificity: 65,
    whatToChange:
      'raise bpf-lb-map-max: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set bpf.lbMapMax=131072, then kubectl -n kube-system rollout restart ds/cilium',
    explains: ['service-map-stale', 'service-map-cluster-wide'],
  },
  {
    id: 'bpf-programs-not-loaded',
    title: "Cilium's eBPF programs are not loaded on the node",
    fixableByRestart: true,
    specificity: 50,
    explains: ['service-map-stale'],
  },
  {
    id: 'agent-not-ready',
    title: 'The Cilium agent on the node is missing, not Ready or crash-looping',
    fixableByRestart: true,
    specificity: 40,
    explains: ['service-map-stale'],
  },
  {
    id: 'service-map-stale',
    title: "The agent's BPF service map disagrees with the Service's endpoints",
    fixableByRestart: true,
    specificity: 30,
  },
  {
    id: 'service-map-cluster-wide',
    title: 'Every agent agrees with the others and not with the API: a cluster-wide cause, not a stale agent',
    fixableByRestart: false,
    specificity: 40,
    whatToChange:
      "look cluster-wide first: a Service Cilium is told to skip (label service.kubernetes.io/service-proxy-name, headless, a type Cilium does not program), kdiag's own expectation, or the agents' connection to the API server; restart an agent only on a node that differs from its peers (--fix --node N)",
  },
  {
    id: 'no-ready-endpoints',
    title: 'The Service has no ready endpoints (not a datapath fault)',
    fixableByRestart: false,
    specificity: 95,
    whatToChange: "make the Service's pods Ready (check the selector, readiness probes and the pods' logs)",
  },
  {
    id: 'kube-proxy-not-ready',
    title: 'kube-proxy, which serves Services on this datapath, is missing or not Ready on the node(s)',
    fixableByRestart: false,
    specificity: 60,
    whatToChange:
      'restart the kube-proxy pod on the node (kubectl -n kube-system delete pod <kube-proxy pod>) and read its log; if it has no pod there, check the DaemonSet (taints, node selector)',
  },
  {
    id: 'kube-proxy-rules-stale',
    title: "kube-proxy's rules on the node (iptables, IPVS or nftables) disagree with the Services and their endpoints",
    // Fixed by restarting the node's kube-proxy pod (a full sync rewrites every rule), never the Cilium agent.
    fixableByRestart: true,
    restarts: 'kube-proxy',
    specificity: 35,
  },
  {
    id: 'kube-proxy-sync-failing',
    title: 'kube-proxy cannot apply its rules on the node (iptables-restore fails), so they are out of date',
    fixableByRestart: false,
    specificity: 62,
    whatToChange:
      'read the failing line in the kube-proxy log (kubectl -n kube-system logs <kube-proxy pod>) and fix what it names: the iptables backend (legacy vs nf_tables), a missing kernel module, or a rule kube-proxy cannot write; a restart replays the same restore',
    explains: ['kube-proxy-rules-stale'],
  },
  {
    id: 'hairpin-policy-drop',
    title: 'A pod reaching its own Service is dropped by its ingress policy on the hairpin path (seen with --observe)',
    fixableByRestart: false,
    specificity: 70,
    whatToChange:
      "upgrade Cilium to a release with the hairpin policy fix (cilium/cilium#22107, #27709), or allow the pod's own labels in its ingress policy on the Service's target port",
  },
  {
    id: 'calico-node-not-ready',
    title: "calico-node (Felix), which programs Calico eBPF's NAT maps, is missing or not Ready on the node(s)",
    fixableByRestart: true,
    restarts: 'calico-node',
    specificity: 60,
    explains: ['calico-nat-map-stale'],
  },
  {
    id: 'calico-nat-map-stale',
    title: "Calico eBPF's NAT map on the node disagrees with the Services and their endpoints",
    fixableByRestart: true,
    restarts: 'calico-node',
    specificity: 30,
  },
  {
    id: 'calico-cilium-service-conflict',
    title: "Cilium's kube-proxy replacement and Calico's eBPF dataplane both translate ClusterIPs",
    fixableByRestart: false,
    specificity: 85,
    whatToChange:
      'keep one Service datapath: turn Calico eBPF off (FelixConfiguration bpfEnabled: false, or the operator Installation linuxDataplane: Iptables) or turn Cilium kube-proxy replacement off, then roll the DaemonSet you changed',
    explains: ['calico-nat-map-stale', 'service-map-stale'],
  },
  {
    id: 'calico-bpf-programs-not-loaded',
    title: "Calico eBPF's tc programs are not loaded on the node, so nothing there translates ClusterIPs",
    // Calico's troubleshoot-ebpf docs: programs the kernel's verifier rejects fail again on every start.
    fixableByRestart: false,
    specificity: 65,
    whatToChange:
      'read calico-node\'s log on the node ("Failed to apply policy to endpoint, leaving it dirty", libbpf "failed to load"): a kernel whose verifier rejects Calico\'s programs needs a kernel or Calico version that match; a kernel without eBPF support makes Felix fall back ("BPF data plane mode enabled but not supported by the kernel")',
    explains: ['calico-nat-map-stale', 'calico-node-not-ready'],
  },
  {
    id: 'calico-kube-proxy-fight',
    title: "kube-proxy runs beside Calico eBPF while Felix removes kube-proxy's iptables rules",
    fixableByRestart: false,
    specificity: 45,
    whatToChange:
      "disable kube-proxy on the Calico eBPF nodes (e.g. a nodeSelector on its DaemonSet that matches no node), or set FelixConfiguration bpfKubeProxyIptablesCleanupEnabled: false (Calico's eBPF guide: one of the two is required)",
  },
  {
    id: 'conntrack-table-full',
    title: "The agent's conntrack (CT) map is full, so new connections are dropped (CT: Map insertion failed)",
    fixableByRestart: false,
    specificity: 62,
    whatToChange:
      'raise the conntrack map sizes: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set bpf.ctTcpMax=1048576 --set bpf.ctAnyMax=524288 (cilium-config bpf-ct-global-tcp-max / bpf-ct-global-any-max; or a larger bpf.mapDynamicSizeRatio), then kubectl -n kube-system rollout restart ds/cilium',
  },
  {
    id: 'hostns-client-no-socket-lb',
    title: 'Nothing translates ClusterIPs for host-network clients (socket LB off, no kube-proxy)',
    fixableByRestart: false,
    specificity: 66,
    whatToChange:
      'turn socket LB on: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set socketLB.enabled=true --set socketLB.hostNamespaceOnly=true (or run kube-proxy), then kubectl -n kube-system rollout restart ds/cilium',
    explains: ['kube-proxy-not-ready'],
  },
  {
    id: 'sidecar-bypassed-by-socket-lb',
    title: "Socket LB rewrites the ClusterIP before the client's service-mesh sidecar sees it",
    fixableByRestart: false,
    specificity: 64,
    whatToChange:
      'run socket LB in the host namespace only: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set socketLB.hostNamespaceOnly=true, then kubectl -n kube-system rollout restart ds/cilium',
  },
  {
    // bpf-lb-acceleration=native on a device whose driver has no native XDP: the attach fails on every try
    // (pkg/datapath/loader/base.go reinitializeXDPLocked), so a restart meets the same driver.
    id: 'xdp-attach-failed',
    title: "XDP acceleration is set to native but the node's NIC driver cannot attach the XDP program",
    fixableByRestart: false,
    specificity: 74,
    whatToChange:
      'let devices without native XDP stay on tc: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set loadBalancer.acceleration=best-effort (cilium-config bpf-lb-acceleration=best-effort; or =disabled to turn XDP off), then kubectl -n kube-system rollout restart ds/cilium; or give the node a NIC driver with native XDP',
    explains: ['bpf-programs-not-loaded', 'agent-not-ready', 'service-map-stale'],
  },
];

const BY_ID = new Map(CAUSES.map((c) => [c.id, c]));

export function causeById(id: string): CauseDef | undefined {
  return BY_ID.get(id);
}
