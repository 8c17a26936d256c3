// `kdiag preflight` as one call: the permission findings first, then the checks this identity may run,
// judged as one gate report; with `waitMs`, re-run until the gate passes or the time is up.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../cluster/client.js';
import type { Check, Finding } from '../model/check.js';
import type { DetectedDatapath } from '../model/datapath.js';
import { detectDatapath } from '../datapath/index.js';
import { KdiagError, oneLine } from '../errors.js';
import { rankRootCauses } from '../engine/rank.js';
import { applyIgnores, buildReport, type GateReport } from './gate.js';
import type { GateSettings } from './flags.js';
import { permissionFindings, permissionNamespace } from './permissions.js';

const POLL_MS = 5000;

export interface ClusterGateOptions {
  checks: Check[];
  gate: GateSettings;
  /** --cilium-namespace; discovered when absent. */
  ciliumNamespace?: string;
  /** 0 = run once. */
  waitMs: number;
  /** --wait as the user wrote it, for the messages. */
  waitText?: string;
  /** --observe: watch the datapath's drops this long (ms) on the nodes hosting backends (src/engine/observe.ts). */
  observeMs?: number;
  onProgress?: (done: number, total: number) => void;
  /** Warnings and retry notes, one line each (the command prints them on stderr). */
  onNote?: (line: string, kind: 'warn' | 'retry' | 'gave-up') => void;
}

/** Runs the gate once, or until it passes within `waitMs`; the last report, or the error when none ran. */
export async function runClusterGate(client: KubeClient, o: ClusterGateOptions): Promise<GateReport> {
  const deadline = Date.now() + o.waitMs;
  const note = o.onNote ?? (() => {});
  let report: GateReport | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      report = await runOnce(client, o);
    } catch (e) {
      if (!o.waitMs || Date.now() >= deadline) throw e;
      note(`attempt ${attempt} could not run (${oneLine(e)}); retrying`, 'retry');
    }
    if (report?.exitCode === 0 || !o.waitMs) break;
    const left = deadline - Date.now();
    if (left <= 0) {
      note(`still ${report?.summary.status ?? 'not run'} after --wait ${o.waitText ?? ''}`.trimEnd(), 'gave-up');
      break;
    }
    if (report)
      note(
        `${report.summary.status} (${report.summary.failed} failed, ${report.summary.unknown} unknown); re-running`,
        'retry',
      );
    await sleep(Math.min(POLL_MS, left));
  }
  if (!report) throw new KdiagError('timeout', `preflight could not run within --wait ${o.waitText ?? ''}`.trimEnd());
  return report;
}

async function runOnce(client: KubeClient, o: ClusterGateOptions): Promise<GateReport> {
  const ns = o.ciliumNamespace ?? (await permissionNamespace(client));
  const denied = await permissionFindings(client, o.checks, ns, (l) => o.onNote?.(l, 'warn'));
  const runnable = o.checks.filter((c) => !denied.has(c.id));
  const findings: Finding[] = [];
  let datapath: DetectedDatapath | undefined;
  // A denied permission matters for the checks of the datapath that runs here (kube-proxy-rules' exec
  // is not needed on Cilium with kube-proxy replacement); all of them when nothing could run.
  let runs: (id: string) => boolean = () => true;
  let listed = o.checks;
  if (runnable.length) {
    const { diagnose } = await import('../engine/doctor.js');
    const { diagnosis, facts } = await diagnose(client, {
      only: runnable.map((c) => c.id),
      ciliumNamespace: o.ciliumNamespace,
      onProgress: o.onProgress,
      // Only when the datapath-drops check runs: --skip datapath-drops observes nothing.
      ...(o.observeMs && runnable.some((c) => c.needs.includes('drops')) ? { observeMs: o.observeMs } : {}),
    });
    if (!facts.nodes.ok && !facts.cilium.ok)
      throw new KdiagError('unreachable', `could not run the preflight: ${facts.nodes.error}`);
    findings.push(...diagnosis.findings);
    datapath = diagnosis.datapath;
    const dp = detectDatapath(facts);
    const ids = new Set(dp.checks.map((c) => c.id));
    runs = (id) => ids.has(id);
    // Off Cilium's datapath, another datapath's checks did not run: no "pass" row for them (on Cilium the
    // list stays as it always was). A denied check of this datapath is listed with its finding.
    if (dp.id !== 'cilium') listed = o.checks.filter((c) => ids.has(c.id));
  }
  for (const f of denied.values()) if (runs(f.check)) findings.push(f);
  const judged = applyIgnores(findings, o.gate.ignores);
  const report = buildReport(
    'cluster',
    listed.map(({ id, title }) => ({ id, title })),
    judged,
    o.gate.failOn,
  );
  // A suppressed finding never names a cause: --ignore takes it out of the ranking too.
  const rootCauses = rankRootCauses(judged.filter((f) => !f.suppressed));
  return { ...report, ...(datapath ? { datapath } : {}), rootCauses };
}
