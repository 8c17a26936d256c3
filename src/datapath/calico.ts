// The Calico eBPF datapath (Felix's eBPF dataplane replaces kube-proxy): calico-node pods, and each node's
// NAT map as `calico-node -bpf nat dump` prints it in the calico-node container (parser:
// calico/bpf-nat-dump.ts, format from projectcalico/calico felix/cmd/calico-bpf/commands/nat.go `dumpNice`).
import { calicoBpfPrograms } from '../checks/calico-bpf-programs.js';
import { calicoCiliumOverlap } from '../checks/calico-cilium-overlap.js';
import { calicoKubeProxyCleanup } from '../checks/calico-kube-proxy-cleanup.js';
import { calicoNatMap } from '../checks/calico-nat-map.js';
import { calicoNodePods } from '../checks/calico-node-pods.js';
import type { LbService } from '../cilium/types.js';
import { parseBpftoolProgJson } from '../cilium/formats/bpftool.js';
import { BPFTOOL_ARGV, NAT_DUMP_ARGV, type CalicoNatFact, type CalicoProgramsFact } from '../model/calico.js';
import type { Facts } from '../model/facts.js';
import { parseCalicoNatDump } from './calico/bpf-nat-dump.js';
import { execFailed } from './cilium.js';
import { classifyDatapath } from './detect.js';
import type { AgentCli, Datapath, Detection, RestartPod, Restarts } from './types.js';

/** The container kdiag runs NAT_DUMP_ARGV in (src/model/calico.ts). */
export const CALICO_CONTAINER = 'calico-node';
export { NAT_DUMP_ARGV };

/** Reads one node's NAT map through the calico-node CLI (`agent.run` gets the arguments after the binary). */
export async function readCalicoNat(agent: AgentCli): Promise<CalicoNatFact> {
  const r = await agent.run(NAT_DUMP_ARGV.slice(1));
  if (r.exitCode !== 0) throw execFailed(NAT_DUMP_ARGV.join(' '), r);
  return calicoNatFact(r.stdout);
}

/** The NAT map fact from the dump's text (ParseError on anything unreadable). */
export function calicoNatFact(dump: string): CalicoNatFact {
  const t = parseCalicoNatDump(dump);
  return {
    frontends: t.frontends.map((f) => ({
      ip: f.ip,
      port: f.port,
      protocol: f.protocol,
      id: f.id,
      backends: f.backends.map((b) => `${b.ip}:${b.port}`),
      missing: f.missing.length,
    })),
    warnings: t.warnings.length,
    command: NAT_DUMP_ARGV,
  };
}

export const CALICO_NODE_LABEL = 'k8s-app=calico-node';

/** The node's calico-node pod (Calico eBPF's Felix rewrites its NAT maps on start), owned by a DaemonSet. */
export const calicoNodeRestarts: Restarts = {
  kind: 'calico-node',
  action: 'restart-agent',
  workload: true,
  pick(node: string, facts: Facts): RestartPod | string {
    if (!facts.calicoNodes?.ok)
      return `calico-node pods not known (${facts.calicoNodes && !facts.calicoNodes.ok ? facts.calicoNodes.error : 'not gathered'})`;
    const pods = facts.calicoNodes.value.filter((p) => p.node === node);
    const pod = pods.find((p) => !p.deleting) ?? pods[0];
    if (!pod) return 'no calico-node pod on this node (check the DaemonSet scheduling, tolerations and node taints)';
    if (pod.deleting) return `pod ${pod.namespace}/${pod.name} is already being deleted`;
    if (!pod.ownerDaemonSet) return `pod ${pod.namespace}/${pod.name} is not owned by a DaemonSet`;
    return {
      namespace: pod.namespace,
      name: pod.name,
      target: {
        namespace: pod.namespace,
        daemonSet: pod.ownerDaemonSet,
        label: CALICO_NODE_LABEL,
        container: CALICO_CONTAINER,
      },
    };
  },
};

/**
 * `bpftool -j prog show` in the calico-node container: the calico-node image ships bpftool as /bin/bpftool
 * (projectcalico/calico node/Dockerfile, `COPY --from=bpftool /bpftool /bin/bpftool`; Calico's
 * troubleshoot-ebpf docs run `kubectl exec … calico-node-… -- bpftool prog tracelog`).
 */
export { BPFTOOL_ARGV };

/** Reads one node's loaded eBPF programs; output bpftool cannot have printed is an error, never "none". */
export async function readCalicoPrograms(
  run: (argv: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>,
): Promise<CalicoProgramsFact> {
  const r = await run(BPFTOOL_ARGV);
  if (r.exitCode !== 0) throw execFailed(BPFTOOL_ARGV.join(' '), r);
  return { programs: parseBpftoolProgJson(r.stdout), command: BPFTOOL_ARGV };
}

export const calicoDatapath: Datapath = {
  id: 'calico-ebpf',
  title: 'Calico eBPF',
  detect(facts: Facts): Detection {
    const d = classifyDatapath(facts);
    return { present: d.services === 'calico', evidence: d.evidence };
  },
  checks: [calicoNodePods, calicoNatMap, calicoCiliumOverlap, calicoBpfPrograms, calicoKubeProxyCleanup],
  async readLbMap(agent: AgentCli, keep?: (s: LbService) => boolean): Promise<LbService[]> {
    const rows = natRows(await readCalicoNat(agent));
    return keep ? rows.filter(keep) : rows;
  },
  restarts: [calicoNodeRestarts],
};

/**
 * The NAT map as LB rows for the shared join (src/cilium/lb-drift.ts). The dump does not say which
 * frontends are ClusterIPs; `type` is what the address tells (255.255.255.255 is Calico's NodePort wildcard).
 */
export function natRows(nat: CalicoNatFact): LbService[] {
  return nat.frontends.map((f) => ({
    id: f.id,
    frontend: { ip: f.ip, port: f.port, protocol: f.protocol },
    type: f.ip === '255.255.255.255' ? 'NodePort' : 'unknown',
    backends: f.backends.map((b) => {
      const i = b.lastIndexOf(':');
      return { ip: b.slice(0, i), port: Number(b.slice(i + 1)), protocol: f.protocol, state: 'active' as const };
    }),
  }));
}
