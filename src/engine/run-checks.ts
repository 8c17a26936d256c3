// Runs checks over gathered facts. A check whose top-level fact could not be gathered reports `unknown`
// with the gather error; a check that throws reports `unknown` "[check-id] error: …"; neither stops the others
// (after k8sgpt's pkg/analysis/analysis.go).
import { KdiagError, oneLine } from '../errors.js';
import { CHECKS } from '../checks/index.js';
import type { Facts, Gathered } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

export interface RunOptions<F extends object = Facts> {
  checks?: Check<F>[];
  /** Only these check ids. */
  only?: string[];
  /** Not these check ids. */
  skip?: string[];
}

const isGathered = (v: unknown): v is Gathered<unknown> =>
  typeof v === 'object' && v !== null && !(v instanceof Map) && 'ok' in v;

/** The first top-level needed fact that failed, as `fact: error`. Per-node maps are judged by the check. */
export function missingFact<F extends object>(check: Check<F>, facts: F): string | undefined {
  for (const key of check.needs) {
    const v: unknown = facts[key];
    if (isGathered(v) && !v.ok) return `${String(key)}: ${v.error}`;
  }
  return undefined;
}

export function selectChecks<C extends { id: string }>(all: C[], only?: string[], skip?: string[]): C[] {
  const ids = new Set(all.map((c) => c.id));
  for (const id of [...(only ?? []), ...(skip ?? [])]) {
    if (!ids.has(id)) {
      throw new KdiagError('usage', `unknown check id: ${id}`, { hint: `known checks: ${[...ids].join(', ')}` });
    }
  }
  const onlySet = only?.length ? new Set(only) : undefined;
  const skipSet = new Set(skip ?? []);
  return all.filter((c) => (!onlySet || onlySet.has(c.id)) && !skipSet.has(c.id));
}

/** Cluster checks by default; node checks (src/node/checks/) pass their own list and facts. */
export function runChecks<F extends object = Facts>(facts: F, opts: RunOptions<F> = {}): Finding[] {
  const out: Finding[] = [];
  const all = opts.checks ?? (CHECKS as unknown as Check<F>[]);
  for (const check of selectChecks(all, opts.only, opts.skip)) {
    const missing = missingFact(check, facts);
    if (missing) {
      out.push({
        id: `${check.id}/unknown`,
        check: check.id,
        status: 'unknown',
        subject: 'cluster',
        message: `not gathered: ${missing}`,
        evidence: [],
      });
      continue;
    }
    try {
      out.push(...check.run(facts));
    } catch (e) {
      out.push({
        id: `${check.id}/error`,
        check: check.id,
        status: 'unknown',
        subject: 'cluster',
        message: `[${check.id}] error: ${oneLine(e)}`,
        evidence: [],
      });
    }
  }
  return out;
}
