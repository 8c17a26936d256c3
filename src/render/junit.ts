// JUnit XML for CI test reports (junit-report-builder): one <testsuite>, one <testcase> per check, or per
// check and node when findings name a node (testcase name `check@node`, the spelling --ignore takes).
//   failed  -> <failure message="…" type="fail|warn"> with the messages and evidence as text
//   unknown -> <error message="…" type="unknown">: the gate could not judge it (missing permission, exec
//              failed, no bpftool); an error, not a skip, so a CI report never shows it as fine
//   suppressed -> <skipped/> and <system-out>suppressed by RULE: …</system-out>
//   warnings below --fail-on -> passing, the warning in <system-out>
import { hostname } from 'node:os';
import junitModule, { type Builder, type TestCase as JunitCase } from 'junit-report-builder';
import type { GateFinding, GateReport, TestCase } from '../model/report.js';

// A CommonJS `module.exports = builder`: Node's ESM loader hands it over as the default export, while the
// package's typings describe an ES `export default` one level down.
const junit: Builder = (junitModule as unknown as { default?: Builder }).default ?? (junitModule as unknown as Builder);

function describe(f: GateFinding): string {
  const head = `[${f.status}] ${f.id}${f.node ? ` (${f.node})` : ''}: ${f.message}`;
  const ev = f.evidence.map(
    (e) =>
      `  ${e.source}${e.node ? ` @${e.node}` : ''}${e.pod ? ` pod ${e.pod}` : ''}:\n${e.excerpt.replace(/^/gm, '    ')}`,
  );
  const fix = f.remediation
    ? [`  fix: ${f.remediation.summary}`, ...f.remediation.commands.map((c) => `    $ ${c}`)]
    : [];
  return [head, ...ev, ...fix].join('\n');
}

function oneMessage(fs: GateFinding[]): string {
  return fs.map((f) => (f.node ? `${f.node}: ${f.message}` : f.message)).join('; ');
}

const xmlAttr = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** `run`: when the run started and how long it took, for the strict Ant schema's `timestamp` and `time`. */
export function renderJunit(
  report: GateReport,
  run: { startedAt: Date; seconds: number } = { startedAt: new Date(), seconds: 0 },
  suiteName = report.scope === 'node' ? 'kdiag preflight node' : 'kdiag preflight',
): string {
  const builder = junit.newBuilder();
  const suite = builder
    .testSuite()
    .name(suiteName)
    .timestamp(run.startedAt)
    .time(Math.round(run.seconds * 1000) / 1000);
  for (const t of report.testcases) addCase(suite.testCase(), t, report);
  // the builder has no `hostname` (which the Ant schema requires): added to the one <testsuite> element
  return builder.build().replace('<testsuite ', `<testsuite hostname="${xmlAttr(hostname())}" `);
}

function addCase(tc: JunitCase, t: TestCase, report: GateReport): void {
  tc.className(`kdiag.${report.scope}.${t.check}`).name(t.name);
  const live = t.findings.filter((f) => !f.suppressed);
  const out: string[] = [];
  switch (t.outcome) {
    case 'failed': {
      const bad = live.filter((f) => f.status === 'fail' || (report.failOn === 'warn' && f.status === 'warn'));
      tc.failure(oneMessage(bad), bad.some((f) => f.status === 'fail') ? 'fail' : 'warn');
      tc.stacktrace(bad.map(describe).join('\n\n'));
      break;
    }
    case 'error': {
      const unk = live.filter((f) => f.status === 'unknown');
      tc.error(oneMessage(unk), 'unknown', unk.map(describe).join('\n\n'));
      break;
    }
    case 'skipped':
      tc.skipped();
      break;
    default:
      break;
  }
  for (const f of t.findings) {
    if (f.suppressed) out.push(`suppressed by ${f.suppressed}: ${describe(f)}`);
    else if (t.outcome === 'passed' && f.status !== 'pass') out.push(describe(f));
  }
  if (out.length) tc.standardOutput(out.join('\n\n'));
  if (t.title) tc.property('title', t.title);
}
