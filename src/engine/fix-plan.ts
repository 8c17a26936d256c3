// Fix planning: restart (delete) only the Cilium agent pods on the nodes a restart-fixable cause affects,
// in batches of --max-unavailable; never all agents by label. Everything else is listed as not fixable,
// with what must change instead.
import { causeById } from '../model/causes.js';
import { kubeProxyPodCount, kubeProxyTarget } from './fix-kube-proxy.js';
import type { FixPlan, NotFixable, RefusedNode, RestartAction, RootCause } from '../model/diagnosis.js';

export type { FixPlan, NotFixable, RefusedNode, RestartAction } from '../model/diagnosis.js';
import type { CalicoNodePodFact } from '../model/calico.js';
import type { AgentPodFact, CiliumInstallFact, Facts } from '../model/facts.js';

export const kubectlDeletePodArgv = (namespace: string, pods: string[]): string[] => [
  'kubectl',
  '-n',
  namespace,
  'delete',
  'pod',
  ...pods,
];

/** At most this share of the nodes loses its agent at once, whatever the DaemonSet allows. */
export const MAX_UNAVAILABLE_FRACTION = 0.25;

/**
 * The batch cap: the DaemonSet's own maxUnavailable (default 1) and a quarter of the nodes (at least 1).
 * `force` (--force-max-unavailable) takes the request as given.
 */
export function batchSize(
  requested: number | undefined,
  facts: Pick<Facts, 'cilium' | 'nodes'>,
  force = false,
): { size: number; capped?: string } {
  const want = Math.max(1, Math.floor(requested ?? 1));
  if (force) return { size: want };
  const ds = facts.cilium.ok ? (facts.cilium.value.maxUnavailable ?? 1) : 1;
  const nodes = facts.nodes.ok ? facts.nodes.value.length : 0;
  const share = Math.max(1, Math.floor(nodes * MAX_UNAVAILABLE_FRACTION));
  const cap = Math.min(ds, share);
  if (want <= cap) return { size: want };
  const why =
    ds <= share ? `the DaemonSet's own maxUnavailable is ${ds}` : `${share} is a quarter of the ${nodes} nodes`;
  return {
    size: cap,
    capped: `--max-unavailable ${want} capped at ${cap} (${why}); --force-max-unavailable takes it as given`,
  };
}

export function planFixes(
  causes: RootCause[],
  facts: Facts,
  opts: { maxUnavailable?: number; forceMaxUnavailable?: boolean } = {},
): FixPlan {
  const { size: maxUnavailable, capped } = batchSize(opts.maxUnavailable, facts, opts.forceMaxUnavailable);
  const refused: RefusedNode[] = [];
  const notFixable: NotFixable[] = [];
  const byNode = new Map<string, RestartAction>();

  // Nodes where a cause a restart cannot fix is present: restarting there would not help.
  const blockedBy = new Map<string, string>();
  const notRestartable = new Set(causes.filter((c) => !c.fixableByRestart).map((c) => c.id));
  for (const c of causes) {
    if (c.fixableByRestart) continue;
    if (c.confidence === 'low') continue;
    notFixable.push({
      cause: c.id,
      title: c.title,
      nodes: c.nodes,
      whatToChange: c.whatToChange ?? causeById(c.id)?.whatToChange ?? 'see the finding evidence',
      ...(c.commands?.length ? { commands: c.commands } : {}),
    });
    if (c.id === 'no-ready-endpoints') continue; // a Service's pods, not a node's datapath
    for (const n of c.nodes) if (!blockedBy.has(n)) blockedBy.set(n, c.id);
  }

  const install = facts.cilium.ok ? facts.cilium.value : undefined;
  const agents = facts.agents.ok ? facts.agents.value : undefined;

  for (const c of causes) {
    if (!c.fixableByRestart) continue;
    if (c.nodes.length === 0) {
      refused.push({ node: '-', cause: c.id, reason: 'no affected node is named; kdiag will not restart every agent' });
      continue;
    }
    for (const node of c.nodes) {
      const existing = byNode.get(node);
      if (existing) {
        if (!existing.causes.includes(c.id)) existing.causes.push(c.id);
        continue;
      }
      // A cluster-wide cause a restart cannot fix (e.g. DaemonSet capabilities) that explains this one.
      const explainer = Object.entries(c.explainedBy ?? {}).find(
        ([id, ns]) => notRestartable.has(id) && ns.includes(node),
      );
      const restarts = causeById(c.id)?.restarts;
      const kubeProxy = restarts === 'kube-proxy';
      const calico = restarts === 'calico-node';
      const reason = explainer
        ? `${explainer[0]} explains ${c.id} here: a restart cannot fix it`
        : kubeProxy
          ? blockedBy.has(node)
            ? `${blockedBy.get(node)} on this node: a restart cannot fix it`
            : kubeProxyTarget(node, facts)
          : calico
            ? refuseCalico(node, blockedBy, facts)
            : refuse(node, blockedBy, facts, install, agents);
      if (typeof reason === 'string') {
        refused.push({ node, pod: kubeProxy || calico ? undefined : agents?.get(node)?.name, cause: c.id, reason });
        continue;
      }
      const pod = reason;
      const argv = kubectlDeletePodArgv(pod.namespace, [pod.name]);
      byNode.set(node, {
        kind: kubeProxy ? 'restart-kube-proxy' : 'restart-agent',
        node,
        namespace: pod.namespace,
        pod: pod.name,
        causes: [c.id],
        command: argv.join(' '),
        argv,
        ...(calico
          ? { workload: { daemonSet: (pod as CalicoNodePodFact).ownerDaemonSet ?? '', label: CALICO_NODE_LABEL } }
          : {}),
      });
    }
  }

  // Every agent at once is a cluster-wide restart: the same fault everywhere points at a cluster-wide
  // cause, and restarting all agents cuts every node's datapath. Only when the user named the nodes
  // (from three agents: with two, restarting both is restarting each node that differs).
  const calicoPods = facts.calicoNodes?.ok ? new Set(facts.calicoNodes.value.map((p) => p.node)).size : 0;
  const fleet = Math.max(agents?.size ?? 0, calicoPods);
  if (!facts.nodeScope && fleet >= 3 && byNode.size >= fleet) {
    for (const a of byNode.values())
      refused.push({
        node: a.node,
        pod: a.pod,
        cause: a.causes[0]!,
        reason: 'every agent would be restarted: kdiag will not restart the whole cluster; name the nodes with --node',
      });
    byNode.clear();
  }
  // The same for kube-proxy: every kube-proxy pod at once is a cluster-wide restart.
  const kpActions = [...byNode.values()].filter((a) => a.kind === 'restart-kube-proxy');
  if (!facts.nodeScope && kpActions.length >= 3 && kpActions.length >= kubeProxyPodCount(facts)) {
    for (const a of kpActions) {
      refused.push({
        node: a.node,
        pod: a.pod,
        cause: a.causes[0]!,
        reason:
          'every kube-proxy pod would be restarted: kdiag will not restart the whole cluster; name the nodes with --node',
      });
      byNode.delete(a.node);
    }
  }
  const actions = [...byNode.values()];
  const batches: RestartAction[][] = [];
  for (let i = 0; i < actions.length; i += maxUnavailable) batches.push(actions.slice(i, i + maxUnavailable));
  const commands = batches.map((b) =>
    kubectlDeletePodArgv(
      b[0].namespace,
      b.map((a) => a.pod),
    ).join(' '),
  );
  return { actions, batches, commands, refused, notFixable, maxUnavailable, ...(capped ? { capped } : {}) };
}

/** The agent pod to delete on `node`, or why not. */
function refuse(
  node: string,
  blockedBy: Map<string, string>,
  facts: Facts,
  install: CiliumInstallFact | undefined,
  agents: Map<string, AgentPodFact> | undefined,
): string | AgentPodFact {
  const blocker = blockedBy.get(node);
  if (blocker) return `${blocker} on this node: a restart cannot fix it`;
  if (!install)
    return `Cilium installation not known (${facts.cilium.ok ? '' : facts.cilium.error}): cannot verify pod ownership`;
  if (!agents) return `agent pods not known (${facts.agents.ok ? '' : facts.agents.error})`;
  const pod = agents.get(node);
  if (!pod) return 'no agent pod on this node (check the DaemonSet scheduling, tolerations and node taints)';
  if (pod.namespace !== install.namespace)
    return `pod ${pod.namespace}/${pod.name} is not in the Cilium namespace ${install.namespace}`;
  if (pod.ownerDaemonSet !== install.daemonSet)
    return `pod ${pod.namespace}/${pod.name} is not owned by DaemonSet ${install.namespace}/${install.daemonSet}`;
  if (pod.deleting) return `pod ${pod.namespace}/${pod.name} is already being deleted`;
  const fs = facts.bpffs.get(node);
  if (!fs || !fs.ok)
    return `bpffs state unknown (${fs && !fs.ok ? fs.error : 'not gathered'}): a restart could drop pinned maps`;
  if (!fs.value.mounted)
    return "bpffs is not mounted at /sys/fs/bpf: a restart would drop the BPF maps and cut this node's datapath";
  return pod;
}

export const CALICO_NODE_LABEL = 'k8s-app=calico-node';

/** The calico-node pod to delete on `node` (Calico eBPF's Felix rewrites its NAT maps on start), or why not. */
function refuseCalico(node: string, blockedBy: Map<string, string>, facts: Facts): string | CalicoNodePodFact {
  const blocker = blockedBy.get(node);
  if (blocker) return `${blocker} on this node: a restart cannot fix it`;
  if (!facts.calicoNodes?.ok)
    return `calico-node pods not known (${facts.calicoNodes && !facts.calicoNodes.ok ? facts.calicoNodes.error : 'not gathered'})`;
  const pods = facts.calicoNodes.value.filter((p) => p.node === node);
  const pod = pods.find((p) => !p.deleting) ?? pods[0];
  if (!pod) return 'no calico-node pod on this node (check the DaemonSet scheduling, tolerations and node taints)';
  if (pod.deleting) return `pod ${pod.namespace}/${pod.name} is already being deleted`;
  if (!pod.ownerDaemonSet) return `pod ${pod.namespace}/${pod.name} is not owned by a DaemonSet`;
  return pod;
}
