// What a shareable report shows, built from a doctor Diagnosis or a preflight GateReport: the verdict,
// every node with its worst status, findings grouped by cause, fix commands, versions and when it ran.
import { STATUS_ORDER, type Finding, type Status } from '../model/check.js';
import type { Diagnosis } from '../model/diagnosis.js';
import type { GateReport } from '../model/report.js';
import { naturalCompare } from '../util/natural-sort.js';

export interface ReportCause {
  id: string;
  title: string;
  nodes: string[];
  findings: Finding[];
}

export interface Report {
  command: string;
  verdict: string;
  status: Status;
  ranAt: string;
  cilium?: { namespace: string; version: string; cli: string };
  datapath?: string;
  /** Every node seen in the findings, natural order, with its worst status. */
  nodes: { name: string; status: Status }[];
  /** Not-pass findings grouped by root cause; findings without one under `other`. */
  causes: ReportCause[];
  fixCommands: string[];
  counts: Partial<Record<Status, number>>;
}

const worse = (a: Status, b: Status): Status => (STATUS_ORDER[b] > STATUS_ORDER[a] ? b : a);

function base(findings: Finding[]) {
  const byNode = new Map<string, Status>();
  const counts: Partial<Record<Status, number>> = {};
  let status: Status = 'pass';
  for (const f of findings) {
    counts[f.status] = (counts[f.status] ?? 0) + 1;
    status = worse(status, f.status);
    if (f.node) byNode.set(f.node, worse(byNode.get(f.node) ?? 'pass', f.status));
  }
  const nodes = [...byNode].sort((a, b) => naturalCompare(a[0], b[0])).map(([name, s]) => ({ name, status: s }));
  return { nodes, counts, status };
}

function grouped(findings: Finding[], titles: Map<string, { title: string; nodes: string[] }>): ReportCause[] {
  const out = new Map<string, ReportCause>();
  const problems = findings.filter((f) => f.status !== 'pass' && f.status !== 'info');
  for (const f of problems.sort((a, b) => STATUS_ORDER[b.status] - STATUS_ORDER[a.status])) {
    const id = f.cause ?? 'other';
    const known = titles.get(id);
    const c = out.get(id) ?? {
      id,
      title: known?.title ?? (id === 'other' ? 'Other findings' : id),
      nodes: known?.nodes ?? [],
      findings: [],
    };
    c.findings.push(f);
    out.set(id, c);
  }
  for (const c of out.values())
    if (!c.nodes.length) c.nodes = [...new Set(c.findings.map((f) => f.node).filter((n): n is string => !!n))];
  const order = [...titles.keys()];
  return [...out.values()].sort((a, b) => (order.indexOf(a.id) >>> 0) - (order.indexOf(b.id) >>> 0));
}

export function fromDiagnosis(d: Diagnosis, ranAt: Date): Report {
  const b = base(d.findings);
  const top = d.rootCauses[0];
  const unknown = b.counts.unknown ?? 0;
  const verdict = top
    ? `${top.title} [${top.id}]`
    : unknown
      ? `no root cause found, but ${unknown} check(s) could not run — not a clean bill of health`
      : 'healthy — no finding above info';
  const steps = [...d.plan.commands, ...d.plan.notFixable.map((n) => `# ${n.title}: ${n.whatToChange}`)];
  return {
    command: 'kdiag doctor clusterip' + (d.target ? ` ${d.target.namespace}/${d.target.name}` : ''),
    verdict,
    status: b.status,
    ranAt: ranAt.toISOString(),
    cilium: d.cilium,
    datapath: d.cilium ? 'Cilium eBPF' : undefined,
    nodes: b.nodes,
    causes: grouped(d.findings, new Map(d.rootCauses.map((c) => [c.id, { title: c.title, nodes: c.nodes }]))),
    fixCommands: steps,
    counts: b.counts,
  };
}

export function fromGate(r: GateReport, ranAt: Date): Report {
  const live = r.findings.filter((f) => !f.suppressed);
  const b = base(live);
  const s = r.summary;
  return {
    command: r.scope === 'node' ? 'kdiag preflight node' : 'kdiag preflight',
    verdict: `preflight ${s.status}`,
    status: b.status,
    ranAt: ranAt.toISOString(),
    nodes: b.nodes,
    causes: grouped(live, new Map()),
    fixCommands: [...new Set(live.flatMap((f) => (f.status === 'pass' ? [] : (f.remediation?.commands ?? []))))],
    counts: b.counts,
  };
}
