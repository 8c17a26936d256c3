// Runs checks over gathered facts. A check whose top-level fact could not be gathered reports `unknown`
// with the gather error; a check that throws reports `unknown` "[check-id] error: …"; neither stops the others
// (after k8sgpt's pkg/analysis/analysis.go).
import { KdiagError, oneLine } from '../errors.js';
import { CHECKS } from '../checks/index.js';
import type { Facts, Gathered } from './facts.js';
import type { Check, FactKey, Finding } from './types.js';

export interface RunOptions {
  checks?: Check[];
  /** Only these check ids. */
  only?: string[];
  /** Not these check ids. */
  skip?: string[];
}

const isGathered = (v: unknown): v is Gathered<unknown> =>
  typeof v === 'object' && v !== null && !(v instanceof Map) && 'ok' in v;

/** The first top-level needed fact that failed, as `fact: error`. Per-node maps are judged by the check. */
export function missingFact(check: Check, facts: Facts): string | undefined {
  for (const key of check.needs) {
    const v: unknown = facts[key as FactKey];
    if (isGathered(v) && !v.ok) return `${key}: ${v.error}`;
  }
  return undefined;
}

export function selectChecks(all: Check[], only?: string[], skip?: string[]): Check[] {
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

export function runChecks(facts: Facts, opts: RunOptions = {}): Finding[] {
  const out: Finding[] = [];
  for (const check of selectChecks(opts.checks ?? CHECKS, opts.only, opts.skip)) {
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
