// `doctor clusterip NS/SVC --observe 10s` and `preflight --observe 10s`: watch what the datapath drops for
// a bounded time. Runs `timeout --signal=INT SECONDS cilium-dbg monitor --type drop` in the agents of the
// client's node and the backends' nodes (doctor), or of the nodes hosting the most Service backends, at most
// --concurrency of them (preflight), all at once: the whole observe costs the duration plus the request
// timeout, never nodes × duration. Where cilium-config has `enable-hubble: "true"` it runs
// `timeout --signal=INT SECONDS hubble observe --verdict DROPPED -o jsonpb --follow` instead, and the monitor
// when the agent image has no hubble (exit 127), within the same budget. Three bounds: `timeout` ends the monitor inside the container (nothing keeps
// running on the node), the exec's own deadline (duration + --request-timeout) ends the call even if
// `timeout` does not, and a line cap bounds what is kept. The argv is fixed: only the validated duration
// and the CLI name found on the agent go into it, never cluster data, and no shell.
import pLimit from 'p-limit';
import type { KubeClient } from '../cluster/client.js';
import { AGENT_CONTAINER } from '../cilium/discovery.js';
import { parseHubbleFlowLine } from '../cilium/formats/hubble-flow.js';
import { parseMonitorDropLine } from '../cilium/formats/monitor-drop.js';
import { KdiagError, oneLine, type ErrorKind } from '../errors.js';
import { naturalCompare } from '../util/natural-sort.js';
import { parseDuration } from '../util/duration.js';
import type { DropEvent, ObservedDrops } from '../model/drops.js';
import { failed, got, type Facts, type Gathered } from '../model/facts.js';

/** Lines kept per node: a drop storm cannot fill memory (the rest is counted as truncated). */
export const MAX_DROP_LINES = 2000;
/** The longest --observe kdiag runs: a diagnosis, not a capture. */
export const MAX_OBSERVE_MS = 10 * 60_000;
/** `timeout`'s exit code when it stopped the command (coreutils): the expected end. */
const TIMED_OUT = 124;

/** The fixed argv; `ms` was validated by validateObserve. */
export function observeArgv(cli: string, ms: number): string[] {
  return ['timeout', '--signal=INT', `${ms / 1000}s`, cli, 'monitor', '--type', 'drop'];
}

/** --observe's value: a duration above 0 and at most MAX_OBSERVE_MS (input error otherwise, exit 2). */
export function validateObserve(ms: number, text: string): number {
  if (!(ms > 0) || ms > MAX_OBSERVE_MS)
    throw new KdiagError('usage', `invalid --observe "${text}": use a duration above 0 and at most 10m, e.g. 10s`);
  return ms;
}

/** --observe as the user wrote it: the duration in ms, validated (the one parser for every command). */
export function observeMs(text: string): number {
  return validateObserve(parseDuration(text, '--observe'), text);
}

/**
 * The nodes to watch. With a target Service (doctor): the client's (--from) and those of its backends.
 * Without one (preflight): every node hosting a backend of a Service, the nodes with the most backends
 * first (ties by name), at most `cap` of them, so all run at once; `candidates` counts them all.
 */
export function observeNodes(facts: Facts, cap = Infinity): string[] {
  return observePlan(facts, cap).nodes;
}

export function observePlan(facts: Facts, cap = Infinity): { nodes: string[]; candidates: number } {
  if (!facts.target) {
    const count = new Map<string, number>();
    if (facts.services.ok)
      for (const s of facts.services.value)
        for (const e of s.endpoints) if (e.nodeName) count.set(e.nodeName, (count.get(e.nodeName) ?? 0) + 1);
    const ranked = [...count].sort(([a, x], [b, y]) => y - x || naturalCompare(a, b)).map(([n]) => n);
    return { nodes: ranked.slice(0, cap).sort(naturalCompare), candidates: ranked.length };
  }
  const nodes = new Set<string>();
  if (facts.client?.ok && facts.client.value.node) nodes.add(facts.client.value.node);
  const t = facts.target;
  if (t && facts.services.ok)
    for (const s of facts.services.value)
      if (s.namespace === t.namespace && s.name === t.name)
        for (const e of s.endpoints) if (e.nodeName) nodes.add(e.nodeName);
  return { nodes: [...nodes].sort(), candidates: nodes.size };
}

export async function observeDrops(
  client: KubeClient,
  facts: Facts,
  opts: { durationMs: number; concurrency?: number },
): Promise<Map<string, Gathered<ObservedDrops>>> {
  const out = new Map<string, Gathered<ObservedDrops>>();
  if (!facts.cilium.ok || !facts.agents.ok) return out;
  const { namespace, cli } = facts.cilium.value;
  const agents = facts.agents.value;
  const tool = observeTool(facts);
  // Without a target every watched node fits in one round: the cap is the concurrency itself.
  const concurrency = opts.concurrency ?? client.opts.concurrency;
  const limit = pLimit(concurrency);
  const plan = observePlan(facts, facts.target ? Infinity : concurrency);
  facts.dropsWatched = { nodes: plan.nodes.length, candidates: plan.candidates, cap: concurrency };
  await Promise.all(
    plan.nodes.map((node) =>
      limit(async () => {
        const agent = agents.get(node);
        if (!agent) {
          out.set(node, failed(`no Cilium agent pod on ${node} to observe from`));
          return;
        }
        out.set(node, await observeOne(client, namespace, agent.name, cli, opts.durationMs, tool));
      }),
    ),
  );
  return out;
}

/** The tool that watches: Hubble where cilium-config enables it, else the monitor. */
export type ObserveTool = 'hubble' | 'monitor';

/** `enable-hubble: "true"` in cilium-config: the agent runs Hubble's observer (its image ships the CLI). */
export function observeTool(facts: Facts): ObserveTool {
  return facts.config.ok && facts.config.value['enable-hubble'] === 'true' ? 'hubble' : 'monitor';
}

/**
 * Hubble's fixed argv (hubble/cmd/observe/flows.go: --verdict, -o/--output, -f/--follow; `jsonpb` is the
 * GetFlowsResponse JSON whatever the CLI's legacy-JSON compat setting is). In the agent container the CLI
 * reads the local socket from HUBBLE_SERVER (images/cilium/Dockerfile).
 */
export function hubbleArgv(ms: number): string[] {
  return [
    'timeout',
    '--signal=INT',
    `${ms / 1000}s`,
    'hubble',
    'observe',
    '--verdict',
    'DROPPED',
    '-o',
    'jsonpb',
    '--follow',
  ];
}

/** A command that is not in the container (sh/coreutils `timeout` report 127). */
const NOT_FOUND = 127;

async function observeOne(
  client: KubeClient,
  namespace: string,
  pod: string,
  cli: string,
  durationMs: number,
  tool: ObserveTool,
): Promise<Gathered<ObservedDrops>> {
  const requestMs = client.opts.requestTimeoutMs || 30_000;
  // One budget for the node, fallback included: never longer than the duration plus the request timeout.
  const budget = durationMs + requestMs;
  const deadline = Date.now() + budget;
  const left = () => Math.max(1, deadline - Date.now());
  if (tool === 'hubble') {
    const r = await watch(client, namespace, pod, hubbleArgv(durationMs), durationMs, budget, 'hubble');
    if (r !== NOT_FOUND) return r;
    // No hubble CLI in this agent image: the monitor sees the same drops.
    const m = await watch(client, namespace, pod, observeArgv(cli, durationMs), durationMs, left(), 'monitor');
    if (m === NOT_FOUND) return failed(`neither hubble nor ${cli} was found in ${pod}`, { kind: 'exec' });
    return m.ok ? got({ ...m.value, fallback: 'hubble is not in the agent container (exit 127)' }) : m;
  }
  const r = await watch(client, namespace, pod, observeArgv(cli, durationMs), durationMs, budget, 'monitor');
  return r === NOT_FOUND ? failed(`${cli} was not found in ${pod} (exit 127)`, { kind: 'exec' }) : r;
}

/** One bounded watch: the exit 127 of a missing CLI comes back as NOT_FOUND for the caller to fall back. */
async function watch(
  client: KubeClient,
  namespace: string,
  pod: string,
  argv: string[],
  durationMs: number,
  timeoutMs: number,
  tool: ObserveTool,
): Promise<Gathered<ObservedDrops> | typeof NOT_FOUND> {
  const command = `kubectl -n ${namespace} exec ${pod} -c ${AGENT_CONTAINER} -- ${argv.join(' ')}`;
  const parse = tool === 'hubble' ? parseHubbleFlowLine : parseMonitorDropLine;
  const events: DropEvent[] = [];
  let lines = 0;
  let truncated = false;
  let rest = '';
  let parseError: string | undefined;
  const take = (line: string): void => {
    if (lines >= MAX_DROP_LINES) {
      truncated = true;
      return;
    }
    lines++;
    try {
      const ev = parse(line, lines);
      if (ev) events.push(ev);
    } catch (e) {
      parseError ??= oneLine(e);
    }
  };
  try {
    const r = await client.exec(namespace, pod, AGENT_CONTAINER, argv, {
      timeoutMs,
      onStdout: (chunk) => {
        const parts = (rest + chunk.toString('utf8')).split('\n');
        rest = parts.pop() ?? '';
        // Keep the partial line bounded as well: a line longer than 64 KiB is not a drop line.
        if (rest.length > 64 * 1024) rest = '';
        for (const l of parts) take(l);
      },
    });
    if (rest) take(rest);
    if (r.exitCode === NOT_FOUND && events.length === 0) return NOT_FOUND;
    if (r.exitCode !== 0 && r.exitCode !== TIMED_OUT)
      return failed(`${command} exited ${r.exitCode}: ${oneLine(r.stderr).slice(0, 200) || 'no output'}`, {
        kind: 'exec',
      });
  } catch (e) {
    const kind: ErrorKind | undefined = e instanceof KdiagError ? e.kind : undefined;
    return failed(`${command}: ${oneLine(e)}`, kind ? { kind } : {});
  }
  if (parseError && events.length === 0) return failed(parseError, { kind: 'parse' });
  return got({ pod, command, durationMs, events, lines, truncated, tool });
}
