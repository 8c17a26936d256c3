// The DaemonSet controller's RollingUpdate for the cilium DaemonSet: after its pod template changes
// (kubectl rollout restart, set image, patch), old pods are deleted a few at a time so that no more than
// maxUnavailable agents are down; each replacement is a fresh agent (afterPodGone), which clears the
// faults a restart fixes.
import type { KObj } from '../store.js';
import { refreshDaemonSetStatus } from './controllers.js';
import type { Cluster } from './index.js';

const STEP_MS = 50;

/** intstr maxUnavailable against the desired count, rounded up like the DaemonSet controller; at least 1. */
export function maxUnavailableOf(ds: KObj, desired: number): number {
  const ru = (ds.spec as { updateStrategy?: { rollingUpdate?: { maxUnavailable?: number | string } } }).updateStrategy
    ?.rollingUpdate;
  const v = ru?.maxUnavailable ?? 1;
  const n = typeof v === 'string' && v.endsWith('%') ? Math.ceil((desired * Number(v.slice(0, -1))) / 100) : Number(v);
  return Number.isFinite(n) && n > 0 ? n : 1;
}

const isReady = (p: KObj): boolean =>
  ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );

/** Start (or continue) rolling the cilium agents to the DaemonSet's current template generation. */
export function rollCilium(cl: Cluster): void {
  const ds = cl.store.get('daemonsets.apps', cl.ns, 'cilium');
  if (!ds) return;
  const gen = String(ds.metadata.generation ?? 1);
  const pods = cl.store.list('pods', cl.ns).filter((p) => p.metadata.labels?.['k8s-app'] === 'cilium');
  const old = pods.filter(
    (p) => p.metadata.labels?.['pod-template-generation'] !== gen && !p.metadata.deletionTimestamp,
  );
  refreshDaemonSetStatus(cl);
  if (!old.length) return;
  const desired = cl.nodes.length;
  const available = pods.filter((p) => !p.metadata.deletionTimestamp && isReady(p)).length;
  let budget = maxUnavailableOf(ds, desired) - (desired - available);
  for (const p of old) {
    if (budget <= 0) break;
    cl.deletePod(cl.ns, p.metadata.name, undefined, false);
    budget--;
  }
  cl.later(STEP_MS, () => rollCilium(cl));
}
