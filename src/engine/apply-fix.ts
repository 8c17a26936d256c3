// Applies a FixPlan: restarts pods (Cilium agents, kube-proxy or calico-node) one batch at a time, waits
// for each replacement to be Ready, re-checks those nodes, and stops at the first node that does not
// recover. Before each delete it re-reads the pod and refuses anything that is no longer what the plan's
// restart target names (verify-restart.ts): its DaemonSet's namespace and owner, the planned node, label
// and container.
import type { KubeClient } from '../cluster/client.js';
import { AGENT_LABEL, agentPodFact, type Pod } from '../cilium/discovery.js';
import { restartTargetOf } from '../datapath/index.js';
import { KdiagError, oneLine } from '../errors.js';
import type { CiliumInstallFact } from '../model/facts.js';
import type { FixPlan, FixResult, RestartAction, StepResult } from '../model/diagnosis.js';
import { sleep } from '../cluster/retry.js';
import { verifyRestartTarget } from './verify-restart.js';

export type { FixResult, StepResult } from '../model/diagnosis.js';

export interface ApplyOptions {
  /**
   * The Cilium install an action without a restart target (a plan made by hand) must belong to; planned
   * actions carry their target (src/datapath/).
   */
  install?: CiliumInstallFact | undefined;
  readyTimeoutMs: number;
  pollMs?: number;
  /**
   * Re-diagnoses the given nodes; resolves with the causes still present on them and what the re-check
   * could not see there (a node with unknowns is "not verified", never "clean").
   */
  recheck: (nodes: string[]) => Promise<{ node: string; remaining: string[]; unknown?: string[] }[]>;
  onEvent?: (line: string) => void;
  /** Set by Ctrl-C: finish the current batch, then stop. */
  aborted?: () => boolean;
  /** Aborted by SIGINT/SIGTERM: stop waiting for new agents at once, report what was done. */
  signal?: AbortSignal;
}

/**
 * Never throws once a pod may have been deleted: whatever goes wrong (API lost, a bug), the result says
 * which pods were deleted and which nodes are left in an unknown state.
 */
export async function applyFixes(client: KubeClient, plan: FixPlan, opts: ApplyOptions): Promise<FixResult> {
  const steps: StepResult[] = [];
  const deleted = new Set<string>();
  try {
    return await applyBatches(client, plan, opts, steps, deleted);
  } catch (e) {
    for (const a of remaining(plan, steps))
      steps.push(
        deleted.has(a.pod)
          ? {
              node: a.node,
              oldPod: a.pod,
              outcome: 'failed',
              detail: `pod deleted; the node's state is unknown: ${oneLine(e)}`,
            }
          : { node: a.node, oldPod: a.pod, outcome: 'skipped', detail: `not started: ${oneLine(e)}` },
      );
    return { steps, completed: false, stoppedReason: `stopped: ${oneLine(e)}` };
  }
}

async function applyBatches(
  client: KubeClient,
  plan: FixPlan,
  opts: ApplyOptions,
  steps: StepResult[],
  deleted: Set<string>,
): Promise<FixResult> {
  const say = opts.onEvent ?? (() => {});
  for (const batch of plan.batches) {
    if (opts.aborted?.() || opts.signal?.aborted) {
      for (const a of remaining(plan, steps))
        steps.push({ node: a.node, oldPod: a.pod, outcome: 'skipped', detail: 'interrupted before this step' });
      return { steps, completed: false, stoppedReason: 'interrupted: later steps were not started' };
    }
    const started: RestartAction[] = [];
    for (const a of batch) {
      const target = restartTargetOf(a, opts.install);
      const refusal = typeof target === 'string' ? target : await verifyRestartTarget(client, a, target);
      if (refusal) {
        steps.push({ node: a.node, oldPod: a.pod, outcome: 'refused', detail: refusal });
        continue;
      }
      say(`deleting ${a.namespace}/${a.pod} on ${a.node}`);
      try {
        await client.deletePod(a.namespace, a.pod);
        deleted.add(a.pod);
        started.push(a);
      } catch (e) {
        steps.push({ node: a.node, oldPod: a.pod, outcome: 'failed', detail: `delete failed: ${oneLine(e)}` });
      }
    }
    const ready = await Promise.all(
      started.map((a) => waitForReplacement(client, a, opts).then((p) => [a, p] as const)),
    );
    const readyNodes = ready.filter(([, p]) => p.ok).map(([a]) => a.node);
    let still: { node: string; remaining: string[]; unknown?: string[] }[] = [];
    if (readyNodes.length && !opts.signal?.aborted) {
      try {
        still = await opts.recheck(readyNodes);
      } catch (e) {
        still = readyNodes.map((node) => ({ node, remaining: [], unknown: [`re-check failed: ${oneLine(e)}`] }));
      }
    }
    for (const [a, p] of ready) {
      if (!p.ok) {
        steps.push({ node: a.node, oldPod: a.pod, outcome: 'not-ready', detail: p.detail });
        continue;
      }
      const check = still.find((s) => s.node === a.node);
      const rem = check?.remaining ?? [];
      const unk = check ? (check.unknown ?? []) : ['no re-check result for this node'];
      steps.push(
        rem.length
          ? { node: a.node, oldPod: a.pod, newPod: p.pod, outcome: 'not-recovered', detail: `still: ${rem.join(', ')}` }
          : unk.length
            ? {
                node: a.node,
                oldPod: a.pod,
                newPod: p.pod,
                outcome: 'not-verified',
                detail: `new ${podWord(a)} ${p.pod} Ready; re-check incomplete: ${unk.join('; ')}`,
              }
            : {
                node: a.node,
                oldPod: a.pod,
                newPod: p.pod,
                outcome: 'recovered',
                detail: `new ${podWord(a)} ${p.pod} Ready; node re-checked clean`,
              },
      );
      const said = rem.length
        ? `not recovered (${rem.join(', ')})`
        : unk.length
          ? `not verified (${unk[0]})`
          : `recovered (${p.pod} Ready)`;
      say(`${a.node}: ${said}`);
    }
    if (opts.signal?.aborted) {
      for (const a of remaining(plan, steps))
        steps.push({ node: a.node, oldPod: a.pod, outcome: 'skipped', detail: 'interrupted before this step' });
      return { steps, completed: false, stoppedReason: 'interrupted: stopped waiting; later steps were not started' };
    }
    const bad = steps.find((s) => s.outcome !== 'recovered' && s.outcome !== 'skipped');
    if (bad) {
      for (const a of remaining(plan, steps))
        steps.push({
          node: a.node,
          oldPod: a.pod,
          outcome: 'skipped',
          detail: `not started: ${bad.node} did not recover`,
        });
      return { steps, completed: false, stoppedReason: `stopped at ${bad.node}: ${bad.outcome} (${bad.detail})` };
    }
  }
  return { steps, completed: true };
}

const podWord = (a: RestartAction) => (a.kind === 'restart-kube-proxy' ? 'kube-proxy' : 'agent');

function remaining(plan: FixPlan, steps: StepResult[]): RestartAction[] {
  const done = new Set(steps.map((s) => s.oldPod));
  return plan.actions.filter((a) => !done.has(a.pod));
}

async function waitForReplacement(
  client: KubeClient,
  a: RestartAction,
  opts: ApplyOptions,
): Promise<{ ok: true; pod: string } | { ok: false; detail: string }> {
  // Only actions that passed the re-read get here, so the target is known.
  const target = restartTargetOf(a, opts.install);
  const label = typeof target === 'string' ? AGENT_LABEL : target.label;
  const deadline = Date.now() + opts.readyTimeoutMs;
  const poll = opts.pollMs ?? 500;
  let last = 'no replacement pod yet';
  const interrupted = { ok: false as const, detail: 'interrupted while waiting for the new agent' };
  while (Date.now() < deadline) {
    if (opts.signal?.aborted) return interrupted;
    try {
      const pods = await untilAborted(
        client.listAll<Pod>(`/api/v1/namespaces/${encodeURIComponent(a.namespace)}/pods`, {
          labelSelector: label,
          fieldSelector: `spec.nodeName=${a.node}`,
        }),
        opts.signal,
      );
      if (!pods) return interrupted;
      const fresh = pods.map(agentPodFact).filter((p) => p.name !== a.pod && !p.deleting);
      const ready = fresh.find((p) => p.ready);
      if (ready) return { ok: true, pod: ready.name };
      if (fresh[0]) last = `${fresh[0].name} is ${fresh[0].agent.waitingReason ?? fresh[0].phase}, not Ready`;
    } catch (e) {
      if (e instanceof KdiagError && e.kind === 'forbidden') return { ok: false, detail: e.message };
      last = oneLine(e);
    }
    await sleep(poll, opts.signal);
  }
  if (opts.signal?.aborted) return interrupted;
  return { ok: false, detail: `no Ready ${podWord(a)} on ${a.node} within ${opts.readyTimeoutMs / 1000}s (${last})` };
}

/** The promise's value, or undefined as soon as the signal aborts (the call itself is left to time out). */
function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
