// `kdiag bpf progs` output, per node: one row per program name (its instances' ids, tags, load times).
import { nodeList } from '../render/group.js';
import { renderTable } from '../render/table.js';
import type { ProgramRow } from './programs.js';

export interface NodeProgramsView {
  node: string;
  /** Whether the expected set is known (cilium-config read) — without it nothing is judged missing. */
  judged: boolean;
  error?: string;
  rows: ProgramRow[];
  summary?: { loaded: number; missing: number; unexpected: number; other: number };
}

export function summarize(rows: ProgramRow[]): NonNullable<NodeProgramsView['summary']> {
  const n = (s: string) => rows.filter((r) => r.state === s).length;
  return { loaded: n('loaded'), missing: n('missing'), unexpected: n('unexpected'), other: n('other') };
}

const ids = (r: ProgramRow, max: number) => {
  const all = r.programs.map((p) => p.id);
  return all.length
    ? all.length > max
      ? `${all.slice(0, max).join(',')} (+${all.length - max})`
      : all.join(',')
    : '-';
};

/** One line at the end: nodes complete, missing programs, unknown; what the rows above add up to. */
export function programsSummaryLine(views: NodeProgramsView[]): string {
  const missing = views.filter((v) => (v.summary?.missing ?? 0) > 0).map((v) => v.node);
  const unknown = views.filter((v) => v.error).map((v) => v.node);
  const unexpected = views.filter((v) => (v.summary?.unexpected ?? 0) > 0).map((v) => v.node);
  const loaded = views.reduce((n, v) => n + (v.summary?.loaded ?? 0), 0);
  const complete = views.filter((v) => v.judged && !v.error && !v.summary?.missing).length;
  const parts = [`${views.length} node(s): ${complete} with every required program`];
  if (missing.length) parts.push(`${missing.length} missing programs (${nodeList(missing)})`);
  if (unexpected.length) parts.push(`${unexpected.length} with unexpected programs (${nodeList(unexpected)})`);
  if (unknown.length) parts.push(`${unknown.length} unknown (${nodeList(unknown)})`);
  return `${parts.join(', ')}; ${loaded} program row(s) loaded`;
}

/** `problems` (--problems): only missing and unexpected programs and nodes that could not be read. */
export function renderProgramsTable(views: NodeProgramsView[], wide: boolean, problems = false): string {
  const head = ['node', 'program', 'category', 'type', 'state', 'ids', ...(wide ? ['tag', 'loaded-at', 'reason'] : [])];
  const rows: string[][] = [];
  for (const v of views) {
    if (v.error) {
      rows.push([v.node, '-', '-', '-', 'unknown', '-', ...(wide ? ['-', '-', v.error] : [])]);
      continue;
    }
    for (const r of v.rows) {
      if (problems && r.state !== 'missing' && r.state !== 'unexpected') continue;
      const newest = [...r.programs].sort((a, b) => (b.loadedAt ?? '').localeCompare(a.loadedAt ?? ''))[0];
      const tags = [...new Set(r.programs.map((p) => p.tag).filter(Boolean))];
      rows.push([
        v.node,
        r.name,
        r.category,
        r.type,
        r.state,
        ids(r, wide ? 50 : 3),
        ...(wide ? [tags.join(',') || '-', newest?.loadedAt ?? '-', r.reason ?? ''] : []),
      ]);
    }
  }
  const unknown = views.filter((v) => v.error).map((v) => `${v.node}: ${v.error}`);
  const notes = unknown.length && !wide ? `\n\nunknown: ${unknown.join('; ')}` : '';
  return renderTable(head, rows, { fit: !wide }) + notes + '\n\n' + programsSummaryLine(views) + '\n';
}
