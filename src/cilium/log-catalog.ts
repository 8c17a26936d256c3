// Known Cilium agent errors as data: what a log line means, which root cause it points to, what to do.
// Every example is a real line: from /work/shared/fixtures/cilium (named) or a message string in Cilium's
// source (file cited). Entries are tried in order; specific ones come before generic start failures.

import type { CatalogMatch, LogRecord } from './types.js';

export interface CatalogEntry {
  id: string;
  cause: string;
  pattern: RegExp;
  explanation: string;
  fix: string;
  examples: string[];
}

export const LOG_CATALOG: CatalogEntry[] = [
  {
    id: 'bpf-map-permission',
    cause: 'missing-capabilities',
    pattern: /(Unable to create map|map create|creating map)[^|]*operation not permitted/i,
    explanation:
      'The agent may not create BPF maps (EPERM): the container lacks CAP_SYS_ADMIN/CAP_BPF (or runs unprivileged), or a seccomp/LSM policy blocks bpf().',
    fix: 'Run the cilium-agent container with the capabilities of the official chart (securityContext.capabilities incl. SYS_ADMIN, NET_ADMIN, BPF, PERFMON, SYS_RESOURCE) or privileged: true; check PodSecurity/seccomp admission.',
    examples: [
      // agent-log.unknown-v1.9.bpf-map-operation-not-permitted.txt
      'level=error msg="Error while opening/creating BPF maps" error="Unable to create map /sys/fs/bpf/tc/globals/cilium_lxc: operation not permitted" subsys=daemon',
      'level=fatal msg="Error while creating daemon" error="Unable to create map /sys/fs/bpf/tc/globals/cilium_lxc: operation not permitted" subsys=daemon',
      // agent-log.v1.6-dev.bpf-map-operation-not-permitted.txt
      '2019-09-04T14:11:47.28178666Z level=fatal msg="Error while creating daemon" error="Unable to create map /run/cilium/bpffs/tc/globals/cilium_lxc: operation not permitted" subsys=daemon',
    ],
  },
  {
    id: 'bpf-map-enomem',
    cause: 'bpf-map-memory',
    pattern: /(Unable to create map|map create|creating map)[^|]*cannot allocate memory/i,
    explanation:
      'Creating a BPF map failed with ENOMEM: on kernels < 5.11 maps are charged to RLIMIT_MEMLOCK, and large or dynamically sized maps (bpf-map-dynamic-size-ratio, bpf-ct-global-*-max) can exceed what the node allows.',
    fix: 'Lower the map sizes (bpf-map-dynamic-size-ratio, bpf-ct-global-tcp-max/any-max) or raise the memlock limit (the agent sets it when it has CAP_SYS_RESOURCE); upgrade to a kernel >= 5.11 (memcg accounting).',
    examples: [
      // agent-log.v1.14.conntrack-map-enomem.fatal.txt
      'level=fatal msg="failed to start: daemon creation failed: error while opening/creating BPF maps: initializing conntrack map cilium_ct_any4_global: creating map: map create: cannot allocate memory (without BTF k/v); failed to stop: unable to find controller ipcache-inject-labels" subsys=daemon',
    ],
  },
  {
    id: 'api-server-unreachable',
    cause: 'api-server-unreachable',
    pattern: /Unable to contact k8s api-server/,
    explanation:
      'The agent cannot reach the API server at the address it was given (k8s-service-host/port); without kube-proxy the kubernetes Service ClusterIP is not translated before the agent runs.',
    fix: 'Set helm k8sServiceHost/k8sServicePort to the real API server endpoint and roll the agents.',
    examples: [
      // pkg/k8s/client (Error "Unable to contact k8s api-server" with ipAddr); Documentation/installation troubleshooting quotes it
      'time="2024-07-28T15:08:08Z" level=error msg="Unable to contact k8s api-server" error="Get \\"https://10.96.0.1:443/api/v1/namespaces/kube-system\\": dial tcp 10.96.0.1:443: i/o timeout" ipAddr="https://10.96.0.1:443" subsys=k8s-client',
    ],
  },
  {
    id: 'lb-map-full',
    cause: 'lb-map-full',
    pattern: /the map is full, please consider resizing it/,
    explanation:
      'A BPF map is at its size (E2BIG); for the load-balancer maps (cilium_lb4_*) the Services the agent could not insert have no ClusterIP translation on the node.',
    fix: 'Raise bpf-lb-map-max (helm bpf.lbMapMax, default 65536) and roll the agents; a restart alone refills the map to the same limit.',
    examples: [
      // pkg/bpf/bpf_linux.go (UpdateElementFromPointers, E2BIG) logged by pkg/k8s/watchers/service.go; Documentation/operations/upgrade.rst quotes the backend-map case
      'level=error msg="Error while inserting service in LB map" error="Unable to update element for cilium_lb4_backends_v2 map with file descriptor 15: the map is full, please consider resizing it. argument list too long" subsys=k8s-watcher',
    ],
  },
  {
    id: 'tc-clsact-unsupported',
    cause: 'kernel-too-old',
    pattern:
      /RTNETLINK answers: Operation not supported|Require support for the clsact qdisc|Require support for tcx links/,
    explanation:
      'The kernel cannot attach tc BPF programs: the clsact qdisc / cls_bpf (CONFIG_NET_CLS_ACT, CONFIG_NET_SCH_INGRESS, CONFIG_NET_CLS_BPF) are missing, e.g. on minimal cloud kernels (linux-*-virtual without extra modules).',
    fix: 'Install the full kernel modules package (e.g. linux-modules-extra-$(uname -r)) or a kernel built with CONFIG_NET_CLS_ACT=y, CONFIG_NET_SCH_INGRESS=y, CONFIG_NET_CLS_BPF=y, then restart the agent.',
    examples: [
      // agent-log.unknown-pre1.14.tc-clsact-not-supported.fatal.txt
      'level=warning msg="RTNETLINK answers: Operation not supported" subsys=datapath-loader',
      // pkg/datapath/linux/requirements.go (CheckRequirements)
      'Require support for the clsact qdisc (CONFIG_NET_CLS_ACT=y), ingress classes (CONFIG_NET_SCH_INGRESS=y) and the bpf filter (CONFIG_NET_CLS_BPF=y)',
    ],
  },
  {
    id: 'kernel-feature-missing',
    cause: 'kernel-too-old',
    pattern:
      /Require support for [^|]*\((?:Linux [\d.]+ or newer|CONFIG_[A-Z0-9_]+=y)|needs kernel [\d.]+(?:[^|]*) or newer|requires kernel|Please enable kernel configuration item CONFIG_/i,
    explanation:
      'A start-up probe found a kernel feature missing (pkg/datapath/linux/requirements.go). Note: 1.18.8 also reports "dead code elimination" on new kernels when bpf_jit_harden/kptr_restrict hide the probe result (cilium/cilium#44967), so compare with `uname -r` before upgrading the kernel.',
    fix: 'Run a kernel that meets the requirement named in the message (Cilium 1.18 needs >= 5.10), or disable the feature that needs it; for the 1.18.8 false positive, upgrade Cilium or relax net.core.bpf_jit_harden.',
    examples: [
      // agent-log.v1.18.8.slog.dead-code-elimination.txt
      'time=2026-03-23T22:11:06.657919407Z level=error msg="Start hook failed" function="datapath.initDatapath.func1 (pkg/datapath/cells.go:181) (agent.datapath)" error="requirements failed: Require support for dead code elimination (Linux 5.1 or newer)"',
      'time=2026-03-23T22:11:06.657933584Z level=error msg="Failed to start hive" error="requirements failed: Require support for dead code elimination (Linux 5.1 or newer)" duration=1.032422414s',
      // daemon/cmd/kube_proxy_replacement.go (probeKubeProxyReplacementOptions)
      'BPF NodePort services needs kernel 4.17.0 or newer',
      'BPF host-reachable services for UDP needs kernel 4.19.57, 5.1.16, 5.2.0 or newer',
      // pkg/datapath/linux/requirements.go
      'Policy routing:NOT OK. Please enable kernel configuration item CONFIG_IP_MULTIPLE_TABLES',
    ],
  },
  {
    id: 'endpoint-map-bad-address',
    cause: 'kernel-too-old',
    pattern: /unable to read BPF endpoint list[^|]*bad address/i,
    explanation:
      'Iterating the endpoint map failed with EFAULT: seen on 4.9 kernels, whose bpf() lacks what current Cilium expects (cilium/cilium#17431).',
    fix: 'Upgrade the node kernel to a version supported by this Cilium release (>= 4.19; >= 5.10 for 1.18).',
    examples: [
      // agent-log.v1.10-dev.kernel-4.9.endpoint-map.fatal.txt
      'level=fatal msg="Error while creating daemon" error="unable to read BPF endpoint list: Unable to get next key from map with file descriptor 10: bad address" subsys=daemon',
    ],
  },
  {
    id: 'bpffs-not-mounted',
    cause: 'bpffs-not-mounted',
    pattern:
      /BPF filesystem is not mounted|Unable to mount BPF filesystem|BPF filesystem is going to be mounted automatically|has a different filesystem than BPFFS|Could not find BPF map root/,
    explanation:
      'The BPF filesystem is not mounted on the host at /sys/fs/bpf; the agent mounts its own, which disappears with the pod, so BPF maps and programs do not survive agent restarts (pkg/bpf/bpffs_linux.go).',
    fix: "Mount bpffs on every node (`mount bpffs /sys/fs/bpf -t bpf`, or a systemd sys-fs-bpf.mount unit) and restart the agent; keep the chart's mount-bpf-fs init container enabled.",
    examples: [
      // pkg/bpf/bpffs_linux.go (mountFS, checkOrMountDefaultLocations, CheckOrMountFS)
      'BPF filesystem is not mounted. This will lead to network disruption when Cilium pods',
      'BPF filesystem is going to be mounted automatically in /run/cilium/bpffs. However, it probably means that Cilium is running inside container and BPFFS is not mounted on the host. for more information, see: https://cilium.link/err-bpf-mount',
      'Unable to mount BPF filesystem',
    ],
  },
  {
    id: 'kpr-invalid-value',
    cause: 'invalid-config',
    pattern: /Invalid value for --kube-proxy-replacement/,
    explanation:
      'kube-proxy-replacement has a value this version rejects (1.15+ accepts only true/false; 1.14 also strict/partial/disabled; <=1.13 strict/partial/probe/disabled).',
    fix: 'Set kubeProxyReplacement to "true" or "false" (1.15+) in the Helm values / cilium-config and restart the agents.',
    examples: [
      // daemon/cmd/kube_proxy_replacement.go: fmt.Errorf("Invalid value for --%s: %s", option.KubeProxyReplacement, …)
      'Invalid value for --kube-proxy-replacement: probe',
    ],
  },
  {
    id: 'kpr-deprecated-value',
    cause: 'invalid-config',
    pattern: /Deprecated value for --kube-proxy-replacement/,
    explanation:
      'Cilium 1.14 still accepts strict/partial/disabled but warns; 1.15 rejects them, so an upgrade with this value leaves the agent crash-looping.',
    fix: 'Replace strict with "true", and partial/disabled with "false" plus the individual feature flags, before upgrading to 1.15.',
    examples: [
      // agent-log.v1.14.conntrack-map-enomem.fatal.txt
      'level=warning msg="Deprecated value for --kube-proxy-replacement: strict (use either \\"true\\", or \\"false\\")" subsys=daemon',
    ],
  },
  {
    id: 'invalid-daemon-config',
    cause: 'invalid-config',
    pattern: /invalid daemon configuration/i,
    explanation:
      'The agent refused its configuration at start-up (option validation in pkg/option/config.go); it exits and restarts forever.',
    fix: 'Fix the option named in the message in the Helm values / cilium-config ConfigMap and restart the agents.',
    examples: [
      // agent-log.v1.15.invalid-config.native-routing-cidr.fatal.txt
      'time="2024-06-10T14:23:43Z" level=fatal msg="invalid daemon configuration: native routing cidr must be configured with option --ipv6-native-routing-cidr in combination with --enable-ipv6=true --enable-ipv6-masquerade=true --enable-ip-masq-agent=false --routing-mode=native" subsys=daemon',
    ],
  },
  {
    id: 'bpf-program-load-failed',
    cause: 'bpf-programs-not-loaded',
    pattern: /Error while reloading endpoint BPF program|Failed to compile \S+|failed while reinitializing datapath/,
    explanation:
      "Compiling or attaching Cilium's BPF programs failed, so endpoints or host devices run without (or with stale) datapath programs and Service traffic is not load-balanced.",
    fix: 'Read the preceding datapath-loader/verifier lines for the failing program; check kernel version and tc/cgroup support on the node; restart the agent after fixing.',
    examples: [
      // agent-log.unknown-pre1.14.tc-clsact-not-supported.fatal.txt
      'level=fatal msg="Error while creating daemon" error="error while initializing daemon: failed while reinitializing datapath: exit status 1" subsys=daemon',
      // pkg/endpoint/bpf.go (regenerateBPF)
      'Error while reloading endpoint BPF program',
      // pkg/datapath/loader/compile.go (compileAndLink): fmt.Errorf("Failed to compile %s: %s", prog.Output, err)
      'Failed to compile bpf_lxc.o: exit status 1',
    ],
  },
  {
    id: 'agent-start-failed',
    cause: 'agent-not-ready',
    pattern:
      /Start hook failed|Failed to start hive|failed to start: daemon creation failed|Error while creating daemon|Start or stop failed to finish on time/,
    explanation:
      "The agent did not finish starting (a hive start hook or daemon initialisation failed); it is not ready and the node's Service datapath is not (re)programmed.",
    fix: 'Look at the error= of this line and the lines before it; `kubectl -n kube-system logs <cilium pod> --previous` shows the crash of the last run.',
    examples: [
      // agent-log.v1.18.8.slog.dead-code-elimination.txt (hive panic after failed start)
      'panic: Start or stop failed to finish on time, aborting forcefully.',
    ],
  },
];

export const CATALOG_IDS: readonly string[] = LOG_CATALOG.map((e) => e.id);

/** Text a pattern is matched against: message plus the error-ish fields. */
function haystack(rec: LogRecord): string {
  const parts = [rec.msg];
  for (const k of ['error', 'err', 'reason']) if (rec.fields[k] !== undefined) parts.push(rec.fields[k]!);
  return parts.join(' | ');
}

export function classify(rec: LogRecord): CatalogMatch | undefined {
  const text = haystack(rec);
  const e = LOG_CATALOG.find((c) => c.pattern.test(text));
  return e ? { id: e.id, cause: e.cause, explanation: e.explanation, fix: e.fix } : undefined;
}

/**
 * A fatal or panic line no entry knows (a verifier error on a new kernel, a message of a newer release):
 * shown by `logs --errors` as unrecognised, never dropped. Not a root cause of its own.
 */
export const UNRECOGNISED_FATAL: CatalogMatch = {
  id: 'unrecognised-error',
  cause: 'unrecognised',
  explanation: 'The agent stopped on an error kdiag does not recognise; read the line itself and the lines before it.',
  fix: 'Look the message up in the Cilium release notes and issues for this version (cilium/cilium); `kdiag logs --previous` shows the crashed container.',
};

/** The catalog entry of a line, or UNRECOGNISED_FATAL for a fatal/panic line the catalog does not know. */
export function classifyOrUnrecognised(rec: LogRecord): CatalogMatch | undefined {
  return classify(rec) ?? (rec.level === 'fatal' || rec.level === 'panic' ? UNRECOGNISED_FATAL : undefined);
}
