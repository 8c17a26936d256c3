// What each root cause means, as data next to the catalogue (causes.ts): one source for `kdiag explain ID`
// and docs/causes/ID.md (scripts/cause-docs.js writes them; test/model/cause-docs.test.ts keeps them in step).
// Background is from the seed (../shared/PLAYBOOK.md); log lines and keys from Cilium's source, file named.

export interface CauseDoc {
  /** What it means, one short paragraph. */
  meaning: string;
  /** Why it breaks ClusterIP traffic while pod IPs still work. */
  why: string;
  /** What kdiag looks for (checks and the lines or values they read). */
  evidence: string[];
  /** Commands to confirm by hand. */
  confirm: string[];
  /** The fix, or what must change when a restart cannot fix it. */
  fix: string[];
  /** Public reports the cause comes from. */
  reports: string[];
}

const AGENT = 'kubectl -n kube-system exec ds/cilium -c cilium-agent --';

export const CAUSE_DOCS: Readonly<Record<string, CauseDoc>> = {
  'cilium-not-installed': {
    meaning: 'No Cilium agent DaemonSet was found in the namespace kdiag looked in.',
    why: 'Without Cilium agents nothing programs the eBPF load balancer, so on a cluster without kube-proxy no component translates a ClusterIP to a backend.',
    evidence: ['cilium-installed/not-found: no DaemonSet labelled k8s-app=cilium in --cilium-namespace'],
    confirm: ['kubectl get ds -A -l k8s-app=cilium', 'kubectl -n kube-system get pods -l k8s-app=cilium -o wide'],
    fix: ['Install Cilium, or point --cilium-namespace at the namespace it runs in.'],
    reports: ['https://docs.cilium.io/en/stable/installation/k8s-install-helm/'],
  },
  'kernel-too-old': {
    meaning: 'The node kernel is older than this Cilium version, or one of its enabled features, requires.',
    why: "Cilium's socket LB (cil_sock4_connect) and tc programs need kernel features (Linux 4.9+, 5.4+ recommended; 5.10 for 1.18). Without them the programs do not load, and nothing translates the ClusterIP.",
    evidence: [
      'kernel-version/too-old: Node.status.nodeInfo.kernelVersion below the minimum for the Cilium version',
      'agent-logs/known-error: "Require support for … (Linux X or newer)" (pkg/datapath/linux/requirements.go)',
    ],
    confirm: ['kubectl get nodes -o wide', 'uname -r   # on the node', `${AGENT} cilium-dbg status --verbose`],
    fix: [
      'Upgrade the node kernel to the minimum named in the finding, or disable the feature that needs it. A restart does not help.',
    ],
    reports: ['https://docs.cilium.io/en/stable/operations/system_requirements/', 'cilium/cilium#17431'],
  },
  'missing-capabilities': {
    meaning:
      'The cilium-agent container runs without the Linux capabilities it needs (SYS_ADMIN/BPF, NET_ADMIN, PERFMON, SYS_RESOURCE).',
    why: 'The agent cannot create its BPF maps ("Unable to create map … operation not permitted") and crash-loops, so no Service is programmed on the node.',
    evidence: [
      'capabilities/missing: the DaemonSet securityContext.capabilities.add lacks what the version needs',
      'agent-logs/known-error: "Unable to create map … operation not permitted"',
    ],
    confirm: [
      "kubectl -n kube-system get ds cilium -o jsonpath='{.spec.template.spec.containers[0].securityContext}'",
      'kubectl -n kube-system logs ds/cilium -c cilium-agent --previous',
    ],
    fix: [
      'Set helm securityContext.capabilities.ciliumAgent as in the official chart (or privileged: true), then roll the DaemonSet.',
    ],
    reports: ['https://docs.cilium.io/en/stable/installation/k8s-install-helm/'],
  },
  'bpffs-not-mounted': {
    meaning: 'No BPF filesystem is mounted at /sys/fs/bpf on the host.',
    why: 'Pinned maps live in bpffs. Without it the agent mounts its own, which disappears with the pod: a restart loses the service map and cuts Service traffic.',
    evidence: ['bpffs/not-mounted: no bpf line for /sys/fs/bpf in /proc/mounts inside the agent pod'],
    confirm: [`${AGENT} grep bpf /proc/mounts`, 'mount | grep /sys/fs/bpf   # on the node'],
    fix: [
      'sudo mount bpffs /sys/fs/bpf -t bpf, persisted with a systemd sys-fs-bpf.mount unit, before the agent starts.',
    ],
    reports: ['https://cilium.link/err-bpf-mount'],
  },
  'invalid-config': {
    meaning: 'The cilium-config ConfigMap holds a value this Cilium version rejects.',
    why: 'The agent exits at start-up, so it never programs Services on the node.',
    evidence: [
      'agent-logs/known-error: e.g. "Invalid value for --kube-proxy-replacement" (daemon/cmd/kube_proxy_replacement.go)',
    ],
    confirm: [
      'kubectl -n kube-system get cm cilium-config -o yaml',
      'kubectl -n kube-system logs ds/cilium -c cilium-agent --previous',
    ],
    fix: ['Fix the helm value or cilium-config key the agent log names, then roll the DaemonSet.'],
    reports: ['https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/'],
  },
  'kube-proxy-conflict': {
    meaning: 'kube-proxy runs while Cilium is configured to replace it.',
    why: "Two load balancers translate the same ClusterIP: kube-proxy's iptables DNAT and Cilium's eBPF map disagree during updates, and kube-proxy's rules may act on traffic Cilium already translated.",
    evidence: ['kube-proxy-conflict/running: a kube-proxy DaemonSet or pods with kube-proxy-replacement on'],
    confirm: ['kubectl -n kube-system get ds kube-proxy', 'iptables-save -t nat | grep KUBE-SERVICES   # on the node'],
    fix: [
      'Delete the kube-proxy DaemonSet and flush its rules on each node (kube-proxy --cleanup), or set kubeProxyReplacement=false.',
    ],
    reports: ['https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/'],
  },
  'kube-proxy-not-ready': {
    meaning:
      'On a datapath where kube-proxy serves Services (Cilium without kube-proxy replacement, kube-proxy alone, Calico with kube-proxy), the kube-proxy pod on the node is missing or not Ready.',
    why: "kube-proxy writes the node's iptables/IPVS/nftables rules that translate a ClusterIP to a backend; without a running kube-proxy the node's rules are missing or stop following Service and endpoint changes, while pod IPs still route.",
    evidence: [
      'kube-proxy-pods/no-pod or kube-proxy-pods/not-ready: the kube-proxy DaemonSet has no Ready pod on the node',
    ],
    confirm: [
      'kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide --field-selector spec.nodeName=<node>',
      'kubectl -n kube-system logs <kube-proxy pod>',
    ],
    fix: [
      "Restart the node's kube-proxy pod (kubectl -n kube-system delete pod <kube-proxy pod>) and read its log; if the node has no pod, check the DaemonSet's taints and node selector. kdiag --fix does not restart kube-proxy yet.",
    ],
    reports: ['https://kubernetes.io/docs/reference/networking/virtual-ips/'],
  },
  'kube-proxy-rules-stale': {
    meaning:
      "Where kube-proxy serves Services in iptables mode, the node's nat table (KUBE-SERVICES → KUBE-SVC-* → KUBE-SEP-* DNAT) disagrees with the Services and EndpointSlices: a Service with ready endpoints has no rule, a chain DNATs to endpoints that are gone or misses ready ones, or rules still translate a Service that was deleted.",
    why: 'kube-proxy translates a ClusterIP only through these rules. A missing KUBE-SERVICES rule leaves the ClusterIP untranslated on that node; a stale KUBE-SEP sends connections to pods that no longer serve; pod IPs keep working because they never pass through these chains.',
    evidence: [
      "kube-proxy-rules/missing-service, kube-proxy-rules/wrong-endpoints, kube-proxy-rules/stale-service: `iptables-save -t nat` run in the node's kube-proxy pod, joined with Services and EndpointSlices",
    ],
    confirm: [
      'kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide --field-selector spec.nodeName=<node>',
      'kubectl -n kube-system exec <kube-proxy pod> -- iptables-save -t nat',
      'kubectl get endpointslices -n <ns> -l kubernetes.io/service-name=<svc> -o wide',
    ],
    fix: [
      "Restart the node's kube-proxy pod (kubectl -n kube-system delete pod <kube-proxy pod>): a fresh kube-proxy rewrites every rule in one full sync. If its log shows `Failed to execute iptables-restore`, see kube-proxy-sync-failing first. `kdiag doctor clusterip --fix` deletes that pod on the affected nodes, one batch at a time, and re-reads each node's rules after the new pod is Ready.",
    ],
    reports: ['https://kubernetes.io/docs/reference/networking/virtual-ips/', 'kubernetes/kubernetes#104234'],
  },
  'kube-proxy-sync-failing': {
    meaning:
      "kube-proxy's rule sync fails on the node (`Failed to execute iptables-restore … Sync failed; retrying in 30s`) and its nat table is out of date as a result.",
    why: 'Every Service and endpoint change since the last good sync is missing from the node: new Services are not translated and removed pods still receive connections. Restarting kube-proxy replays the same iptables-restore, so it fails the same way.',
    evidence: [
      "kube-proxy-rules/sync-failing: the node's rules are out of date (see kube-proxy-rules-stale) and its kube-proxy log has sync errors; errors in the log while the rules match are kept as history (kube-proxy-rules/sync-failed-before), never a cause",
    ],
    confirm: [
      'kubectl -n kube-system logs <kube-proxy pod> | grep -E "iptables-restore|Sync failed"',
      'kubectl -n kube-system exec <kube-proxy pod> -- iptables-save -t nat',
    ],
    fix: [
      'Fix what the failing restore line names: an iptables backend mismatch (legacy vs nf_tables), a missing kernel module (e.g. xt_statistic, xt_comment), or a rule this iptables version rejects; then restart kube-proxy once so it writes the full table.',
    ],
    reports: ['kubernetes/kubernetes#104234', 'kubernetes/kube-proxy#25'],
  },
  'bpf-map-memory': {
    meaning: 'The agent could not allocate its BPF maps (ENOMEM / memlock).',
    why: 'Without its maps the agent cannot start, so the node has no service map.',
    evidence: ['agent-logs/known-error: "creating map: map create: cannot allocate memory"'],
    confirm: ['kubectl -n kube-system logs ds/cilium -c cilium-agent --previous', 'free -m; ulimit -l   # on the node'],
    fix: [
      'Lower bpf-map-dynamic-size-ratio or bpf-ct-global-*-max (helm bpf.mapDynamicSizeRatio, bpf.ctTcpMax), or give the node more memory.',
    ],
    reports: ['cilium/cilium#24177'],
  },
  'bpf-programs-not-loaded': {
    meaning: "Cilium's eBPF programs (tc cil_from_*/cil_to_*, cgroup cil_sock4_*) are not loaded on the node.",
    why: 'The ClusterIP is translated by these programs; without them a connect to the ClusterIP goes nowhere while pod IPs still route.',
    evidence: ['bpf-programs/missing: bpftool prog show lists no cil_ program of the expected types'],
    confirm: [
      "sudo bpftool prog show | grep -E 'cil_|sched_cls|cgroup_sock_addr'",
      `${AGENT} cilium-dbg status --verbose`,
    ],
    fix: ['Restart the agent on the node (kdiag doctor clusterip --fix does it one node at a time, verified).'],
    reports: ['the seed (../shared/PLAYBOOK.md, "The manual steps")'],
  },
  'agent-not-ready': {
    meaning: 'The Cilium agent on the node is missing, not Ready or crash-looping.',
    why: 'A not-ready agent stops syncing Services, so new or changed Services are not in its map.',
    evidence: ['agent-pods/not-ready, agent-pods/crashloop, agent-pods/missing'],
    confirm: [
      'kubectl -n kube-system get pods -l k8s-app=cilium -o wide',
      'kubectl -n kube-system describe pod <agent>',
    ],
    fix: ['Restart the agent on the node; if it crash-loops again, read its --previous log for the real cause.'],
    reports: ['the seed (../shared/PLAYBOOK.md)'],
  },
  'service-map-stale': {
    meaning: "The agent's BPF service map disagrees with the Service's EndpointSlices.",
    why: 'Connects to the ClusterIP go to a backend that no longer exists, or find no frontend at all.',
    evidence: ['service-map/drift: cilium-dbg service list compared with the EndpointSlices'],
    confirm: [
      `${AGENT} cilium-dbg service list`,
      'kubectl get endpointslices -n <ns> -l kubernetes.io/service-name=<svc>',
    ],
    fix: ['Restart the agent on the node so it resyncs its map.'],
    reports: ['cilium/cilium#16028'],
  },
  'service-map-cluster-wide': {
    meaning:
      'Every agent agrees with the others and not with the API: the same Service is missing or different on every node.',
    why: "When all agents disagree with the API the same way, the cause is cluster-wide (a Service Cilium is told to skip, a type it does not program, or the agents' view of the API), not one stale agent: restarting agents does not change it.",
    evidence: ['service-map findings with the same drift on every node'],
    confirm: [
      `${AGENT} cilium-dbg service list`,
      'kubectl get svc -n <ns> <svc> -o yaml   # labels such as service.kubernetes.io/service-proxy-name, type, clusterIP',
    ],
    fix: [
      "Look cluster-wide first: the Service's labels and type, and the agents' connection to the API server; restart an agent only on a node that differs from its peers (kdiag doctor clusterip --fix --node N).",
    ],
    reports: ['cilium/cilium#16028'],
  },
  'no-ready-endpoints': {
    meaning: 'The Service has no ready endpoints.',
    why: 'Not a datapath fault: there is no backend to translate the ClusterIP to.',
    evidence: ['service-map/no-ready-endpoints: the EndpointSlices list no ready address'],
    confirm: [
      'kubectl get endpointslices -n <ns> -l kubernetes.io/service-name=<svc>',
      'kubectl get pods -n <ns> -l <selector>',
    ],
    fix: ["Make the Service's pods Ready: check the selector, readiness probes and the pods' logs."],
    reports: ['https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/'],
  },
  'api-server-unreachable': {
    meaning:
      'The Cilium agent cannot contact the Kubernetes API server at the address it was given (helm k8sServiceHost/k8sServicePort, the KUBERNETES_SERVICE_HOST/PORT of the agent), so it crash-loops at start-up.',
    why: 'Without kube-proxy, the `kubernetes` Service ClusterIP (10.96.0.1) is translated only by Cilium itself, so an agent told to use it cannot start, and no agent means no Service is programmed on the node. A wrong host, port or certificate (x509) has the same effect.',
    evidence: [
      'api-server-reach/unreachable: agent log "Unable to contact k8s api-server" with ipAddr (pkg/k8s/client)',
      'agent-pods/crashloop on the same node, which this cause explains',
    ],
    confirm: [
      'kubectl -n kube-system logs ds/cilium -c cilium-agent --previous | grep -E "Unable to contact k8s api-server|Establishing connection"',
      "kubectl -n kube-system get ds cilium -o jsonpath='{.spec.template.spec.containers[0].env}'",
      "kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes -o jsonpath='{.items[*].endpoints[*].addresses[*]}'",
    ],
    fix: [
      'helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set k8sServiceHost=<API server address> --set k8sServicePort=<port> (the control-plane endpoint, not the ClusterIP), then kubectl -n kube-system rollout restart ds/cilium',
      'A restart alone dials the same unreachable address again.',
    ],
    reports: [
      'cilium/cilium#28823',
      'cilium/cilium#20679',
      'cilium/cilium-cli#865',
      'cilium/cilium#35440',
      'cilium/cilium#8310',
    ],
  },
  'socket-lb-cannot-attach': {
    meaning:
      'Socket LB is enabled (kube-proxy replacement or bpf-lb-sock) but its cgroup_sock_addr programs (cil_sock4_connect, cil_sock4_sendmsg, …) are not attached, while the tc programs are loaded.',
    why: "With socket LB, a pod's connect() to a ClusterIP is rewritten to a backend by cil_sock4_connect at the cgroup v2 root (pkg/socketlb/socketlb.go). Without a cgroup v2 root to attach to (cgroup v1, nested or kind nodes) or without kernel BTF the programs are missing, and ClusterIP connects are not translated at the socket, while pod IPs still route through the tc programs.",
    evidence: [
      'socket-lb/not-attached: bpftool prog show lists the tc programs (sched_cls cil_from_*/cil_to_*) but no cgroup_sock_addr cil_sock* program the config needs',
      'bpf-programs/missing on the same node, which this cause explains',
    ],
    confirm: [
      `${AGENT} bpftool prog show | grep -E 'cgroup_sock_addr|sched_cls'`,
      `${AGENT} bpftool cgroup tree`,
      `${AGENT} grep cgroup2 /proc/mounts`,
      `${AGENT} ls /sys/kernel/btf/vmlinux`,
    ],
    fix: [
      'Give the agent a cgroup v2 root: mount cgroup2 on the node, or helm --set cgroup.autoMount.enabled=true,cgroup.hostRoot=/run/cilium/cgroupv2, and run a kernel with BTF (CONFIG_DEBUG_INFO_BTF=y); then roll the agents.',
      'Or turn socket LB off: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set socketLB.enabled=false (the tc programs then translate ClusterIPs per packet).',
      'A restart alone attaches to the same missing cgroup again.',
    ],
    reports: ['cilium/cilium#21609', 'cilium/cilium#16078', 'cilium/cilium#48778'],
  },
  'lb-map-full': {
    meaning:
      'A Cilium load-balancer map (cilium_lb4_services_v2 / cilium_lb4_backends_v3) reached its size, bpf-lb-map-max (default 65536), so the agent could not insert a Service or its backends.',
    why: 'The agent logs the failed insert and moves on: the Service exists in the API but its frontend or backends are missing from the map, so its ClusterIP is not translated (CoreDNS fails first in big clusters). A restart refills the same map to the same limit.',
    evidence: [
      'lb-map-full/full: agent log "Error while inserting service in LB map" (pkg/k8s/watchers/service.go) with "the map is full, please consider resizing it" (pkg/bpf/bpf_linux.go)',
      'service-map/drift on the same node, which this cause explains',
    ],
    confirm: [
      'kubectl -n kube-system logs ds/cilium -c cilium-agent | grep -E "map is full|inserting service in LB map"',
      `${AGENT} cilium-dbg bpf lb list | wc -l`,
      'kubectl -n kube-system get cm cilium-config -o jsonpath="{.data.bpf-lb-map-max}"',
    ],
    fix: [
      'Raise the map size: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set bpf.lbMapMax=131072 (cilium-config bpf-lb-map-max), then roll the agents: kubectl -n kube-system rollout restart ds/cilium',
      'A restart alone does not help: the map fills to the same limit again.',
    ],
    reports: ['cilium/cilium#23551', 'cilium/cilium#28726', 'cilium/cilium#8587', 'cilium/cilium#16028'],
  },
};

export function causeDoc(id: string): CauseDoc | undefined {
  return CAUSE_DOCS[id];
}
