// Fix planning: restart (delete) only the pods on the nodes a restart-fixable cause affects, in batches
// of --max-unavailable; never all agents by label. The cause declares whose pod (`restarts` in
// src/model/causes.ts); the datapath says which pod that is and what it must still be (src/datapath/).
// Everything else is listed as not fixable, with what must change instead.
import { restartsFor, type Datapath } from '../datapath/index.js';
import { causeById } from '../model/causes.js';
import { kubeProxyPodCount } from './fix-kube-proxy.js';
import type { FixPlan, NotFixable, RefusedNode, RestartAction, RootCause } from '../model/diagnosis.js';

export type { FixPlan, NotFixable, RefusedNode, RestartAction } from '../model/diagnosis.js';
import type { Facts } from '../model/facts.js';

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
  opts: {
    maxUnavailable?: number;
    forceMaxUnavailable?: boolean;
    /** The datapath serving Services: it says which pods a restart deletes (src/datapath/). */
    datapath?: Datapath;
  } = {},
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
      // The cause declares whose pod a restart deletes; the datapath says where that pod is.
      const kind = causeById(c.id)?.restarts ?? 'cilium-agent';
      const restarts = restartsFor(kind, opts.datapath);
      const pick = explainer
        ? `${explainer[0]} explains ${c.id} here: a restart cannot fix it`
        : blockedBy.has(node)
          ? `${blockedBy.get(node)} on this node: a restart cannot fix it`
          : (restarts?.pick(node, facts) ?? `no known datapath restarts ${kind} pods`);
      if (typeof pick === 'string') {
        refused.push({ node, pod: restarts?.refusedPod?.(node, facts), cause: c.id, reason: pick });
        continue;
      }
      const argv = kubectlDeletePodArgv(pick.namespace, [pick.name]);
      byNode.set(node, {
        kind: restarts!.action,
        node,
        namespace: pick.namespace,
        pod: pick.name,
        causes: [c.id],
        command: argv.join(' '),
        argv,
        ...(restarts!.workload ? { workload: { daemonSet: pick.target.daemonSet, label: pick.target.label } } : {}),
        target: pick.target,
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
