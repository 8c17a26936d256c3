// pods/log: the kubelet's container checks, then the simulated container's log with tailLines, since*,
// limitBytes, timestamps, previous and follow (until the pod is deleted or the client leaves).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cluster } from '../cluster/index.js';
import { agentLog, kubeletTimestamp, kubeProxyLog, type LogEntry } from '../logs.js';
import { kubeProxyFaultLog } from '../cluster/kube-proxy.js';
import type { StoreEvent } from '../store.js';
import { badRequest, baseHeaders, isTrue, notFound, type Req } from './http.js';

export function podLog(
  cluster: Cluster,
  r: Req,
  ns: string,
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const store = cluster.store;
  const pod = store.get('pods', ns, name);
  if (!pod) throw notFound('pods', name);
  const spec = pod.spec as { containers: { name: string }[]; initContainers?: { name: string }[] };
  let container = r.query.get('container') ?? '';
  if (!container) {
    if (spec.containers.length === 1) container = spec.containers[0]!.name;
    else
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${spec.containers.map((c) => c.name).join(' ')}]${spec.initContainers?.length ? ` or one of the init containers: [${spec.initContainers.map((c) => c.name).join(' ')}]` : ''}`,
      );
  }
  const isInit = spec.initContainers?.some((c) => c.name === container) ?? false;
  if (!isInit && !spec.containers.some((c) => c.name === container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  const st = pod.status as {
    containerStatuses?: {
      name: string;
      restartCount?: number;
      state?: { waiting?: { reason?: string }; running?: { startedAt?: string } };
      lastState?: { terminated?: { startedAt?: string; finishedAt?: string } };
    }[];
  };
  const cs = st.containerStatuses?.find((c) => c.name === container);
  const previous = isTrue(r.query.get('previous'));
  if (!isInit) {
    const waiting = cs?.state?.waiting?.reason;
    if (previous) {
      if (!cs || !(cs.restartCount ?? 0) || !cs.lastState?.terminated)
        throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    } else if (!cs || (waiting && waiting !== 'CrashLoopBackOff')) {
      throw badRequest(
        `container "${container}" in pod "${name}" is waiting to start: ${waiting ?? 'ContainerCreating'}`,
      );
    }
  }
  const agent = cluster.agentFor(pod);
  let entries: LogEntry[];
  if (isInit) entries = [];
  else if (agent && container === 'cilium-agent') {
    // The log of the instance the pod status names: the running one, or the last terminated one for
    // --previous and for a container waiting in CrashLoopBackOff (kubectl logs shows that one then).
    const term = cs?.lastState?.terminated;
    const ended = previous || (cs?.state?.waiting?.reason === 'CrashLoopBackOff' && term);
    const window =
      ended && term?.startedAt && term.finishedAt
        ? { start: new Date(term.startedAt), end: new Date(term.finishedAt) }
        : !ended && cs?.state?.running?.startedAt
          ? { start: new Date(cs.state.running.startedAt) }
          : undefined;
    entries = agentLog(cluster, agent, previous, window);
  } else if (pod.metadata.labels?.['k8s-app'] === 'kube-proxy')
    entries = [
      ...kubeProxyLog(new Date(pod.metadata.creationTimestamp)),
      // The node's kube-proxy faults (sync failing) log after startup, verbatim.
      ...kubeProxyFaultLog(cluster, (pod.spec as { nodeName?: string }).nodeName ?? '').map((line, i) => ({
        time: new Date(Math.max(Date.parse(pod.metadata.creationTimestamp) + 1000, cluster.startTime.getTime()) + i),
        line,
      })),
    ];
  else entries = [];
  const sinceSec = Number(r.query.get('sinceSeconds') ?? 0);
  const sinceTime = r.query.get('sinceTime');
  const cutoff = sinceSec > 0 ? Date.now() - sinceSec * 1000 : sinceTime ? Date.parse(sinceTime) : 0;
  if (cutoff) entries = entries.filter((e) => e.time.getTime() >= cutoff);
  const tail = r.query.get('tailLines');
  if (tail !== null && Number(tail) >= 0) entries = Number(tail) === 0 ? [] : entries.slice(-Number(tail));
  const stamps = isTrue(r.query.get('timestamps'));
  let text = entries.map((e) => (stamps ? `${kubeletTimestamp(e.time)} ${e.line}\n` : `${e.line}\n`)).join('');
  const limitBytes = Number(r.query.get('limitBytes') ?? 0);
  if (limitBytes > 0) text = Buffer.from(text).subarray(0, limitBytes).toString('utf8');
  const follow = isTrue(r.query.get('follow'));
  const headers = { ...baseHeaders(true), 'content-type': 'text/plain' };
  if (!follow || previous) {
    res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
    return;
  }
  // follow: stream until the client goes away or the container ends (pod deleted)
  res.writeHead(200, headers);
  res.write(text);
  const uid = pod.metadata.uid;
  const onEvent = (e: StoreEvent): void => {
    if (e.resource === 'pods' && e.type === 'DELETED' && e.obj.metadata.uid === uid) done();
  };
  const done = (): void => {
    store.off('event', onEvent);
    if (!res.writableEnded) res.end();
  };
  store.on('event', onEvent);
  req.on('close', done);
  res.on('close', done);
}
