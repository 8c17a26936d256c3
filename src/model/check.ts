// The one small interface every check implements (after k8sgpt's IAnalyzer), and what checks produce.
import type { Facts } from './facts.js';

export type Status = 'pass' | 'info' | 'warn' | 'fail' | 'unknown';

/** Severity order used for ranking, --fail-on and "worst of". */
export const STATUS_ORDER: Record<Status, number> = { pass: 0, info: 1, unknown: 2, warn: 3, fail: 4 };

export type FactKey = Exclude<keyof Facts, 'target'>;

export interface Evidence {
  /** Where it came from: `kubectl logs`, `bpftool prog show`, `Node.status.nodeInfo`, … */
  source: string;
  node?: string;
  pod?: string;
  /** The exact lines or values. */
  excerpt: string;
  /** The exact argv run in the container when it is not just `source` (the node-side filter). */
  command?: string[];
  /** The command that shows it, ready to paste (set by the engine where it knows one). */
  pasteCommand?: string;
}

export interface Remediation {
  summary: string;
  /** Exact commands a user can paste. */
  commands: string[];
  /** true when `--fix` may apply it (restart agent pods). */
  autoFixable: boolean;
}

export interface Finding {
  /** `check-id/reason`, kebab-case, stable. */
  id: string;
  check: string;
  status: Status;
  /** `node/NAME`, `ns/name`, or `cluster` */
  subject: string;
  node?: string;
  message: string;
  evidence: Evidence[];
  /** Root cause id this finding supports (src/model/causes.ts). */
  cause?: string;
  /** What the finding rests on: the node's current state (default) or a log line. */
  basis?: 'live' | 'log';
  /** Causes this observation of the current state rules out on its node (a log line cannot outrank it). */
  clears?: string[];
  remediation?: Remediation;
}

/**
 * A check over a set of facts: the cluster's (`Facts`, src/checks/) or one node's (`NodeFacts`,
 * src/node/checks/). Both run through the same runner (src/engine/run-checks.ts).
 */
export interface Check<F extends object = Facts> {
  id: string;
  title: string;
  /** Every reason it reports (finding ids are `check-id/reason`); docs/checks.md documents each. */
  reasons: readonly string[];
  /** Facts it reads; if one is missing the engine reports unknown. */
  needs: Exclude<keyof F, 'target'>[];
  /** RBAC it relies on, for `preflight list` and docs/ci.md (none for node checks). */
  rbac: string[];
  /** Node checks: what they read on the node (for `preflight list`). */
  requires?: string;
  /** Pure: no I/O, clock or randomness. */
  run(facts: F): Finding[];
}

/** Reasons every check may report: the engine's `unknown` (fact not gathered) and `error` (check threw). */
export const GENERIC_REASONS = ['unknown', 'error'] as const;

/** All finding ids of these checks, generic ones included. */
export function findingIds(checks: readonly Pick<Check, 'id' | 'reasons'>[]): string[] {
  return checks.flatMap((c) => [...c.reasons, ...GENERIC_REASONS].map((r) => `${c.id}/${r}`));
}
