// GitHub Actions workflow commands: one annotation per finding that is not a pass, then a plain summary.
//   ::error title=<finding id>::<node>: <message>     a finding that fails the gate (--fail-on)
//   ::warning title=<finding id>::<node>: <message>   a warning below the threshold, or unknown (prefixed "unknown: ")
//   ::notice title=<finding id>::<node>: suppressed by <rule>: <message>
// A run whose only problems are unknowns exits 2 (could not judge): its unknowns are ::error, not ::warning,
// so the annotations agree with the failed step. A run that cannot start (API unreachable, 401, TLS) is one
// `::error title=kdiag <command>::<message>` line (runFailedLine).
// Escaping is @actions/core's (actions/toolkit packages/core/src/command.ts, escapeData/escapeProperty):
// the message escapes % CR LF as %25 %0D %0A; a property value also escapes : and , as %3A and %2C.
// (docs.github.com "Workflow commands for GitHub Actions" defines the syntax; the toolkit is the reference
// implementation of its escaping — see github/docs#11713.)
import { isGateFailure, summaryLine, type GateFinding, type GateReport } from '../model/report.js';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(level: 'error' | 'warning' | 'notice', f: GateFinding, text: string): string {
  const msg = f.node ? `${f.node}: ${text}` : text;
  return `::${level} title=${escapeProperty(f.id)}::${escapeData(msg)}`;
}

export function renderGithub(report: GateReport): string {
  const lines: string[] = [];
  for (const t of report.testcases) {
    for (const f of t.findings) {
      if (f.status === 'pass' || f.status === 'info') continue;
      if (f.suppressed) lines.push(command('notice', f, `suppressed by ${f.suppressed}: ${f.message}`));
      else if (isGateFailure(f, report.failOn)) lines.push(command('error', f, f.message));
      else if (f.status === 'unknown')
        lines.push(command(report.summary.status === 'unknown' ? 'error' : 'warning', f, `unknown: ${f.message}`));
      else lines.push(command('warning', f, f.message));
    }
  }
  lines.push(summaryLine(report));
  return lines.join('\n') + '\n';
}

/** The one annotation for a run that could not start: what failed and what to do. */
export function runFailedLine(title: string, message: string, hint?: string): string {
  const text = hint ? `${message} (hint: ${hint})` : message;
  return `::error title=${escapeProperty(title)}::${escapeData(text)}\n`;
}
