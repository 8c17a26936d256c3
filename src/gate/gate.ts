// The preflight gate shared by `kdiag preflight` (cluster) and `kdiag preflight node`: suppression
// (--ignore / .kdiag.yaml), the --fail-on threshold, test cases (one per check, per node), the summary
// and the exit code. Renderers (src/render/junit.ts, src/render/github.ts) read only this model.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EXIT, KdiagError, oneLine, type Verdict } from '../errors.js';
import type { Finding } from '../model/check.js';
import {
  isGateFailure,
  type FailOn,
  type GateCheck,
  type GateFinding,
  type GateReport,
  type GateSummary,
  type Outcome,
  type TestCase,
} from '../model/report.js';
import { naturalCompare } from '../util/natural-sort.js';

export {
  FAIL_ON,
  isGateFailure,
  summaryLine,
  type FailOn,
  type GateCheck,
  type GateFinding,
  type GateReport,
  type TestCase,
} from '../model/report.js';

// --- suppression -----------------------------------------------------------------------------------

export interface IgnoreRule {
  raw: string;
  /** A check id (`kernel-version`) or a finding id (`kernel-version/below-recommended`). */
  id: string;
  node?: string;
}

const RULE = /^([a-z0-9][a-z0-9-]*(?:\/[a-z0-9][a-z0-9-]*)?)(?:@([^@\s]+))?$/;

export function parseIgnore(raw: string, knownChecks?: Iterable<string>): IgnoreRule {
  const m = RULE.exec(raw.trim());
  if (!m)
    throw new KdiagError('usage', `invalid ignore rule "${raw}": use CHECK, CHECK/REASON, or either followed by @NODE`);
  const id = m[1]!;
  if (knownChecks) {
    const known = new Set(knownChecks);
    const check = id.split('/')[0]!;
    if (!known.has(check))
      throw new KdiagError('usage', `ignore rule "${raw}" names unknown check "${check}"`, {
        hint: `known checks: ${[...known].join(', ')}`,
      });
  }
  return { raw: raw.trim(), id, node: m[2] };
}

export function ruleMatches(rule: IgnoreRule, f: Finding): boolean {
  const idOk = rule.id.includes('/') ? f.id === rule.id : f.check === rule.id;
  return idOk && (rule.node === undefined || f.node === rule.node);
}

/** Marks (never drops) the non-passing findings an ignore rule covers. */
export function applyIgnores(findings: Finding[], rules: IgnoreRule[]): GateFinding[] {
  return findings.map((f) => {
    if (f.status === 'pass' || f.status === 'info') return f;
    const r = rules.find((x) => ruleMatches(x, f));
    return r ? { ...f, suppressed: r.raw } : f;
  });
}

// --- .kdiag.yaml --------------------------------------------------------------------------------------

const configSchema = z
  .object({
    ignore: z.array(z.string().min(1)).default([]),
    'fail-on': z.enum(['warn', 'fail']).optional(),
  })
  .strict();
export type GateConfig = z.infer<typeof configSchema>;

/** A bad file is one line: file, key path, what is wrong. */
export async function loadGateConfig(path: string): Promise<GateConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new KdiagError('config', `cannot read --config ${path}: ${(e as NodeJS.ErrnoException).code ?? oneLine(e)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (e) {
    throw new KdiagError('config', `${path}: invalid YAML: ${oneLine(e)}`);
  }
  const odd = notPlainData(doc, []);
  if (odd !== undefined)
    throw new KdiagError('config', `${path}: ${odd || '(top level)'}: a YAML tag such as !!binary; use plain strings`);
  const r = configSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const at = issue.path.length ? issue.path.join('.') : '(top level)';
    const msg =
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: ignore, fail-on)`
        : issue.message;
    throw new KdiagError('config', `${path}: ${at}: ${msg}`);
  }
  return r.data;
}

/** The key path of the first value YAML tags made into something other than plain data (e.g. bytes). */
function notPlainData(v: unknown, at: string[]): string | undefined {
  if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) return undefined;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const r = notPlainData(x, [...at, String(i)]);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, x] of Object.entries(v)) {
      const r = notPlainData(x, [...at, k]);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  return at.join('.');
}

// --- judging ------------------------------------------------------------------------------------------

const byName = (a: { name: string }, b: { name: string }) => naturalCompare(a.name, b.name);

export function testCases(checks: GateCheck[], findings: GateFinding[], failOn: FailOn): TestCase[] {
  const out: TestCase[] = [];
  // Findings by check, then by node (in first-seen order): one pass, not checks x nodes x findings.
  const byCheck = new Map<string, Map<string | undefined, GateFinding[]>>();
  for (const f of findings) {
    let byNode = byCheck.get(f.check);
    if (!byNode) byCheck.set(f.check, (byNode = new Map()));
    const list = byNode.get(f.node);
    if (list) list.push(f);
    else byNode.set(f.node, [f]);
  }
  for (const c of checks) {
    const byNode = byCheck.get(c.id) ?? new Map<string | undefined, GateFinding[]>([[undefined, []]]);
    const cases: TestCase[] = [];
    for (const [node, fs] of byNode) {
      const live = fs.filter((f) => !f.suppressed);
      const outcome: Outcome = live.some((f) => isGateFailure(f, failOn))
        ? 'failed'
        : live.some((f) => f.status === 'unknown')
          ? 'error'
          : fs.some((f) => f.suppressed)
            ? 'skipped'
            : 'passed';
      cases.push({
        name: node ? `${c.id}@${node}` : c.id,
        check: c.id,
        title: c.title,
        node,
        outcome,
        warnings: outcome === 'passed' ? live.filter((f) => f.status === 'warn').length : 0,
        findings: fs,
      });
    }
    out.push(...cases.sort(byName));
  }
  return out;
}

/** Exit 1 when a case fails the gate; else 2 when one could not be judged (unknown); else 0. */
export function buildReport(
  scope: GateReport['scope'],
  checks: GateCheck[],
  findings: GateFinding[],
  failOn: FailOn,
): GateReport {
  const cases = testCases(checks, findings, failOn);
  const count = (o: Outcome) => cases.filter((t) => t.outcome === o).length;
  const failed = count('failed');
  const unknown = count('error');
  const status: GateSummary['status'] = failed ? 'failed' : unknown ? 'unknown' : 'passed';
  return {
    apiVersion: 'kdiag/v1',
    kind: 'Preflight',
    scope,
    failOn,
    summary: {
      status,
      failed,
      unknown,
      suppressed: count('skipped'),
      passed: count('passed'),
      warnings: cases.reduce((n, t) => n + t.warnings, 0),
    },
    exitCode: failed ? EXIT.PROBLEMS : unknown ? EXIT.CANNOT_RUN : EXIT.OK,
    checks,
    findings,
    testcases: cases,
  };
}

/** The gate's status in the terms of the exit codes (the base command maps it; `exitCode` above agrees). */
export function gateVerdict(r: GateReport): Verdict {
  return ({ passed: 'ok', failed: 'problems', unknown: 'could-not-run' } as const)[r.summary.status];
}
