// Which agent pods to read, and their cilium-agent logs as one line stream: merged by the kubelet's
// timestamps (k-way, a bounded number of streams open at once) or, when following, as lines arrive.
// A pod that cannot be read is reported through onFailure and the others go on.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { KubeClient } from '../cluster/client.js';
import { AGENT_CONTAINER, findCilium, listAgentPods } from '../cilium/discovery.js';
import { KdiagError, oneLine } from '../errors.js';
import { readLines } from './lines.js';
import { mergeByArrival, mergeByKey } from './merge.js';
import { splitTimestamp } from './time.js';
import { naturalCompare } from '../util/natural-sort.js';

export interface AgentTarget {
  node: string;
  namespace: string;
  pod: string;
}

export interface LogLine {
  node: string;
  pod: string;
  /** The kubelet's timestamp of the line (RFC3339Nano). */
  time?: string;
  /** Sort key of `time` (a line without one inherits its predecessor's). */
  key: string;
  /** The container's line, timestamp prefix removed. */
  line: string;
}

export interface PodFailure {
  node: string;
  pod: string;
  reason: string;
}

export interface TargetQuery {
  ciliumNamespace?: string;
  nodes?: string[];
  pods?: string[];
}

/** The agent pod of every selected node, sorted by node. */
export async function findTargets(client: KubeClient, q: TargetQuery): Promise<AgentTarget[]> {
  const install = await findCilium(client, q.ciliumNamespace);
  if (!install)
    throw new KdiagError(
      'not-installed',
      `Cilium is not installed: no DaemonSet labelled k8s-app=cilium with a ${AGENT_CONTAINER} container`,
      {
        hint: 'pass --cilium-namespace if the agents run elsewhere; check the kube context with --context',
      },
    );
  const byNode = await listAgentPods(client, install);
  let targets = [...byNode.values()]
    .map((p) => ({ node: p.node, namespace: p.namespace, pod: p.name }))
    .sort((a, b) => naturalCompare(a.node, b.node));
  const known = (list: string[]) => (list.length > 8 ? `${list.slice(0, 8).join(', ')}, …` : list.join(', '));
  if (q.nodes?.length) {
    const missing = q.nodes.filter((n) => !byNode.has(n));
    if (missing.length)
      throw new KdiagError('usage', `no Cilium agent on node ${missing.map((n) => `"${n}"`).join(', ')}`, {
        hint: `agents run on: ${known(targets.map((t) => t.node)) || '(none)'}`,
      });
    targets = targets.filter((t) => q.nodes!.includes(t.node));
  }
  if (q.pods?.length) {
    const missing = q.pods.filter((p) => !targets.some((t) => t.pod === p));
    if (missing.length)
      throw new KdiagError(
        'usage',
        `no Cilium agent pod ${missing.map((p) => `"${p}"`).join(', ')}${q.nodes?.length ? ' on the selected nodes' : ''}`,
        {
          hint: `agent pods: ${known(targets.map((t) => t.pod)) || '(none)'}`,
        },
      );
    targets = targets.filter((t) => q.pods!.includes(t.pod));
  }
  if (targets.length === 0)
    throw new KdiagError(
      'not-installed',
      `Cilium is installed in ${install.namespace} but no agent pod is scheduled on any node`,
    );
  return targets;
}

export interface ReadOptions {
  sinceSeconds?: number;
  tailLines?: number;
  previous?: boolean;
  follow?: boolean;
  /** Most streams open at once; beyond it the pods are read in groups (merged within each group). */
  maxStreams: number;
  /** A stream that sends nothing this long fails (not in follow mode); 0 = no limit. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  onFailure: (f: PodFailure) => void;
  /** Told once when the pods are read in more than one group. */
  onGroups?: (groups: number, size: number) => void;
}

/** Lines of all targets' agent containers; never throws for a single pod. */
export async function* readAgentLogs(
  client: KubeClient,
  targets: AgentTarget[],
  o: ReadOptions,
): AsyncGenerator<LogLine> {
  const open = new Set<Readable>();
  const abort = () => open.forEach((s) => s.destroy());
  o.signal?.addEventListener('abort', abort, { once: true });
  try {
    if (o.follow) {
      if (targets.length > o.maxStreams)
        throw new KdiagError(
          'usage',
          `--follow needs one open stream per agent: ${targets.length} agents > --max-log-requests ${o.maxStreams}`,
          {
            hint: `select agents with --node/--pod or raise --max-log-requests to ${targets.length}`,
          },
        );
      const sources = await openAll(client, targets, o, open);
      yield* mergeByArrival(sources);
      return;
    }
    const size = Math.max(1, o.maxStreams);
    const groups = Math.ceil(targets.length / size);
    if (groups > 1) o.onGroups?.(groups, size);
    for (let g = 0; g < groups && !o.signal?.aborted; g++) {
      const sources = await openAll(client, targets.slice(g * size, (g + 1) * size), o, open);
      yield* mergeByKey(sources, (l) => l.key);
    }
  } finally {
    o.signal?.removeEventListener('abort', abort);
    abort();
  }
}

async function openAll(
  client: KubeClient,
  targets: AgentTarget[],
  o: ReadOptions,
  open: Set<Readable>,
): Promise<AsyncIterable<LogLine>[]> {
  const streams = await Promise.all(targets.map((t) => openOne(client, t, o, open)));
  return streams.flatMap((s, i) => (s ? [podLines(targets[i]!, s, o, open)] : []));
}

async function openOne(
  client: KubeClient,
  t: AgentTarget,
  o: ReadOptions,
  open: Set<Readable>,
): Promise<IncomingMessage | undefined> {
  if (o.signal?.aborted) return undefined;
  try {
    const res = await client.logStream(t.namespace, t.pod, {
      container: AGENT_CONTAINER,
      timestamps: true,
      sinceSeconds: o.sinceSeconds,
      tailLines: o.tailLines,
      previous: o.previous,
      follow: o.follow,
    });
    // The merge leaves a stream paused while others catch up: the client's socket timeout must not fire
    // then; readLines applies the idle limit only while a line is actually wanted.
    res.socket?.setTimeout(0);
    if (o.signal?.aborted) {
      res.destroy();
      return undefined;
    }
    open.add(res);
    return res;
  } catch (e) {
    if (!o.signal?.aborted) o.onFailure({ node: t.node, pod: t.pod, reason: failureReason(e, o) });
    return undefined;
  }
}

type LineOptions = Pick<ReadOptions, 'follow' | 'idleTimeoutMs' | 'signal' | 'onFailure' | 'previous'>;

/** One pod's log stream as timestamped lines; a failure is reported, never thrown. */
export async function* podLines(
  t: AgentTarget,
  stream: Readable,
  o: LineOptions,
  open?: Set<Readable>,
): AsyncGenerator<LogLine> {
  let last = '';
  try {
    const lines = readLines(stream, {
      idleTimeoutMs: o.follow ? 0 : o.idleTimeoutMs,
      what: `logs of ${t.namespace}/${t.pod}`,
    });
    for await (const text of lines) {
      const s = splitTimestamp(text);
      if (s.key) last = s.key;
      yield { node: t.node, pod: t.pod, time: s.time, key: s.key || last, line: s.line };
    }
    if ('complete' in stream && !(stream as IncomingMessage).complete && !o.signal?.aborted)
      o.onFailure({ node: t.node, pod: t.pod, reason: 'the log stream was cut before its end' });
  } catch (e) {
    if (!o.signal?.aborted) o.onFailure({ node: t.node, pod: t.pod, reason: failureReason(e, o) });
  } finally {
    open?.delete(stream);
  }
}

/** The API server's own words for a refused log request (403, container waiting, no previous container). */
export function failureReason(e: unknown, o: { previous?: boolean }): string {
  let msg = oneLine(e).replace(/^the API server refused \S+ \S+ \(\d+\): /, '');
  if (!o.previous && /is waiting to start|ContainerCreating|PodInitializing/.test(msg))
    msg += ' (--previous shows the last run)';
  return msg;
}
