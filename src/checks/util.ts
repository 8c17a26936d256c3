// Small helpers shared by the checks (not a check itself; not in the registry).
import type { Facts, Gathered } from '../model/facts.js';
import { finding } from '../model/finding.js';
import type { Finding, Remediation } from '../model/check.js';
import { naturalCompare } from '../util/natural-sort.js';

export { capped, finding } from '../model/finding.js';

/** `unknown` for one node whose fact was not gathered: never pass on data not seen. */
export function nodeUnknown(check: string, node: string, what: string, error: string): Finding {
  return finding(check, 'unknown', { status: 'unknown', node, message: `${what} not gathered: ${error}` });
}

/**
 * The nodes a per-node check judges: every node with an agent pod, plus any node a per-node fact was
 * gathered for. Sorted for stable output.
 */
export function agentNodes(facts: Facts, ...maps: Map<string, unknown>[]): string[] {
  const s = new Set<string>();
  if (facts.agents.ok) for (const n of facts.agents.value.keys()) s.add(n);
  for (const m of maps) for (const n of m.keys()) s.add(n);
  return [...s].filter((n) => inScope(facts, n)).sort(naturalCompare);
}

/** Is the node part of this run (all nodes unless --node or --from narrowed it)? */
export function inScope(facts: Facts, node: string): boolean {
  return !facts.nodeScope || facts.nodeScope.includes(node);
}

/** Run `fn` for each node's gathered fact; nodes whose fact is missing or failed get `unknown`. */
export function perNode<T>(
  check: string,
  what: string,
  nodes: string[],
  map: Map<string, Gathered<T>>,
  fn: (node: string, value: T) => Finding[],
): Finding[] {
  const out: Finding[] = [];
  for (const node of nodes) {
    const g = map.get(node);
    if (!g) out.push(nodeUnknown(check, node, what, 'no result for this node'));
    else if (!g.ok) out.push(nodeUnknown(check, node, what, g.error));
    else out.push(...fn(node, g.value));
  }
  return out;
}

/** The Cilium namespace, as the DaemonSet was found (for commands); `kube-system` when not known. */
export function ciliumNamespace(facts: Facts): string {
  return facts.cilium.ok ? facts.cilium.value.namespace : 'kube-system';
}

export function agentPodName(facts: Facts, node: string): string | undefined {
  return facts.agents.ok ? facts.agents.value.get(node)?.name : undefined;
}

/** `kubectl -n NS delete pod A B` for the agents on these nodes (only pods the facts name). */
export function restartRemediation(facts: Facts, nodes: string[], summary: string): Remediation | undefined {
  const pods = nodes.map((n) => agentPodName(facts, n)).filter((p): p is string => !!p);
  if (!pods.length) return undefined;
  return {
    summary,
    commands: [`kubectl -n ${ciliumNamespace(facts)} delete pod ${pods.join(' ')}`],
    autoFixable: true,
  };
}

export function configValue(facts: Facts, key: string): string | undefined {
  return facts.config.ok ? facts.config.value[key] : undefined;
}
