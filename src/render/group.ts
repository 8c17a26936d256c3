// Grouping for output that stays readable at 1,000 nodes: the same finding with the same evidence on many
// nodes prints once, with its node list. Only the human views group; -o json keeps every finding.
import type { Evidence, Finding } from '../model/check.js';
import { naturalCompare } from '../util/natural-sort.js';

/** `node-2, node-4 … and 37 more`, in natural order; `max` names before the tail. */
export function nodeList(nodes: string[], max = 6): string {
  if (nodes.length === 0) return 'cluster-wide';
  const sorted = [...nodes].sort(naturalCompare);
  return sorted.length <= max
    ? sorted.join(', ')
    : `${sorted.slice(0, max).join(', ')} … and ${sorted.length - max} more`;
}

export interface FindingGroup {
  /** The first finding (natural node order): its message and evidence are shown for all. */
  first: Finding;
  findings: Finding[];
  /** The nodes the group holds, natural order; empty for findings without a node. */
  nodes: string[];
}

/** A node's own name and agent pod stand in for any other node's, so identical evidence compares equal. */
function blind(text: string, f: Finding, pods: string[]): string {
  let out = text;
  if (f.node) out = out.split(f.node).join('\u0000node');
  for (const p of pods) out = out.split(p).join('\u0000pod');
  return out;
}

function keyOf(f: Finding): string {
  const pods = [...new Set(f.evidence.map((e) => e.pod).filter((p): p is string => !!p))];
  // `command` is derived from source and node (the engine's), so it is left out of the comparison
  const ev = (e: Evidence) => [e.source, e.excerpt].map((s) => blind(s, f, pods)).join('\u0001');
  return [f.id, f.status, f.cause ?? '', blind(f.message, f, pods), ...f.evidence.map(ev)].join('\u0002');
}

/** Per-node findings with the same id, status, message and evidence (node and pod names aside) merge. */
export function groupFindings(findings: Finding[]): FindingGroup[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = f.node ? keyOf(f) : `\u0003${groups.size}`;
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  return [...groups.values()].map((fs) => {
    const sorted = [...fs].sort((a, b) => naturalCompare(a.node ?? '', b.node ?? ''));
    return { first: sorted[0]!, findings: fs, nodes: sorted.map((f) => f.node).filter((n): n is string => !!n) };
  });
}
