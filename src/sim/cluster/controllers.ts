// The controllers a real cluster runs, with the scenario's timing: the kubelet finishing a graceful pod
// deletion, the DaemonSet recreating an agent pod on its node (clearing faults a restart fixes), and the
// events the kubelet posts for unhealthy agents.
import { clone, type KObj } from '../store.js';
import { agentPod, setStarted } from './agent-pods.js';
import { calicoNodeGone } from './calico.js';
import { kubeProxyPod } from './cilium.js';
import { faultDef } from '../faults/index.js';
import type { Cluster } from './index.js';
import { ts } from './nodes.js';

export function buildEvents(cl: Cluster): void {
  for (const st of cl.agents.values()) {
    if (!st.podName) continue;
    const h = cl.health(st);
    if (h === 'crashloop') {
      podEvent(
        cl,
        st.podName,
        'Warning',
        'BackOff',
        'Back-off restarting failed container cilium-agent in pod ' + `${st.podName}_${cl.ns}`,
        cl.restartsOf(st) * 5,
      );
    } else if (h === 'not-ready') {
      podEvent(
        cl,
        st.podName,
        'Warning',
        'Unhealthy',
        'Readiness probe failed: Get "http://127.0.0.1:9879/healthz": dial tcp 127.0.0.1:9879: connect: connection refused',
        12,
      );
    }
  }
}

export function podEvent(cl: Cluster, podName: string, type: string, reason: string, message: string, count = 1): void {
  const pod = cl.store.get('pods', cl.ns, podName);
  if (!pod) return;
  const node = (pod.spec as { nodeName?: string }).nodeName;
  const first = cl.ago(600);
  const last = ts(new Date());
  cl.store.create(
    'events',
    {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: cl.meta(`${podName}.${cl.prng.hex(16)}`, cl.ns, {}, 600),
      involvedObject: {
        kind: 'Pod',
        namespace: cl.ns,
        name: podName,
        uid: pod.metadata.uid,
        apiVersion: 'v1',
        resourceVersion: pod.metadata.resourceVersion,
        fieldPath: 'spec.containers{cilium-agent}',
      },
      reason,
      message,
      source: { component: 'kubelet', host: node },
      firstTimestamp: first,
      lastTimestamp: last,
      count,
      type,
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: node ?? '',
    },
    true,
  );
}

/**
 * DELETE of a pod. Returns the object to answer with (200), or undefined when not found.
 * Graceful delete of a scheduled pod sets deletionTimestamp; the simulated kubelet then removes it.
 */
export function deletePod(
  cl: Cluster,
  ns: string,
  name: string,
  gracePeriodSeconds: number | undefined,
  dryRun: boolean,
): KObj | undefined {
  const pod = cl.store.get('pods', ns, name);
  if (!pod) return undefined;
  const spec = pod.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const now = Date.now();
  if (!spec.nodeName || gracePeriodSeconds === 0) {
    const copy = clone(pod);
    copy.metadata.deletionTimestamp = ts(new Date(now));
    copy.metadata.deletionGracePeriodSeconds = 0;
    if (dryRun) return copy;
    if (spec.nodeName) cl.store.update('pods', copy);
    const gone = cl.store.remove('pods', copy);
    afterPodGone(cl, gone);
    return spec.nodeName ? gone : copy;
  }
  const grace = gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  const deadline = new Date(now + grace * 1000);
  const cur = pod.metadata.deletionTimestamp ? Date.parse(pod.metadata.deletionTimestamp) : Infinity;
  if (deadline.getTime() >= cur) return pod; // repeated DELETE: same object, nothing changes
  const copy = clone(pod);
  copy.metadata.deletionTimestamp = ts(deadline);
  copy.metadata.deletionGracePeriodSeconds = grace;
  if (dryRun) return copy;
  const updated = cl.store.update('pods', copy);
  const firstDelete = cur === Infinity;
  if (firstDelete) {
    cl.later(cl.scenario.timing.terminationMs, () => kubeletFinish(cl, ns, name, updated.metadata.uid));
  }
  return updated;
}

/** The kubelet confirms termination: grace-0 update then removal (MODIFIED, DELETED). */
export function kubeletFinish(cl: Cluster, ns: string, name: string, uid: string): void {
  const pod = cl.store.get('pods', ns, name);
  if (!pod || pod.metadata.uid !== uid) return;
  const copy = clone(pod);
  copy.metadata.deletionGracePeriodSeconds = 0;
  const st = copy.status as {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: Record<string, unknown>[];
  };
  st.conditions = st.conditions?.map((c) =>
    c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c,
  );
  st.containerStatuses = st.containerStatuses?.map((c) => ({
    ...c,
    ready: false,
    started: false,
    state: {
      terminated: { exitCode: 0, reason: 'Completed', startedAt: ts(cl.startTime), finishedAt: ts(new Date()) },
    },
  }));
  cl.store.update('pods', copy);
  const gone = cl.store.remove('pods', copy);
  afterPodGone(cl, gone);
}

/** DaemonSet controller: an agent pod that is gone is replaced on the same node. */
export function afterPodGone(cl: Cluster, pod: KObj): void {
  const owner = pod.metadata.ownerReferences?.[0] as { kind?: string; name?: string } | undefined;
  const nodeName = (pod.spec as { nodeName?: string }).nodeName;
  if (!owner || owner.kind !== 'DaemonSet' || !nodeName) return;
  if (owner.name === 'cilium') {
    const st = cl.agents.get(nodeName);
    if (!st) return;
    // A restart clears the faults the scenario marks fixedByRestart. kube-proxy's faults need kube-proxy's
    // restart; Calico's are calico-node's (calico.ts): a Cilium agent restart leaves them.
    st.faults = st.faults.filter(
      (f) => !f.fixedByRestart || faultDef(f.kind).component === 'kube-proxy' || f.kind.startsWith('calico-'),
    );
    st.startedAt = new Date();
    const fresh = agentPod(cl, st.node, st, 'pending');
    st.podName = fresh.metadata.name;
    cl.store.create('pods', fresh);
    refreshDaemonSetStatus(cl);
    cl.later(cl.scenario.timing.agentStartMs, () => agentStarted(cl, fresh.metadata.name, nodeName));
  } else if (owner.name === 'calico-node') {
    calicoNodeGone(cl, nodeName);
  } else if (owner.name === 'kube-proxy') {
    const ds = cl.store.get('daemonsets.apps', 'kube-system', 'kube-proxy');
    const node = cl.nodes.find((n) => n.name === nodeName);
    // A fresh kube-proxy rewrites the whole table: its restart-fixable faults clear.
    const st = cl.agents.get(nodeName);
    if (st) st.faults = st.faults.filter((f) => !(f.fixedByRestart && faultDef(f.kind).component === 'kube-proxy'));
    if (ds && node) cl.store.create('pods', kubeProxyPod(cl, node, ds.metadata.uid));
  }
}

export function agentStarted(cl: Cluster, podName: string, nodeName: string): void {
  const pod = cl.store.get('pods', cl.ns, podName);
  const st = cl.agents.get(nodeName);
  if (!pod || !st || pod.metadata.deletionTimestamp) return;
  st.startedAt = new Date();
  const copy = clone(pod);
  const restarts = cl.health(st) === 'crashloop' ? 1 : 0;
  setStarted(cl, copy, st, restarts, pod.metadata.creationTimestamp);
  cl.store.update('pods', copy);
  refreshDaemonSetStatus(cl);
}

export function refreshDaemonSetStatus(cl: Cluster): void {
  const ds = cl.store.get('daemonsets.apps', cl.ns, 'cilium');
  if (!ds) return;
  const pods = cl.store.list('pods', cl.ns).filter((p) => p.metadata.labels?.['k8s-app'] === 'cilium');
  const ready = pods.filter((p) =>
    ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
      (c) => c.type === 'Ready' && c.status === 'True',
    ),
  ).length;
  const copy = clone(ds);
  const n = cl.nodes.length;
  const gen = ds.metadata.generation ?? 1;
  const updated = pods.filter((p) => p.metadata.labels?.['pod-template-generation'] === String(gen)).length;
  const status: Record<string, unknown> = {
    currentNumberScheduled: pods.length,
    numberMisscheduled: 0,
    desiredNumberScheduled: n,
    numberReady: ready,
    observedGeneration: gen,
    updatedNumberScheduled: updated,
    numberAvailable: ready,
  };
  if (ready < n) status.numberUnavailable = n - ready;
  copy.status = status;
  cl.store.update('daemonsets.apps', copy);
}
