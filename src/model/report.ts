// The preflight report: what the gate (src/gate/gate.ts) builds and the renderers (src/render/junit.ts,
// src/render/github.ts, src/gate/output.ts) print.
import type { DetectedDatapath } from './datapath.js';
import type { RootCause } from './diagnosis.js';
import { STATUS_ORDER, type Finding } from './check.js';

export type FailOn = 'warn' | 'fail';
export const FAIL_ON: readonly FailOn[] = ['warn', 'fail'];

export interface GateFinding extends Finding {
  /** The --ignore rule that suppressed it (`id` or `id@node`). */
  suppressed?: string;
}

export interface GateCheck {
  id: string;
  title: string;
}

export type Outcome = 'passed' | 'failed' | 'error' | 'skipped';

export interface TestCase {
  /** `check` or `check@node`: the same spelling --ignore takes. */
  name: string;
  check: string;
  title: string;
  node?: string;
  outcome: Outcome;
  /** Unsuppressed warnings below the threshold (the case still passes). */
  warnings: number;
  findings: GateFinding[];
}

export interface GateSummary {
  status: 'passed' | 'failed' | 'unknown';
  failed: number;
  unknown: number;
  suppressed: number;
  passed: number;
  warnings: number;
}

export interface GateReport {
  apiVersion: 'kdiag/v1';
  kind: 'Preflight';
  scope: 'cluster' | 'node';
  failOn: FailOn;
  summary: GateSummary;
  exitCode: number;
  checks: GateCheck[];
  findings: GateFinding[];
  testcases: TestCase[];
  /** The Service datapath detected (cluster scope, when the checks ran). */
  datapath?: DetectedDatapath;
  /**
   * Cluster scope: the unsuppressed warn/fail findings ranked into root causes the way `doctor` ranks them
   * (src/engine/rank.ts), most specific first, so a CI gate names the cause and not only the failed checks.
   */
  rootCauses?: RootCause[];
}

export function isGateFailure(f: GateFinding, failOn: FailOn): boolean {
  if (f.suppressed || f.status === 'unknown') return false;
  return STATUS_ORDER[f.status] >= STATUS_ORDER[failOn];
}

/** The last line of every format: plain text, stable, greppable. */
export function summaryLine(r: GateReport): string {
  const s = r.summary;
  return `kdiag preflight${r.scope === 'node' ? ' node' : ''}: ${s.status} (${s.failed} failed, ${s.unknown} unknown, ${s.suppressed} suppressed, ${s.passed} passed, ${s.warnings} warnings; fail-on ${r.failOn})`;
}
