// Fact gathering, separate from judging: every fact is fetched once per run and shared by all checks.
// Per-node calls run on the client's bounded pool, each with its own timeout; a node that fails keeps
// its error (the checks report `unknown` for it) and never hides the nodes that answered.
import { createInterface } from 'node:readline';
import pLimit from 'p-limit';
import type { KubeClient, KubeObject } from '../cluster/client.js';
import { AGENT_CONTAINER, findCilium, listAgentPods, type DaemonSet, type Pod } from '../cilium/discovery.js';
import { parseBpftoolProgJson, parseBpftoolProgText } from '../cilium/formats/bpftool.js';
import { parseLogLine } from '../cilium/formats/log.js';
import { ServiceListTextStream, parseServiceListJson } from '../cilium/formats/service-list.js';
import { parseCiliumStatus } from '../cilium/formats/status.js';
import { classify } from '../cilium/log-catalog.js';
import type { CiliumCli, LbService, LogRecord } from '../cilium/types.js';
import { KdiagError, ParseError, oneLine, type ErrorKind } from '../errors.js';
import {
  failed,
  got,
  type AgentPodFact,
  type BpffsFact,
  type CiliumInstallFact,
  type ClientPodFact,
  type EndpointFact,
  type Facts,
  type Gathered,
  type KubeProxyFact,
  type LogFact,
  type NodeFact,
  type ServiceFact,
} from '../model/facts.js';
import type { FactKey } from '../model/check.js';
import { compareServiceMap, indexServices } from '../cilium/lb-drift.js';
import { withoutOkRows } from '../model/lb-drift.js';
import { compareOptionsFor, servicesInScope } from '../cilium/service-scope.js';
import { bpffsFromMounts } from '../cilium/mounts.js';

export interface GatherOptions {
  needs: Iterable<FactKey>;
  ciliumNamespace?: string;
  /** Restrict per-node facts to these nodes. */
  nodes?: string[];
  /** Services scope; undefined = all namespaces. */
  namespace?: string;
  target?: { namespace: string; name: string };
  from?: { namespace: string; name: string };
  /** Log lines read per agent (tail). */
  logTail?: number;
  /** Per exec/log call; defaults to the client's request timeout. */
  callTimeoutMs?: number;
  /** Keep only these LB map rows (filter while streaming: memory stays per-match, not per-map). */
  serviceMapFilter?: (s: LbService) => boolean;
  /**
   * Receives each node's LB map as soon as it is read, instead of keeping it in the facts: a
   * cluster-wide view then holds one map at a time, not nodes x services rows.
   */
  consumeServiceMap?: (node: string, map: Gathered<LbService[]>) => void;
  /** Called once the cluster-wide facts (services, nodes, install) are in, before the per-node calls. */
  onClusterFacts?: (facts: Facts) => void;
  onProgress?: (done: number, total: number) => void;
}

const PER_NODE: FactKey[] = ['agentLogs', 'bpfPrograms', 'status', 'serviceMap', 'bpffs'];
/** LB maps read at once: each is a whole service table, so this bounds memory on big clusters. */
const MAP_SLOTS = 16;
/** Records kept per agent log: the newest problems, bounded so huge logs cost constant memory. */
const MAX_LOG_RECORDS = 200;

export async function gatherFacts(client: KubeClient, opts: GatherOptions): Promise<Facts> {
  const needs = new Set<FactKey>(opts.needs);
  // Per-node facts need the agents, and the agents need the install.
  if (PER_NODE.some((k) => needs.has(k))) needs.add('agents');
  if (needs.has('agents') || needs.has('config')) needs.add('cilium');

  const facts: Facts = {
    cilium: failed('not gathered'),
    config: failed('not gathered'),
    nodes: failed('not gathered'),
    agents: failed('not gathered'),
    agentLogs: new Map(),
    bpfPrograms: new Map(),
    status: new Map(),
    serviceMap: new Map(),
    bpffs: new Map(),
    services: failed('not gathered'),
    kubeProxy: failed('not gathered'),
    target: opts.target,
  };

  const cluster = await Promise.all([
    needs.has('nodes') ? settle(listNodes(client)) : undefined,
    needs.has('cilium') ? settle(findCilium(client, opts.ciliumNamespace)) : undefined,
    needs.has('services') ? settle(listServices(client, opts.namespace, opts.target)) : undefined,
    needs.has('kubeProxy') ? settle(findKubeProxy(client)) : undefined,
    opts.from ? settle(getClientPod(client, opts.from.namespace, opts.from.name)) : undefined,
  ]);
  const [nodes, cilium, services, kubeProxy, clientPod] = cluster;
  for (const g of cluster) throwIfFatal(g);
  // What the user named must exist: a missing Service or client pod is an input error, not a finding.
  if (opts.target && services && !services.ok && services.kind === 'not-found')
    throw new KdiagError('not-found', `Service ${opts.target.namespace}/${opts.target.name} not found`, {
      hint: 'check the namespace and name: kubectl get services -A',
    });
  if (opts.from && clientPod && !clientPod.ok && clientPod.kind === 'not-found')
    throw new KdiagError('not-found', `client pod ${opts.from.namespace}/${opts.from.name} (--from) not found`, {
      hint: 'check the namespace and name: kubectl get pods -A',
    });
  if (nodes) facts.nodes = nodes;
  if (services) facts.services = services;
  if (kubeProxy) facts.kubeProxy = kubeProxy;
  if (clientPod) facts.client = clientPod;
  if (cilium) {
    if (cilium.ok && !cilium.value) {
      facts.cilium = failed(
        'Cilium is not installed: no DaemonSet labelled k8s-app=cilium with a cilium-agent container',
        { kind: 'not-installed', hint: 'if the agents use other labels or namespaces, pass --cilium-namespace' },
      );
    } else facts.cilium = cilium as Gathered<CiliumInstallFact>;
  }
  if (!facts.cilium.ok) {
    facts.config = facts.cilium;
    facts.agents = facts.cilium;
    return facts;
  }
  const install = facts.cilium.value;
  const [config, agents] = await Promise.all([
    needs.has('config') ? settle(getCiliumConfig(client, install.namespace)) : undefined,
    settle(listAgentPods(client, install)),
  ]);
  if (config) facts.config = config;
  facts.agents = agents;
  if (!agents.ok) return facts;

  opts.onClusterFacts?.(facts);
  let targetFilter = opts.serviceMapFilter;
  if (!targetFilter && opts.target && facts.services.ok) targetFilter = frontendFilter(facts.services.value);

  const wanted = PER_NODE.filter((k) => needs.has(k));
  // With a client pod (--from), its traffic is translated by the agent on its node: ask that agent only.
  const onlyNodes = opts.nodes ?? (facts.client?.ok && facts.client.value.node ? [facts.client.value.node] : undefined);
  facts.nodeScope = onlyNodes;
  const agentList = [...agents.value.values()].filter((a) => !onlyNodes || onlyNodes.includes(a.node));
  const total = agentList.length * wanted.length;
  let done = 0;
  const tick = () => opts.onProgress?.(++done, total);
  let cli: CiliumCli = install.cli;
  const timeoutMs = opts.callTimeoutMs;

  /** Runs the agent CLI, falling back to the other binary name once if this image lacks it (exit 127). */
  const agentCli = async (a: AgentPodFact, args: string[], onStdout?: (b: Buffer) => void) => {
    let r = await client.exec(a.namespace, a.name, AGENT_CONTAINER, [cli, ...args], { timeoutMs, onStdout });
    if (r.exitCode === 127 || r.exitCode === 126) {
      const other: CiliumCli = cli === 'cilium-dbg' ? 'cilium' : 'cilium-dbg';
      const r2 = await client.exec(a.namespace, a.name, AGENT_CONTAINER, [other, ...args], { timeoutMs, onStdout });
      if (r2.exitCode !== 127 && r2.exitCode !== 126) {
        cli = other;
        r = r2;
      }
    }
    return r;
  };

  const tasks: Promise<void>[] = [];
  const mapSlots = pLimit(Math.min(MAP_SLOTS, client.opts.concurrency));
  const sink = serviceMapSink(facts, opts);
  for (const a of agentList) {
    const run = <T>(key: FactKey, map: Map<string, Gathered<T>>, fn: () => Promise<T>) => {
      if (!needs.has(key)) return;
      tasks.push(
        client.pool(async () => {
          map.set(a.node, await settle(notRunning(a) ?? fn()));
          tick();
        }),
      );
    };
    // Logs stay readable when the agent crash loops (the previous container's), so no running check.
    if (needs.has('agentLogs'))
      tasks.push(
        client.pool(async () => {
          facts.agentLogs.set(a.node, await settle(readAgentLog(client, a, opts.logTail ?? 5000, timeoutMs)));
          tick();
        }),
      );
    run('bpfPrograms', facts.bpfPrograms, async () => {
      const j = await client.exec(a.namespace, a.name, AGENT_CONTAINER, ['bpftool', '-j', 'prog', 'show'], {
        timeoutMs,
      });
      // bpftool has printed JSON with -j since 4.15; `[]` means none loaded. Output it cannot parse
      // (empty, truncated) is unknown, never "no programs". Only a bpftool that refuses -j gets the text.
      if (j.exitCode === 0) return parseBpftoolProgJson(j.stdout);
      const t = await client.exec(a.namespace, a.name, AGENT_CONTAINER, ['bpftool', 'prog', 'show'], { timeoutMs });
      if (t.exitCode !== 0) throw execFailed('bpftool prog show', t);
      return parseBpftoolProgText(t.stdout);
    });
    run('status', facts.status, async () => {
      const r = await agentCli(a, ['status']);
      // `cilium status` exits 1 when the agent is unhealthy but still prints the report.
      if (!r.stdout.trim()) throw execFailed(`${cli} status`, r);
      return parseCiliumStatus(r.stdout);
    });
    if (needs.has('serviceMap'))
      // Full LB maps are the big outputs: at most MAP_SLOTS in flight, each handed to the sink at once.
      tasks.push(
        mapSlots(() =>
          client.pool(async () => {
            sink(a.node, await settle(notRunning(a) ?? readServiceMap(a, agentCli, cli, targetFilter)));
            tick();
          }),
        ),
      );
    run('bpffs', facts.bpffs, async () => {
      const r = await client.exec(a.namespace, a.name, AGENT_CONTAINER, ['cat', '/proc/mounts'], { timeoutMs });
      if (r.exitCode !== 0) throw execFailed('cat /proc/mounts', r);
      // A real /proc/mounts always lists / and /proc: empty or headless output proves nothing.
      if (!/^\S+ \/ /m.test(r.stdout))
        throw new ParseError('cat /proc/mounts', 'no root filesystem line: output empty or truncated');
      return bpffsFromMounts(r.stdout);
    });
  }
  await Promise.all(tasks);
  return facts;
}

async function settle<T>(p: Promise<T>): Promise<Gathered<T>> {
  try {
    return got(await p);
  } catch (e) {
    return e instanceof KdiagError ? failed(oneLine(e), { kind: e.kind, hint: e.hint }) : failed(oneLine(e));
  }
}

/** Failures that no other fact can get past: reported as the command's error, not as unknowns. */
const FATAL: ReadonlySet<ErrorKind> = new Set(['unreachable', 'tls', 'unauthorized', 'timeout']);

function throwIfFatal(g: Gathered<unknown> | undefined): void {
  if (g && !g.ok && g.kind && FATAL.has(g.kind)) throw new KdiagError(g.kind, g.error, { hint: g.hint });
}

/** Exec and logs of a container that is not running fail on the real API; say why up front. */
function notRunning(a: AgentPodFact): Promise<never> | undefined {
  if (a.agent.running) return undefined;
  const why = a.agent.waitingReason ?? a.phase;
  return Promise.reject(new KdiagError('exec', `agent ${a.namespace}/${a.name} on ${a.node} is not running (${why})`));
}

function execFailed(what: string, r: { exitCode: number; stderr: string }): KdiagError {
  return new KdiagError('exec', `${what} exited ${r.exitCode}: ${oneLine(r.stderr).slice(0, 200) || 'no output'}`);
}

/**
 * Where each node's LB map goes: to the caller (service-list), else compared with the Services at once
 * and kept as drift only (never every node's map at once), else (no Services) kept as read.
 */
function serviceMapSink(facts: Facts, opts: GatherOptions): (node: string, map: Gathered<LbService[]>) => void {
  if (opts.consumeServiceMap) return opts.consumeServiceMap;
  if (!facts.services.ok) return (node, map) => facts.serviceMap.set(node, map);
  const idx = indexServices(servicesInScope(facts));
  const drift = (facts.serviceDrift ??= new Map());
  return (node, map) =>
    drift.set(
      node,
      map.ok ? got(withoutOkRows(compareServiceMap(idx, map.value, { ...compareOptionsFor(facts), node }))) : map,
    );
}

/** Streams the LB map in the text table (constant memory, filtered early); JSON if the text is unreadable. */
async function readServiceMap(
  a: AgentPodFact,
  agentCli: (
    a: AgentPodFact,
    args: string[],
    onStdout?: (b: Buffer) => void,
  ) => Promise<{ exitCode: number; stdout: string; stderr: string }>,
  cli: CiliumCli,
  filter?: (s: LbService) => boolean,
): Promise<LbService[]> {
  const rows: LbService[] = [];
  const parser = new ServiceListTextStream((s) => {
    if (!filter || filter(s)) rows.push(s);
  });
  let parseError: unknown;
  const r = await agentCli(a, ['service', 'list'], (chunk) => {
    if (parseError) return;
    try {
      parser.write(chunk.toString('utf8'));
    } catch (e) {
      parseError = e;
    }
  });
  if (r.exitCode !== 0) throw execFailed(`${cli} service list`, r);
  if (!parseError) {
    try {
      parser.end();
      return rows;
    } catch (e) {
      parseError = e;
    }
  }
  const j = await agentCli(a, ['service', 'list', '-o', 'json']);
  if (j.exitCode !== 0) throw parseError;
  const all = parseServiceListJson(j.stdout);
  return filter ? all.filter(filter) : all;
}

function frontendFilter(services: ServiceFact[]): (s: LbService) => boolean {
  const ips = new Set<string>();
  for (const s of services) for (const ip of [...s.clusterIPs, ...s.externalIPs, ...s.loadBalancerIPs]) ips.add(ip);
  const nodePorts = new Set(services.flatMap((s) => s.ports.map((p) => p.nodePort).filter((p): p is number => !!p)));
  return (s) => ips.has(s.frontend.ip) || nodePorts.has(s.frontend.port);
}

async function readAgentLog(client: KubeClient, a: AgentPodFact, tail: number, timeoutMs?: number): Promise<LogFact> {
  // A crashed agent's useful lines are in the previous container's log.
  const previous = a.agent.restartCount > 0 && !a.agent.ready;
  const res = await client.logStream(a.namespace, a.name, {
    container: AGENT_CONTAINER,
    tailLines: tail,
    previous,
    timeoutMs,
  });
  const records: LogRecord[] = [];
  let lines = 0;
  for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
    lines++;
    if (!line) continue;
    const rec = parseLogLine(line);
    if (
      rec.level === 'warning' ||
      rec.level === 'error' ||
      rec.level === 'fatal' ||
      rec.level === 'panic' ||
      classify(rec)
    ) {
      records.push(rec);
      if (records.length > MAX_LOG_RECORDS) records.shift();
    }
  }
  return { records, lines, previous };
}

interface NodeObj extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
  status?: {
    nodeInfo?: { kernelVersion?: string; osImage?: string };
    addresses?: { type: string; address: string }[];
    conditions?: { type: string; status: string }[];
  };
}

async function listNodes(client: KubeClient): Promise<NodeFact[]> {
  const out: NodeFact[] = [];
  for await (const n of client.list<NodeObj>('/api/v1/nodes')) {
    out.push({
      name: n.metadata?.name ?? '',
      kernelVersion: n.status?.nodeInfo?.kernelVersion ?? '',
      osImage: n.status?.nodeInfo?.osImage,
      internalIP: n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address,
      ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      schedulable: !n.spec?.unschedulable,
      taints: (n.spec?.taints ?? [])
        .filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
        .map((t) => t.key),
    });
  }
  return out;
}

interface ServiceObj extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    ports?: { name?: string; port: number; protocol?: string; nodePort?: number; targetPort?: string | number }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}
interface SliceObj extends KubeObject {
  addressType?: string;
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    nodeName?: string;
    targetRef?: { name?: string };
  }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

async function listServices(
  client: KubeClient,
  namespace?: string,
  target?: { namespace: string; name: string },
): Promise<ServiceFact[]> {
  const ns = target?.namespace ?? namespace;
  const base = ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}` : '/api/v1';
  const sliceBase = ns ? `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(ns)}` : '/apis/discovery.k8s.io/v1';
  const [svcs, slices] = await Promise.all([
    target
      ? client.get<ServiceObj>(`${base}/services/${encodeURIComponent(target.name)}`).then((s) => [s])
      : client.listAll<ServiceObj>(`${base}/services`),
    client.listAll<SliceObj>(`${sliceBase}/endpointslices`, {
      labelSelector: target ? `kubernetes.io/service-name=${target.name}` : undefined,
    }),
  ]);
  const eps = new Map<string, EndpointFact[]>();
  for (const sl of slices) {
    const svc = sl.metadata?.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const key = `${sl.metadata?.namespace}/${svc}`;
    const list = eps.get(key) ?? [];
    for (const ep of sl.endpoints ?? []) {
      const c = ep.conditions ?? {};
      // EndpointConditions: a nil `ready` means ready (discovery.k8s.io/v1 API docs); serving defaults to ready.
      const ready = c.ready !== false;
      for (const ip of ep.addresses)
        for (const p of sl.ports ?? [])
          list.push({
            ip,
            port: p.port ?? 0,
            protocol: p.protocol ?? 'TCP',
            portName: p.name || undefined,
            ready,
            serving: c.serving ?? ready,
            terminating: c.terminating ?? false,
            nodeName: ep.nodeName,
            targetPod: ep.targetRef?.name,
          });
    }
    eps.set(key, list);
  }
  return svcs.map((s) => {
    const ips = (s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])).filter(
      (ip) => ip && ip !== 'None',
    );
    return {
      namespace: s.metadata?.namespace ?? '',
      name: s.metadata?.name ?? '',
      type: s.spec?.type ?? 'ClusterIP',
      clusterIPs: ips,
      ports: (s.spec?.ports ?? []).map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' })),
      externalIPs: s.spec?.externalIPs ?? [],
      loadBalancerIPs: (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip),
      headless: s.spec?.clusterIP === 'None',
      endpoints: eps.get(`${s.metadata?.namespace}/${s.metadata?.name}`) ?? [],
    };
  });
}

async function getCiliumConfig(client: KubeClient, namespace: string): Promise<Record<string, string>> {
  const cm = await client.getOptional<KubeObject & { data?: Record<string, string> }>(
    `/api/v1/namespaces/${namespace}/configmaps/cilium-config`,
  );
  if (!cm) throw new KdiagError('not-found', `ConfigMap ${namespace}/cilium-config not found`);
  return cm.data ?? {};
}

async function findKubeProxy(client: KubeClient): Promise<KubeProxyFact> {
  const sel = { labelSelector: 'k8s-app=kube-proxy' };
  let sets: DaemonSet[];
  let pods: Pod[];
  try {
    [sets, pods] = await Promise.all([
      client.listAll<DaemonSet>('/apis/apps/v1/daemonsets', sel),
      client.listAll<Pod>('/api/v1/pods', sel),
    ]);
  } catch (e) {
    if (!(e instanceof KdiagError && e.kind === 'forbidden')) throw e;
    [sets, pods] = await Promise.all([
      client.listAll<DaemonSet>('/apis/apps/v1/namespaces/kube-system/daemonsets', sel),
      client.listAll<Pod>('/api/v1/namespaces/kube-system/pods', sel),
    ]);
  }
  const ds = sets[0];
  return {
    daemonSet: ds
      ? {
          namespace: ds.metadata?.namespace ?? '',
          name: ds.metadata?.name ?? '',
          desired: ds.status?.desiredNumberScheduled ?? 0,
          ready: ds.status?.numberReady ?? 0,
        }
      : undefined,
    pods: pods
      .filter((p) => !p.metadata?.deletionTimestamp)
      .map((p) => ({
        name: p.metadata?.name ?? '',
        node: p.spec?.nodeName ?? '',
        ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      })),
  };
}

async function getClientPod(client: KubeClient, namespace: string, name: string): Promise<ClientPodFact> {
  const p = await client.get<Pod>(
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
  );
  return {
    namespace,
    name,
    node: p.spec?.nodeName ?? '',
    ip: p.status?.podIP,
    hostNetwork: Boolean(p.spec?.hostNetwork),
    labels: p.metadata?.labels ?? {},
  };
}
