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
  /** Root cause id this finding supports (src/engine/causes.ts). */
  cause?: string;
  remediation?: Remediation;
}

export interface Check {
  id: string;
  title: string;
  /** Facts it reads; if one is missing the engine reports unknown. */
  needs: FactKey[];
  /** RBAC it relies on, for `preflight list` and docs/ci.md. */
  rbac: string[];
  /** Pure: no I/O, clock or randomness. */
  run(facts: Facts): Finding[];
}
