// Root-cause ranking: group warn/fail findings by their cause, most specific explanation first.
// A cause another cause on the same node explains (missing programs under an old kernel) is kept, but
// ranked after it with low confidence: fixing it alone would not help.
import { causeById, type CauseDef } from '../model/causes.js';
import type { Evidence, Finding } from '../model/check.js';
import type { Confidence, RootCause } from '../model/diagnosis.js';
import { naturalCompare } from '../util/natural-sort.js';

export type { Confidence, RootCause } from '../model/diagnosis.js';

const MAX_EVIDENCE = 20;
const MAX_COMMANDS = 6;

function defOf(id: string): CauseDef {
  // A cause id from the log catalog that the catalogue does not know: rank it low, never restart for it.
  return causeById(id) ?? { id, title: id, fixableByRestart: false, specificity: 20 };
}

interface Group {
  def: CauseDef;
  /** What the supporting findings rest on. */
  basis: Set<'live' | 'log'>;
  nodes: Set<string>;
  clusterWide: boolean;
  fail: boolean;
  findings: Set<string>;
  evidence: Evidence[];
  commands: Set<string>;
}

export function rankRootCauses(findings: Finding[]): RootCause[] {
  const groups = new Map<string, Group>();
  // Current state outranks a log line: causes a live observation rules out on its node.
  const cleared = new Set<string>();
  for (const f of findings)
    if (f.node && f.status === 'pass') for (const c of f.clears ?? []) cleared.add(`${f.node}/${c}`);
  for (const f of findings) {
    if (!f.cause || (f.status !== 'warn' && f.status !== 'fail')) continue;
    if (f.basis === 'log' && f.node && cleared.has(`${f.node}/${f.cause}`)) continue;
    let g = groups.get(f.cause);
    if (!g) {
      g = {
        def: defOf(f.cause),
        basis: new Set(),
        nodes: new Set(),
        clusterWide: false,
        fail: false,
        findings: new Set(),
        evidence: [],
        commands: new Set(),
      };
      groups.set(f.cause, g);
    }
    g.basis.add(f.basis ?? 'live');
    if (f.node) g.nodes.add(f.node);
    else g.clusterWide = true;
    if (f.status === 'fail') g.fail = true;
    g.findings.add(f.id);
    for (const e of f.evidence) if (g.evidence.length < MAX_EVIDENCE) g.evidence.push(e);
    for (const c of f.remediation?.commands ?? []) if (g.commands.size < MAX_COMMANDS) g.commands.add(c);
  }

  // The nodes this run judged (every finding that names one, passes included): a cause present on all of them
  // explains a cluster-wide cause it explains (a full LB map on every agent explains every agent's drift).
  const seen = new Set(findings.flatMap((f) => (f.node ? [f.node] : [])));
  const everywhere = (o: Group) => o.nodes.size > 0 && [...seen].every((n) => o.nodes.has(n));

  const ranked = [...groups.values()].map((g) => {
    // Which of this cause's nodes does a more specific present cause explain?
    const explainedBy: Record<string, string[]> = {};
    let explainedNodes = new Set<string>();
    let explainedClusterWide = false;
    for (const other of groups.values()) {
      if (other === g || !other.def.explains?.includes(g.def.id)) continue;
      const hit = other.clusterWide ? [...g.nodes] : [...g.nodes].filter((n) => other.nodes.has(n));
      if (g.clusterWide && (other.clusterWide || everywhere(other))) explainedClusterWide = true;
      if (hit.length) {
        explainedBy[other.def.id] = hit.sort(naturalCompare);
        explainedNodes = new Set([...explainedNodes, ...hit]);
      }
    }
    const fullyExplained =
      (g.nodes.size > 0 && explainedNodes.size === g.nodes.size && !g.clusterWide) ||
      (g.nodes.size === 0 && explainedClusterWide);
    const logOnly = !g.basis.has('live');
    const confidence: Confidence = fullyExplained ? 'low' : g.fail && explainedNodes.size === 0 ? 'high' : 'medium';
    const rc: RootCause = {
      id: g.def.id,
      title: g.def.title,
      nodes: [...g.nodes].sort(naturalCompare),
      confidence,
      basis: logOnly ? 'log' : g.basis.has('log') ? 'live+log' : 'live',
      fixableByRestart: g.def.fixableByRestart,
      findings: [...g.findings],
      evidence: g.evidence,
    };
    if (g.def.whatToChange) rc.whatToChange = g.def.whatToChange;
    // Only what the catalogue's text does not already say: a finding's command filled in from this cluster.
    const commands = [...g.commands].filter((c) => !g.def.whatToChange?.includes(c));
    if (!g.def.fixableByRestart && commands.length) rc.commands = commands;
    if (Object.keys(explainedBy).length) rc.explainedBy = explainedBy;
    return { rc, fullyExplained, def: g.def, fail: g.fail };
  });

  ranked.sort(
    (a, b) =>
      Number(a.fullyExplained) - Number(b.fullyExplained) ||
      b.def.specificity - a.def.specificity ||
      Number(b.fail) - Number(a.fail) ||
      b.rc.nodes.length - a.rc.nodes.length ||
      a.rc.id.localeCompare(b.rc.id),
  );
  return ranked.map((r) => r.rc);
}
