// Applies a FixPlan: restarts agent pods one batch at a time, waits for each replacement to be Ready,
// re-checks those nodes, and stops at the first node that does not recover. Before each delete it
// re-reads the pod and refuses anything that is not a Cilium agent owned by the Cilium DaemonSet in the
// Cilium namespace on the planned node.
import type { KubeClient } from '../cluster/client.js';
import { AGENT_LABEL, agentPodFact, type Pod } from '../cilium/discovery.js';
import { KdiagError, oneLine } from '../errors.js';
import type { CiliumInstallFact } from '../model/facts.js';
import type { FixPlan, FixResult, RestartAction, StepResult } from '../model/diagnosis.js';

export type { FixResult, StepResult } from '../model/diagnosis.js';

export interface ApplyOptions {
  install: CiliumInstallFact;
  readyTimeoutMs: number;
  pollMs?: number;
  /** Re-diagnoses the given nodes; resolves with the causes still present on them. */
  recheck: (nodes: string[]) => Promise<{ node: string; remaining: string[] }[]>;
  onEvent?: (line: string) => void;
  /** Set by Ctrl-C: finish the current batch, then stop. */
  aborted?: () => boolean;
}

export async function applyFixes(client: KubeClient, plan: FixPlan, opts: ApplyOptions): Promise<FixResult> {
  const steps: StepResult[] = [];
  const say = opts.onEvent ?? (() => {});
  for (const batch of plan.batches) {
    if (opts.aborted?.()) {
      for (const a of remaining(plan, steps))
        steps.push({ node: a.node, oldPod: a.pod, outcome: 'skipped', detail: 'interrupted before this step' });
      return { steps, completed: false, stoppedReason: 'interrupted (Ctrl-C): later steps were not started' };
    }
    const started: RestartAction[] = [];
    for (const a of batch) {
      const refusal = await verifyTarget(client, a, opts.install);
      if (refusal) {
        steps.push({ node: a.node, oldPod: a.pod, outcome: 'refused', detail: refusal });
        continue;
      }
      say(`deleting ${a.namespace}/${a.pod} on ${a.node}`);
      try {
        await client.deletePod(a.namespace, a.pod);
        started.push(a);
      } catch (e) {
        steps.push({ node: a.node, oldPod: a.pod, outcome: 'failed', detail: `delete failed: ${oneLine(e)}` });
      }
    }
    const ready = await Promise.all(
      started.map((a) => waitForReplacement(client, a, opts).then((p) => [a, p] as const)),
    );
    const readyNodes = ready.filter(([, p]) => p.ok).map(([a]) => a.node);
    const still = readyNodes.length ? await opts.recheck(readyNodes) : [];
    for (const [a, p] of ready) {
      if (!p.ok) {
        steps.push({ node: a.node, oldPod: a.pod, outcome: 'not-ready', detail: p.detail });
        continue;
      }
      const rem = still.find((s) => s.node === a.node)?.remaining ?? [];
      steps.push(
        rem.length
          ? { node: a.node, oldPod: a.pod, newPod: p.pod, outcome: 'not-recovered', detail: `still: ${rem.join(', ')}` }
          : {
              node: a.node,
              oldPod: a.pod,
              newPod: p.pod,
              outcome: 'recovered',
              detail: `new agent ${p.pod} Ready; node re-checked clean`,
            },
      );
      say(`${a.node}: ${rem.length ? `not recovered (${rem.join(', ')})` : `recovered (${p.pod} Ready)`}`);
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

function remaining(plan: FixPlan, steps: StepResult[]): RestartAction[] {
  const done = new Set(steps.map((s) => s.oldPod));
  return plan.actions.filter((a) => !done.has(a.pod));
}

/** undefined when safe to delete; else why not. */
async function verifyTarget(
  client: KubeClient,
  a: RestartAction,
  install: CiliumInstallFact,
): Promise<string | undefined> {
  if (a.namespace !== install.namespace)
    return `pod ${a.namespace}/${a.pod} is not in the Cilium namespace ${install.namespace}`;
  let pod: Pod | undefined;
  try {
    pod = await client.getOptional<Pod>(
      `/api/v1/namespaces/${encodeURIComponent(a.namespace)}/pods/${encodeURIComponent(a.pod)}`,
    );
  } catch (e) {
    return `cannot re-read pod ${a.namespace}/${a.pod}: ${oneLine(e)}`;
  }
  if (!pod) return `pod ${a.namespace}/${a.pod} no longer exists`;
  const f = agentPodFact(pod);
  if (f.ownerDaemonSet !== install.daemonSet) return `pod ${a.pod} is not owned by DaemonSet ${install.daemonSet}`;
  if (f.node !== a.node) return `pod ${a.pod} runs on ${f.node}, not on ${a.node}`;
  if (pod.metadata?.labels?.['k8s-app'] !== 'cilium') return `pod ${a.pod} is not labelled ${AGENT_LABEL}`;
  return undefined;
}

async function waitForReplacement(
  client: KubeClient,
  a: RestartAction,
  opts: ApplyOptions,
): Promise<{ ok: true; pod: string } | { ok: false; detail: string }> {
  const deadline = Date.now() + opts.readyTimeoutMs;
  const poll = opts.pollMs ?? 500;
  let last = 'no replacement pod yet';
  while (Date.now() < deadline) {
    try {
      const pods = await client.listAll<Pod>(`/api/v1/namespaces/${encodeURIComponent(a.namespace)}/pods`, {
        labelSelector: AGENT_LABEL,
        fieldSelector: `spec.nodeName=${a.node}`,
      });
      const fresh = pods.map(agentPodFact).filter((p) => p.name !== a.pod && !p.deleting);
      const ready = fresh.find((p) => p.ready);
      if (ready) return { ok: true, pod: ready.name };
      if (fresh[0]) last = `${fresh[0].name} is ${fresh[0].agent.waitingReason ?? fresh[0].phase}, not Ready`;
    } catch (e) {
      if (e instanceof KdiagError && e.kind === 'forbidden') return { ok: false, detail: e.message };
      last = oneLine(e);
    }
    await new Promise((r) => setTimeout(r, poll));
  }
  return { ok: false, detail: `no Ready agent on ${a.node} within ${opts.readyTimeoutMs / 1000}s (${last})` };
}
