// Printing a preflight gate report in every format, shared by `preflight` and `preflight node`.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import chalk from 'chalk';
import { KdiagError, oneLine } from '../errors.js';
import { renderData } from '../render/data.js';
import { renderGithub } from '../render/github.js';
import { renderTable } from '../render/table.js';
import { terminalWidth, wrapLine } from '../render/width.js';
import { safeText } from '../render/safe-text.js';
import { summaryLine, type GateFinding, type GateReport } from './gate.js';
import { STATUS_ORDER } from '../model/check.js';

export const GATE_FORMATS = ['table', 'wide', 'json', 'yaml', 'junit', 'github'] as const;
export type GateFormat = (typeof GATE_FORMATS)[number];

const paint: Record<string, (s: string) => string> = {
  pass: chalk.green,
  info: chalk.cyan,
  warn: chalk.yellow,
  fail: chalk.red,
  unknown: chalk.magenta,
};

function statusCell(f: GateFinding): string {
  return f.suppressed ? chalk.dim(`suppressed (${f.status})`) : (paint[f.status] ?? String)(f.status);
}

/** Worst first (FAIL, WARN, UNKNOWN, INFO, then passes and suppressed findings), the gate's order within;
 * `wide` adds the evidence column: each source with the first line of what it showed. */
/** `problems` (--problems): only unknown, warn and fail rows; passes, infos and suppressed stay in the counts. */
export function renderGateTable(report: GateReport, wide = false, problems = false): string {
  const rows: { rank: number; cells: string[] }[] = [];
  for (const t of report.testcases) {
    if (!t.findings.length)
      rows.push({ rank: 0, cells: [t.check, t.node ?? '', chalk.green('pass'), 'no findings', ...(wide ? [''] : [])] });
    for (const f of t.findings)
      rows.push({
        rank: f.suppressed ? 0 : STATUS_ORDER[f.status],
        cells: [
          f.id,
          f.node ?? '',
          statusCell(f),
          f.suppressed ? `${f.message} [ignored: ${f.suppressed}]` : f.message,
          ...(wide ? [f.evidence.map((e) => safeText(`${e.source}: ${e.excerpt.split('\n')[0]}`)).join('\n')] : []),
        ],
      });
  }
  rows.sort((a, b) => b.rank - a.rank);
  // --problems: passes and suppressed findings stay in the counts below, not in the table
  const kept = problems ? rows.filter((r) => r.rank >= STATUS_ORDER.unknown) : rows;
  const headers = ['check', 'node', 'status', 'message', ...(wide ? ['evidence'] : [])];
  const table = renderTable(
    headers,
    kept.map((r) => r.cells),
  );
  const head = report.datapath ? `${safeText(`Datapath: ${report.datapath.title}`)}\n\n` : '';
  const causes = rootCauseLines(report).flatMap((l) => wrapLine(l, terminalWidth(), '', '  '));
  const cause = causes.length ? `${causes.join('\n')}\n` : '';
  return `${head}${table}\n\n${cause}${wrapLine(summaryLine(report), terminalWidth(), '', '  ').join('\n')}\n`;
}

/** The ranked causes above the summary line: the top one named, the others counted (doctor shows them all). */
export function rootCauseLines(report: GateReport): string[] {
  const [top, ...rest] = report.rootCauses ?? [];
  if (!top) return [];
  const where = top.nodes.length ? top.nodes.join(', ') : 'cluster-wide';
  const more = rest.length ? ` (+${rest.length} more: ${rest.map((c) => c.id).join(', ')})` : '';
  return [safeText(`Root cause: ${top.id} (${where}): ${top.title}${more}; kdiag explain ${top.id}`)];
}

/** The machine-readable view: test cases name their findings by id instead of repeating them. */
export function gateData(report: GateReport, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { testcases, ...rest } = report;
  return {
    ...rest,
    ...extra,
    testcases: testcases.map((t) => ({
      name: t.name,
      check: t.check,
      node: t.node,
      outcome: t.outcome,
      findings: t.findings.map((f) => f.id),
    })),
  };
}

/** The JUnit renderer, loaded only when JUnit is written (junit-report-builder costs ~0.2 s of CPU to import). */
const junit = async () => (await import('../render/junit.js')).renderJunit;

export async function printGate(
  report: GateReport,
  format: GateFormat,
  opts: { junitFile?: string; extra?: Record<string, unknown>; problems?: boolean; startedAt?: Date } = {},
): Promise<void> {
  const startedAt = opts.startedAt ?? new Date();
  const run = { startedAt, seconds: (Date.now() - startedAt.getTime()) / 1000 };
  if (opts.junitFile) {
    try {
      await mkdir(dirname(opts.junitFile), { recursive: true });
      await writeFile(opts.junitFile, (await junit())(report, run) + '\n');
    } catch (e) {
      throw new KdiagError('config', `cannot write --junit-file ${opts.junitFile}: ${oneLine(e)}`);
    }
  }
  switch (format) {
    case 'json':
    case 'yaml':
      process.stdout.write(renderData(gateData(report, opts.extra), format) + '\n');
      break;
    case 'junit':
      process.stdout.write((await junit())(report, run) + '\n');
      break;
    case 'github':
      process.stdout.write(renderGithub(report));
      break;
    default:
      process.stdout.write(renderGateTable(report, format === 'wide', opts.problems));
  }
}
