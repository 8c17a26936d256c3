// `kdiag doctor clusterip [--fix [--dry-run]]` as one engine call: diagnose, then (with --fix) dry run or
// confirm, restart with a re-check of each node (Ctrl-C finishes the current step, then stops), and
// diagnose again. The command supplies the callbacks: rendering, the prompt, progress.
import type { KubeClient } from '../cluster/client.js';
import { applyFixes, type FixResult } from './apply-fix.js';
import type { Verdict } from '../errors.js';
import { diagnose, verdictOf, type DiagnoseOptions, type Diagnosis } from './doctor.js';

export interface DoctorRunOptions extends DiagnoseOptions {
  fix?: boolean;
  /** With fix: report the commands, change nothing. */
  dryRun?: boolean;
  readyTimeoutMs: number;
}

export interface DoctorRunHooks {
  /** The first diagnosis, before any fix step (the command prints it here). */
  onDiagnosis?: (d: Diagnosis) => void;
  /** Resolves to go ahead; throws (e.g. `aborted`) to change nothing. Targets are `ns/pod (node)`. */
  confirm: (targets: string[]) => Promise<void>;
  /** One line per fix step (delete, wait, re-check). */
  onEvent?: (line: string) => void;
  /** Ctrl-C during the fix: the current step finishes first. */
  onInterrupt?: () => void;
}

export type FixReport =
  | { applied: false; reason: string }
  | { applied: false; dryRun: true; commands: string[] }
  | ({ applied: true; before: { id: string; nodes: string[] }[]; afterError?: string } & FixResult);

/** The JSON/YAML document: the last diagnosis, with what the fix did. */
export type DoctorResult = Diagnosis & { fix?: FixReport };

export interface DoctorRun {
  /** The diagnosis before any fix. */
  before: Diagnosis;
  /** After a fix that ran: the diagnosis of every node again. */
  after?: Diagnosis;
  fix?: FixResult;
  result: DoctorResult;
  /** Of the last diagnosis; `problems` also when the fix did not complete. */
  verdict: Verdict;
  /** The signal that stopped the fix (the command exits 130/143 after the summary). */
  interrupted?: 'SIGINT' | 'SIGTERM';
  /** The diagnosis after the fix could not be made (e.g. the API was lost): why. */
  afterError?: string;
}

export async function runDoctor(client: KubeClient, opts: DoctorRunOptions, hooks: DoctorRunHooks): Promise<DoctorRun> {
  // Progress is for the first diagnosis only; the re-checks run under the fix's own event lines.
  const { fix: wantFix, dryRun, readyTimeoutMs, onProgress, ...diag } = opts;
  const { diagnosis, facts } = await diagnose(client, { ...diag, onProgress });
  hooks.onDiagnosis?.(diagnosis);
  const done = (result: DoctorResult, extra: Partial<DoctorRun> = {}): DoctorRun => ({
    before: diagnosis,
    result,
    verdict: extra.fix && !extra.fix.completed ? 'problems' : verdictOf(result),
    ...extra,
  });
  if (!wantFix) return done(diagnosis);

  const plan = diagnosis.plan;
  if (plan.actions.length === 0)
    return done({ ...diagnosis, fix: { applied: false, reason: 'no restart-fixable cause with a safe target' } });
  if (dryRun) return done({ ...diagnosis, fix: { applied: false, dryRun: true, commands: plan.commands } });

  await hooks.confirm(plan.actions.map((a) => `${a.namespace}/${a.pod} (${a.node})`));
  // Ctrl-C or SIGTERM: stop waiting at once, report what was done, exit 130/143 (the command).
  let interrupted: 'SIGINT' | 'SIGTERM' | undefined;
  const ac = new AbortController();
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => () => {
    if (interrupted) return;
    interrupted = sig;
    hooks.onInterrupt?.();
    ac.abort();
  };
  const onSigint = onSignal('SIGINT');
  const onSigterm = onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  const before = diagnosis.rootCauses.map((c) => ({ id: c.id, nodes: c.nodes }));
  try {
    const fix = await applyFixes(client, plan, {
      install: facts.cilium.ok ? facts.cilium.value : undefined,
      readyTimeoutMs,
      aborted: () => interrupted !== undefined,
      signal: ac.signal,
      onEvent: hooks.onEvent,
      recheck: async (nodes) => {
        const { diagnosis: d } = await diagnose(client, { ...diag, nodes });
        return nodes.map((node) => ({
          node,
          remaining: d.rootCauses.filter((c) => c.nodes.includes(node)).map((c) => c.id),
          // What the re-check could not see on this node, or cluster-wide: not a clean bill.
          unknown: d.findings
            .filter((f) => f.status === 'unknown' && (f.node === undefined || f.node === node))
            .map((f) => `${f.id}: ${f.message}`),
        }));
      },
    });
    // Interrupted: the summary now, no second diagnosis.
    if (interrupted) return done({ ...diagnosis, fix: { applied: true, ...fix, before } }, { fix, interrupted });
    let after: Diagnosis;
    try {
      ({ diagnosis: after } = await diagnose(client, diag));
    } catch (e) {
      // The API went away after a change: still say what was changed (FIX RESULT), with the first diagnosis.
      const afterError = e instanceof Error ? e.message : String(e);
      return done({ ...diagnosis, fix: { applied: true, ...fix, before, afterError } } as DoctorResult, {
        fix,
        afterError,
        verdict: 'problems',
      });
    }
    return done({ ...after, fix: { applied: true, ...fix, before } }, { after, fix });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}
