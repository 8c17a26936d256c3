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
  'kube-proxy-leftovers': {
    meaning:
      "Cilium replaces kube-proxy (kube-proxy-replacement true) and kube-proxy was removed (no DaemonSet, no pods), but a node's nat table still holds kube-proxy's KUBE-SERVICES rules and KUBE-SVC-*/KUBE-SEP-* chains: deleting the DaemonSet does not flush them.",
    why: "Nothing updates those rules any more. Traffic that reaches the iptables nat table with a ClusterIP destination (host-network clients, packets socket LB did not translate) is DNATed to the pod IPs of kube-proxy's last sync, which may be gone; kube-proxy's MASQUERADE in KUBE-POSTROUTING may also run before Cilium's. ClusterIPs fail or go to stale backends on those nodes while pod IPs work.",
    evidence: [
      "kube-proxy-leftovers/leftovers: `iptables-save -t nat` in the node's cilium-agent container lists KUBE-SVC-* chains (and the KUBE-SERVICES rules jumping to them)",
      'only looked for with kube-proxy-replacement on and no kube-proxy DaemonSet or pod (kube-proxy-conflict covers a running kube-proxy)',
    ],
    confirm: [
      'kubectl -n kube-system get ds,pods -l k8s-app=kube-proxy',
      `${AGENT} iptables-save -t nat | grep -E '^(:KUBE-SVC-|-A KUBE-SERVICES)'`,
    ],
    fix: [
      "Flush kube-proxy's rules, as root on each node named (Cilium's kube-proxy-free guide, Documentation/network/kubernetes/kubeproxy-free.rst): iptables-save | grep -v KUBE | iptables-restore",
      'Or run kube-proxy --cleanup on those nodes (with the kube-proxy binary or image; it removes its iptables and IPVS rules and exits).',
      'Also delete the kube-proxy ConfigMap (kubectl -n kube-system delete cm kube-proxy) so a kubeadm upgrade does not reinstall it.',
      'A restart of the agents changes nothing: the rules are in the node, not in the agent.',
    ],
    reports: [
      'mysticaltech/terraform-hcloud-kube-hetzner#1210',
      'cilium/cilium#15234',
      'cilium/cilium#29094',
      'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/',
    ],
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
      "Where kube-proxy serves Services in iptables mode, the node's nat table (KUBE-SERVICES → KUBE-SVC-* → KUBE-SEP-* DNAT) disagrees with the Services and EndpointSlices: a Service with ready endpoints has no rule, a chain DNATs to endpoints that are gone or misses ready ones, or rules still translate a Service that was deleted. In IPVS mode the same is read from the node's IPVS table (virtual services and their real servers), in nftables mode from kube-proxy's `table ip kube-proxy` (the `service-ips` map → `service-…` → `endpoint-…` chains).",
    why: 'kube-proxy translates a ClusterIP only through these rules. A missing KUBE-SERVICES rule leaves the ClusterIP untranslated on that node; a stale KUBE-SEP sends connections to pods that no longer serve; pod IPs keep working because they never pass through these chains.',
    evidence: [
      "kube-proxy-rules/missing-service, kube-proxy-rules/wrong-endpoints, kube-proxy-rules/stale-service: `iptables-save -t nat` run in the node's kube-proxy pod (IPVS mode: `ipvsadm -Ln`, or `cat /proc/net/ip_vs` where the image has no ipvsadm; nftables mode: `nft list table ip kube-proxy`), joined with Services and EndpointSlices",
    ],
    confirm: [
      'kubectl -n kube-system get pods -l k8s-app=kube-proxy -o wide --field-selector spec.nodeName=<node>',
      'kubectl -n kube-system exec <kube-proxy pod> -- iptables-save -t nat',
      'kubectl -n kube-system exec <kube-proxy pod> -- cat /proc/net/ip_vs   # IPVS mode',
      'kubectl -n kube-system exec <kube-proxy pod> -- nft list table ip kube-proxy   # nftables mode',
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
      'its error says which: "dial tcp …: i/o timeout" (nothing translates the address), "connect: connection refused" (wrong port), "x509: certificate is valid for A, B, not C" (an address outside the certificate SANs)',
      'agent-pods/crashloop on the same node, which this cause explains',
    ],
    confirm: [
      'kubectl -n kube-system logs ds/cilium -c cilium-agent --previous | grep -E "Unable to contact k8s api-server|Establishing connection"',
      "kubectl -n kube-system get ds cilium -o jsonpath='{.spec.template.spec.containers[0].env}'",
      "kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes -o jsonpath='{.items[*].endpoints[*].addresses[*]}'",
    ],
    fix: [
      'helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set k8sServiceHost=<API server address> --set k8sServicePort=<port> (the control-plane endpoint, not the ClusterIP), then kubectl -n kube-system rollout restart ds/cilium',
      'For the x509 variant: use an address the API server certificate names (the log lists them), or add the address to the certificate SANs.',
      'A restart alone dials the same unreachable address again.',
    ],
    reports: [
      'cilium/cilium#34153',
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
  'hairpin-policy-drop': {
    meaning:
      'A pod that connects to the ClusterIP of its own Service is load-balanced back to itself (hairpin), and the packet is dropped with "Policy denied" by the ingress policy that selects the pod.',
    why: "For hairpin traffic Cilium SNATs the client to the service loopback address (ipv4-service-loopback-address, default 169.254.42.1) so the reply comes back through the load balancer. Cilium is meant to skip policy for that path; releases with the regression of cilium/cilium#22107 and #27709 enforce the pod's ingress policy on it instead, so the pod's own connection is denied. Other pods reach the Service, and the pod reaches itself by pod IP.",
    evidence: [
      'datapath-drops/hairpin-policy-denied: with --observe, `cilium-dbg monitor --type drop` on the backend\'s node prints "xx drop (Policy denied) … 169.254.42.1:PORT -> BACKEND:PORT" (pkg/monitor/datapath_drop.go, reason text from pkg/monitor/api/drop.go); where Hubble is on, `hubble observe --verdict DROPPED -o jsonpb` prints the same drop as a flow with drop_reason_desc POLICY_DENIED and IP.source 169.254.42.1',
      'only with --observe: `doctor clusterip NS/SVC --observe 10s` for one Service, or `preflight --observe 10s`, which watches the nodes hosting Service backends (at most --concurrency of them); without --observe the nodes, agents, programs and maps are healthy, so the gate passes',
    ],
    confirm: [
      `${AGENT} timeout --signal=INT 10s cilium-dbg monitor --type drop`,
      'kubectl exec <backend pod> -- curl -m 3 http://<its Service>   # in another terminal, while the monitor runs',
      'kubectl get networkpolicies,ciliumnetworkpolicies -n <namespace>',
    ],
    fix: [
      "Upgrade Cilium to a release with the hairpin policy fix, or allow the pod's own labels (fromEndpoints selecting itself) on the Service's target port in its ingress policy.",
      'A restart does not help: the policy is enforced again on the same path.',
    ],
    reports: ['cilium/cilium#22107', 'cilium/cilium#27709', 'cilium/cilium#11593'],
  },
  'calico-node-not-ready': {
    meaning:
      'On the Calico eBPF dataplane, the calico-node pod (Felix) on the node is missing, not Ready or crash looping.',
    why: "Felix writes the node's eBPF NAT maps that translate a ClusterIP to a backend; without a running Felix the maps stop following Service and endpoint changes (or were never written), while pod IPs still route.",
    evidence: ['calico-node-pods/not-ready or calico-node-pods/no-pod: no Ready calico-node pod on the node'],
    confirm: [
      'kubectl get pods -A -l k8s-app=calico-node -o wide --field-selector spec.nodeName=<node>',
      'kubectl -n <ns> logs <calico-node pod> -c calico-node --previous | grep -E "\\[(ERROR|PANIC|FATAL)\\]"',
    ],
    fix: [
      "Restart the node's calico-node pod (kubectl -n <ns> delete pod <calico-node pod>) and read Felix's log; a PANIC at start (e.g. \"Failed to create NAT frontend BPF map\") needs the pod's privileges or the kernel fixed first.",
    ],
    reports: ['projectcalico/felix#2650 (calico-node with FELIX_BPFENABLED could not create cali_v4_nat_fe)'],
  },
  'calico-nat-map-stale': {
    meaning:
      "On the Calico eBPF dataplane, the node's NAT map lacks a Service's frontend, or its backends are not the Service's ready endpoints.",
    why: 'Calico eBPF translates ClusterIPs in its tc programs by looking the destination up in the NAT frontend map; a missing frontend leaves the packet addressed to a ClusterIP no host owns, and wrong backends send it to pods that no longer serve.',
    evidence: [
      'calico-nat-map/missing-frontend or calico-nat-map/wrong-backends: `calico-node -bpf nat dump` in the calico-node pod, joined with Services and EndpointSlices',
      'Felix log lines at ERROR or worse on the same node, as supporting evidence',
    ],
    confirm: [
      'kubectl -n <ns> exec <calico-node pod> -c calico-node -- calico-node -bpf nat dump',
      'kubectl get endpointslices -n <svc ns> -l kubernetes.io/service-name=<svc>',
    ],
    fix: [
      "Restart the calico-node pod on the node (kubectl -n <ns> delete pod <calico-node pod>): Felix rewrites its NAT maps on start. Compare again afterwards; if the frontend is still missing, read Felix's log.",
    ],
    reports: ['projectcalico/calico#13279 ("Linux BPF nat map not correct")'],
  },
  'calico-cilium-service-conflict': {
    meaning:
      "Calico networking with Cilium chained, where both Cilium's kube-proxy replacement and Calico's eBPF dataplane are on: two eBPF load balancers claim the same ClusterIP traffic.",
    why: 'Both attach programs that rewrite ClusterIP destinations on the same interfaces; which one sees a packet first depends on attach order, so the two maps (and their health) decide traffic by turns. The seed warns about running Calico networking with Cilium this way.',
    evidence: [
      'calico-cilium-overlap/both-replace-kube-proxy: cilium-config kube-proxy-replacement (full) together with FELIX_BPFENABLED=true, FelixConfiguration bpfEnabled: true or Installation linuxDataplane: BPF',
    ],
    confirm: [
      "kubectl -n kube-system get configmap cilium-config -o jsonpath='{.data.kube-proxy-replacement} {.data.cni-chaining-mode}'",
      "kubectl get felixconfiguration default -o jsonpath='{.spec.bpfEnabled}'",
      'kubectl get daemonsets -A -l k8s-app=calico-node -o yaml | grep -A1 FELIX_BPFENABLED',
    ],
    fix: [
      'Choose one Service datapath. With Cilium chained behind Calico, the usual choice is Calico eBPF off (bpfEnabled: false; kube-proxy or Cilium serves Services) or Cilium kube-proxy replacement off; then roll the DaemonSet you changed. A restart alone changes nothing.',
    ],
    reports: ['the seed (../shared/PLAYBOOK.md, Calico networking with Cilium policy)', 'docs/datapaths.md'],
  },
  'calico-bpf-programs-not-loaded': {
    meaning:
      "On the Calico eBPF dataplane, the node has none of Calico's tc programs loaded: no `cali_tc_preamble` (attached to each interface's tc hooks) and no `calico_tc_*` programs it jumps to.",
    why: 'Calico eBPF translates a ClusterIP to a backend inside its tc programs (felix/bpf-gpl/tc.c, `calico_tc_main` looks the destination up in the NAT map). Without them the NAT map is never consulted: the packet leaves addressed to a ClusterIP no host owns, while pod IPs still route. A restart loads the same programs into the same kernel.',
    evidence: [
      'calico-bpf-programs/no-tc-programs: `bpftool -j prog show` in the calico-node container lists no sched_cls program named cali_tc_preamble (cali_tc_preambl when bpftool prints the 15-character kernel name) or calico_tc_*',
      'Felix log lines at ERROR or worse on the same node, as supporting evidence',
    ],
    confirm: [
      'kubectl -n <ns> exec <calico-node pod> -c calico-node -- bpftool -j prog show',
      'kubectl -n <ns> exec <calico-node pod> -c calico-node -- bpftool net',
      'kubectl -n <ns> logs <calico-node pod> -c calico-node | grep -E "Failed to apply policy to endpoint|failed to load|not supported by the kernel"',
    ],
    fix: [
      'Read Felix\'s log first. "Failed to apply policy to endpoint, leaving it dirty" with a libbpf "failed to load" and a verifier log means the kernel rejects the programs in this calico-node image: run a kernel and Calico version that work together (Calico\'s troubleshoot-ebpf docs ask for an issue with the kernel version). "BPF data plane mode enabled but not supported by the kernel" means Felix fell back: upgrade the kernel or turn eBPF mode off.',
      'Restarting calico-node is not the fix: it loads the same programs into the same kernel.',
    ],
    reports: [
      'Calico docs, "Troubleshoot eBPF mode" (tigera/docs calico/operations/ebpf/troubleshoot-ebpf.mdx: "Debugging calico-node not ready", libbpf "prog \'calico_tc_skb_ipv4_frag\': failed to load")',
      'projectcalico/calico#8897 ("Failed to attach bpf program to pod interface")',
    ],
  },
  'calico-kube-proxy-fight': {
    meaning:
      "Calico's eBPF dataplane is on and kube-proxy still runs, while Felix's bpfKubeProxyIptablesCleanupEnabled is true (its default): Felix removes kube-proxy's iptables rules and kube-proxy writes them again.",
    why: "Calico's tc programs translate ClusterIPs before iptables sees the packet, so the fight does not decide each connection; it keeps both components rewriting the same tables (calico-node's CPU high, Felix's Service updates late), and kube-proxy also holds port 10256 that Felix's BPF proxy wants for its health check. Calico's docs make one of the two changes a requirement.",
    evidence: [
      "calico-kube-proxy-cleanup/fighting: a kube-proxy DaemonSet or Ready kube-proxy pods, Calico eBPF on, and bpfKubeProxyIptablesCleanupEnabled not false (calico-node env FELIX_BPFKUBEPROXYIPTABLESCLEANUPENABLED, else FelixConfiguration default, else Felix's default true from felix/config/config_params.go)",
    ],
    confirm: [
      'kubectl -n kube-system get ds kube-proxy -o wide',
      "kubectl get felixconfiguration default -o jsonpath='{.spec.bpfKubeProxyIptablesCleanupEnabled}'",
      'kubectl -n <ns> logs <calico-node pod> -c calico-node | grep -E "healthz|10256"',
    ],
    fix: [
      'Disable kube-proxy on the Calico eBPF nodes: kubectl patch ds -n kube-system kube-proxy -p \'{"spec":{"template":{"spec":{"nodeSelector":{"non-calico": "true"}}}}}\' (Calico\'s eBPF guide; remove the selector to bring it back).',
      'If kube-proxy must stay (managed by the distribution), set bpfKubeProxyIptablesCleanupEnabled: false: kubectl patch felixconfiguration default --type=merge -p \'{"spec":{"bpfKubeProxyIptablesCleanupEnabled":false}}\'.',
      'A restart changes nothing: both start again with the same configuration.',
    ],
    reports: [
      'Calico docs, "Enable the eBPF dataplane" (if kube-proxy is not disabled you must set BPFKubeProxyIptablesCleanupEnabled to false)',
      'Calico docs, "Troubleshoot eBPF mode", "Debug high CPU usage" (tigera/docs calico/operations/ebpf/troubleshoot-ebpf.mdx)',
      'projectcalico/calico#10748 (calico-node cannot bind the BPF proxy health port 10256 while kube-proxy runs; fixtures/calico/felix-log.v3.30.*)',
    ],
  },
  'conntrack-table-full': {
    meaning:
      "The agent's conntrack maps (cilium_ct4_global for TCP, cilium_ct_any4_global for the rest) are full: sized by bpf-ct-global-tcp-max / bpf-ct-global-any-max (defaults 524288 / 262144) or by bpf-map-dynamic-size-ratio, they hold more connections than the garbage collector can expire.",
    why: 'Every new connection needs a CT entry, and a Service connection also needs one for its translation. When the insert fails the datapath drops the packet with "CT: Map insertion failed" (drop reason 155, pkg/monitor/api/drop.go): ClusterIP connects time out at random while established pod-IP flows keep working. A restart keeps the same map size.',
    evidence: [
      'conntrack-table/full: agent log "Conntrack garbage collector interval recalculated" (pkg/maps/ctmap/ctmap.go, subsys map-ct) with newInterval=10s (the floor, defaults.ConntrackGCMinInterval) and deleteRatio above 0.25 (deleted entries / map size, pkg/maps/ctmap/gc/gc.go)',
      'cilium-config bpf-ct-global-tcp-max, bpf-ct-global-any-max, bpf-map-dynamic-size-ratio when set',
    ],
    confirm: [
      'kubectl -n kube-system logs ds/cilium -c cilium-agent | grep "Conntrack garbage collector interval recalculated"',
      `${AGENT} timeout 10 cilium-dbg monitor --type drop   # look for "CT: Map insertion failed"`,
      `${AGENT} cilium-dbg metrics list | grep -E 'bpf_map_pressure|drop_count_total'`,
      'kubectl -n kube-system get cm cilium-config -o yaml | grep -E "bpf-ct-global|bpf-map-dynamic-size-ratio"',
    ],
    fix: [
      'Raise the conntrack map sizes: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set bpf.ctTcpMax=1048576 --set bpf.ctAnyMax=524288 (or a larger bpf.mapDynamicSizeRatio), then roll the agents: kubectl -n kube-system rollout restart ds/cilium',
      'Find the workload opening connections faster than they expire (a retry storm, a leak); a bigger table only buys time.',
      'A restart alone does not help: the map has the same size and fills again.',
    ],
    reports: ['cilium/cilium#18442', 'cilium/cilium#6280', 'cilium/cilium#24177'],
  },
  'hostns-client-no-socket-lb': {
    meaning:
      'The client runs in the host network namespace (hostNetwork: true, or a process on the node), socket LB is off (bpf-lb-sock false and kube-proxy-replacement not "true") and no kube-proxy runs, so nothing translates its connections to a ClusterIP.',
    why: "Cilium load-balances pod traffic per packet in bpf_lxc, on the pod's own interface, whatever the socket LB settings; host-namespace traffic never passes there. Socket LB (cil_sock4_connect at the cgroup root, once called host-reachable services) or kube-proxy's rules are what translate a ClusterIP for the host namespace. With neither, hostNetwork pods time out on ClusterIPs while ordinary pods work.",
    evidence: [
      'hostns-service-lb/not-translated: the --from client is hostNetwork, cilium-config has socket LB off (bpf-lb-sock, kube-proxy-replacement) and there is no kube-proxy DaemonSet or pod',
      'without --from: the same config and no kube-proxy, reported once for the cluster',
      'kube-proxy-pods/not-deployed, which this cause explains',
    ],
    confirm: [
      'kubectl get pod -n <ns> <pod> -o jsonpath="{.spec.hostNetwork}"',
      'kubectl -n kube-system get cm cilium-config -o yaml | grep -E "kube-proxy-replacement|bpf-lb-sock"',
      'kubectl -n kube-system get ds,pods -l k8s-app=kube-proxy',
      `${AGENT} cilium-dbg status --verbose | grep -A3 "Socket LB"`,
    ],
    fix: [
      'Turn socket LB on: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set socketLB.enabled=true --set socketLB.hostNamespaceOnly=true (host namespace only keeps pods on the per-packet LB and service meshes working), then kubectl -n kube-system rollout restart ds/cilium',
      'Or run kube-proxy again, or use kubeProxyReplacement=true (which turns socket LB on).',
      'A restart alone changes nothing: the configuration stays the same.',
    ],
    reports: ['cilium/cilium#22375', 'cilium/cilium#44324', 'cilium/cilium#42659', 'cilium/cilium#31718'],
  },
  'sidecar-bypassed-by-socket-lb': {
    meaning:
      "The client pod has a service-mesh sidecar (istio-proxy, linkerd-proxy) and Cilium's socket LB runs in every pod's namespace (bpf-lb-sock-hostns-only false), so the pod's connections to a ClusterIP are rewritten to a backend pod IP before the sidecar sees them.",
    why: "Socket LB translates the ClusterIP inside connect() (cil_sock4_connect, bpf/bpf_sock.c). The sidecar's iptables redirect then sees a pod IP, not the Service, so the mesh's per-Service routing, retries, mTLS and authorization for that Service do not apply: traffic to the ClusterIP fails where the backend requires mTLS, or silently skips the mesh. Running socket LB in the host namespace only leaves pod traffic to the per-packet LB after the sidecar.",
    evidence: [
      'mesh-sidecar/bypassed: the --from client lists istio-proxy or linkerd-proxy among its containers or init containers (native sidecars) and cilium-config has socket LB on without bpf-lb-sock-hostns-only=true',
      'kdiag preflight (no client) lists the pods and reports every pod-network pod with a sidecar under the same finding; doctor clusterip NS/SVC looks only with --from',
    ],
    confirm: [
      'kubectl get pod -n <ns> <pod> -o jsonpath="{.spec.initContainers[*].name} {.spec.containers[*].name}"',
      'kubectl -n kube-system get cm cilium-config -o jsonpath="{.data.bpf-lb-sock-hostns-only}"',
      `${AGENT} cilium-dbg status --verbose | grep -A3 "Socket LB"`,
    ],
    fix: [
      'Run socket LB in the host namespace only: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set socketLB.hostNamespaceOnly=true (cilium-config bpf-lb-sock-hostns-only=true), then kubectl -n kube-system rollout restart ds/cilium',
      'A restart alone changes nothing: the configuration stays the same.',
    ],
    reports: [
      'cilium/cilium#16583',
      'cilium/cilium#28304',
      'https://docs.cilium.io/en/stable/network/servicemesh/istio/',
    ],
  },
  'xdp-attach-failed': {
    meaning:
      'bpf-lb-acceleration (helm loadBalancer.acceleration) is native, but the XDP program cil_xdp_entry is not attached on the node while its tc programs are: the NIC driver has no native XDP.',
    why: 'With native, the agent attaches cil_xdp_entry in driver mode to every native device (pkg/datapath/loader/xdp.go); on a device whose driver lacks native XDP the attach fails with \'operation not supported\' and, unlike best-effort, the error is returned (pkg/datapath/loader/base.go reinitializeXDPLocked: "attaching XDP program to interface …"), so the agent\'s datapath re-initialisation fails and is retried every 10 s (pkg/datapath/orchestrator/orchestrator.go "Failed to initialize datapath, retrying later"). Service translation on that node stays whatever was loaded before, and changes are not applied. A restart meets the same driver.',
    evidence: [
      'bpf-programs/xdp-not-attached: bpftool prog show lists the tc programs but no xdp cil_xdp_entry, with bpf-lb-acceleration=native',
      'the agent log: "Failed to initialize datapath, retrying later" with error="attaching XDP program to interface <dev>: …operation not supported"',
    ],
    confirm: [
      'kubectl -n kube-system get cm cilium-config -o jsonpath="{.data.bpf-lb-acceleration}"',
      `${AGENT} bpftool net show`,
      'ethtool -i <device>   # on the node: the driver; see the XDP driver list in the Cilium kube-proxy-free guide',
    ],
    fix: [
      'Let devices without native XDP stay on tc: helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set loadBalancer.acceleration=best-effort (cilium-config bpf-lb-acceleration=best-effort), then kubectl -n kube-system rollout restart ds/cilium.',
      'Or turn XDP acceleration off (loadBalancer.acceleration=disabled), or give the node a NIC whose driver supports native XDP.',
      'A restart alone changes nothing: the driver is the same after it.',
    ],
    reports: [
      'cilium/cilium#22970',
      'cilium/cilium#28666',
      'cilium/cilium#32699',
      'https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/#loadbalancer-nodeport-xdp-acceleration',
    ],
  },
};

export function causeDoc(id: string): CauseDoc | undefined {
  return CAUSE_DOCS[id];
}
