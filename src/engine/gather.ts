// Fact gathering, separate from judging: every fact is fetched once per run and shared by all checks.
// Per-node calls run on the client's bounded pool, each with its own timeout; a node that fails keeps
// its error (the checks report `unknown` for it) and never hides the nodes that answered.
import pLimit from 'p-limit';
import type { KubeClient } from '../cluster/client.js';
import { AGENT_CONTAINER, findCilium, listAgentPods } from '../cilium/discovery.js';
import { parseBpftoolProgJson, parseBpftoolProgText } from '../cilium/formats/bpftool.js';
import { parseCiliumStatus } from '../cilium/formats/status.js';
import { compareServiceMap, indexServices } from '../cilium/lb-drift.js';
import { bpffsFromMounts } from '../cilium/mounts.js';
import { compareOptionsFor, servicesInScope } from '../cilium/service-scope.js';
import type { CiliumCli, LbService } from '../cilium/types.js';
import { classifyDatapath, detectDatapath, type AgentCli } from '../datapath/index.js';
import { execFailed } from '../datapath/cilium.js';
import { KdiagError, ParseError, oneLine, type ErrorKind } from '../errors.js';
import type { FactKey } from '../model/check.js';
import { failed, got, type AgentPodFact, type CiliumInstallFact, type Facts, type Gathered } from '../model/facts.js';
import type { KubeProxyLeftoversFact } from '../model/kube-proxy.js';
import { withoutOkRows, type NodeDrift } from '../model/lb-drift.js';
import { frontendFilter, readAgentLog } from './gather-agent.js';
import { frontendKeys, nodeFilterArgv, readFilteredLbMap } from './gather-filter.js';
import { gatherCalico } from './gather-calico.js';
import { gatherDatapathSignals } from './gather-datapath.js';
import { mapInSync, readMapsByDigest, readNodeDigest } from './gather-digest.js';
import { NodeScript, planNodeScript } from './gather-combined.js';
import { gatherKubeProxyRules } from './gather-kube-proxy.js';
import { leftoversApply, readKubeProxyLeftovers } from './gather-leftovers.js';
import { findKubeProxy, getCiliumConfig, getClientPod, listNodes, listServices } from './gather-api.js';
import { listMeshPods } from './gather-mesh.js';

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

const PER_NODE: FactKey[] = ['agentLogs', 'bpfPrograms', 'status', 'serviceMap', 'bpffs', 'kubeProxyLeftovers'];
const CALICO_FACTS: FactKey[] = ['calicoNodes', 'calicoNat', 'calicoLogs', 'calicoPrograms'];
/** LB maps read at once: each is a whole service table, so this bounds memory on big clusters. */
const MAP_SLOTS = 16;
/** Below this many nodes the digest round trip costs more than it saves. */
const DIGEST_MIN_NODES = 3;

export async function gatherFacts(client: KubeClient, opts: GatherOptions): Promise<Facts> {
  const facts = await gatherBase(client, opts);
  // Where kube-proxy serves Services (iptables, IPVS or nftables mode), its rules are read through its pods
  // (no Cilium needed).
  if (new Set(opts.needs).has('kubeProxyRules')) {
    const d = classifyDatapath(facts);
    if (d.services === 'kube-proxy' && d.kubeProxyMode)
      await gatherKubeProxyRules(client, facts, facts.nodeScope ?? opts.nodes, d.kubeProxyMode);
  }
  return facts;
}

async function gatherBase(client: KubeClient, opts: GatherOptions): Promise<Facts> {
  const needs = new Set<FactKey>(opts.needs);
  // Per-node facts need the agents, and the agents need the install.
  if (PER_NODE.some((k) => needs.has(k))) needs.add('agents');
  if (needs.has('agents') || needs.has('config')) needs.add('cilium');
  // Leftover kube-proxy chains are only looked for with KPR on and kube-proxy gone: both must be known.
  if (needs.has('kubeProxyLeftovers')) for (const k of ['config', 'kubeProxy', 'cilium'] as const) needs.add(k);

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
    needs.has('datapathSignals') ? settle(gatherDatapathSignals(client)) : undefined,
    // Mesh clients cluster-wide only when the run names no Service and no client (preflight): a run about one
    // Service judges its `--from` client instead of every meshed pod in the cluster.
    needs.has('meshPods') && !opts.target && !opts.from ? settle(listMeshPods(client)) : undefined,
  ]);
  const [nodes, cilium, services, kubeProxy, clientPod, datapathSignals, meshPods] = cluster;
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
  if (datapathSignals) facts.datapathSignals = datapathSignals;
  if (meshPods) facts.meshPods = meshPods;
  // Calico's own facts (calico-node pods; on Calico eBPF the NAT maps), whether or not Cilium runs.
  if (CALICO_FACTS.some((k) => needs.has(k)))
    await gatherCalico(client, facts, {
      logTail: opts.logTail,
      nodes: opts.nodes,
      programs: needs.has('calicoPrograms'),
    });
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
  // With a target, each agent filters its own map (gather-filter.ts); the full read is the fallback.
  const nodeKeys =
    opts.target && !opts.serviceMapFilter && facts.services.ok ? frontendKeys(facts.services.value) : undefined;

  // With a client pod (--from), its traffic is translated by the agent on its node: ask that agent only.
  const onlyNodes = opts.nodes ?? (facts.client?.ok && facts.client.value.node ? [facts.client.value.node] : undefined);
  facts.nodeScope = onlyNodes;
  const agentList = [...agents.value.values()].filter((a) => !onlyNodes || onlyNodes.includes(a.node));
  // Progress counts agents, what the user thinks in: an agent is done when its last fact is in.
  const total = agentList.length;
  let done = 0;
  const left = new Map<string, number>();
  const tick = (node: string) => {
    const n = (left.get(node) ?? 1) - 1;
    left.set(node, n);
    if (n === 0) opts.onProgress?.(++done, total);
  };
  let cli: CiliumCli = install.cli;
  const datapath = detectDatapath(facts);
  const leftovers =
    needs.has('kubeProxyLeftovers') && leftoversApply(facts)
      ? new Map<string, Gathered<KubeProxyLeftoversFact>>()
      : undefined;
  if (leftovers) facts.kubeProxyLeftovers = leftovers;

  /** Runs the agent CLI, falling back to the other binary name once if this image lacks it (exit 127). */
  const agentCli = async (a: AgentPodFact, args: string[], onStdout?: (b: Buffer) => void) => {
    let r = await client.exec(a.namespace, a.name, AGENT_CONTAINER, [cli, ...args], { onStdout });
    if (r.exitCode === 127 || r.exitCode === 126) {
      const other: CiliumCli = cli === 'cilium-dbg' ? 'cilium' : 'cilium-dbg';
      const r2 = await client.exec(a.namespace, a.name, AGENT_CONTAINER, [other, ...args], { onStdout });
      if (r2.exitCode !== 127 && r2.exitCode !== 126) {
        cli = other;
        r = r2;
      }
    }
    return r;
  };
  const agentOf = (a: AgentPodFact): AgentCli => ({
    get name() {
      return cli;
    },
    run: (args, onStdout) => agentCli(a, args, onStdout),
  });

  const tasks: Promise<void>[] = [];
  const mapSlots = pLimit(Math.min(MAP_SLOTS, client.opts.concurrency));
  const sink = serviceMapSink(facts, opts);
  // One exec per node for the small reads (gather-combined.ts), set below once the map path is known.
  let script: NodeScript | undefined;
  const readMap = async (a: AgentPodFact): Promise<LbService[]> => {
    const fromScript = targetFilter && (await script?.filter(a, targetFilter));
    if (script && fromScript) {
      // The evidence names the filter alone: it prints exactly this section's rows, can be pasted as is, and
      // is the same command whether the node answered through the script, its own exec or a bundle.
      const keys = script.plan.keys ?? nodeKeys;
      if (keys) (facts.serviceMapCommand ??= new Map()).set(a.node, nodeFilterArgv(cli, keys));
      return fromScript;
    }
    if (nodeKeys && targetFilter && datapath.id === 'cilium') {
      const rows = await readFilteredLbMap(client, a, cli, nodeKeys, targetFilter);
      if (rows) {
        (facts.serviceMapCommand ??= new Map()).set(a.node, nodeFilterArgv(cli, nodeKeys));
        return rows;
      }
    }
    return datapath.readLbMap(agentOf(a), targetFilter);
  };
  // Full LB maps are the big outputs: at most MAP_SLOTS in flight, each handed to the sink at once.
  const readMapInFull = (a: AgentPodFact) =>
    mapSlots(() =>
      client.pool(async () => {
        sink(a.node, await settle(notRunning(a) ?? readMap(a)));
        tick(a.node);
      }),
    );
  // Cluster-wide, every Service in scope: nodes digest their maps and equal maps are read once (gather-digest.ts).
  const byDigest =
    needs.has('serviceMap') &&
    !opts.target &&
    !opts.namespace &&
    !opts.serviceMapFilter &&
    datapath.id === 'cilium' &&
    facts.services.ok &&
    agentList.length >= DIGEST_MIN_NODES;
  const plan = planNodeScript({
    progs: needs.has('bpfPrograms'),
    status: needs.has('status'),
    mounts: needs.has('bpffs'),
    filter: needs.has('serviceMap') && targetFilter && datapath.id === 'cilium' ? nodeKeys : undefined,
    digest: byDigest,
    nat: !!leftovers,
  });
  if (plan) {
    script = new NodeScript(client, plan, () => cli);
    script.start(agentList); // first on the pool: the tasks below wait on it
  }
  if (byDigest && facts.services.ok) {
    const services = facts.services.value;
    // doctor judges with compareOptionsFor, service-list with the defaults: shared only if in sync under both.
    const optionSets = [compareOptionsFor(facts), {}];
    tasks.push(
      readMapsByDigest(client, agentList, {
        digest: async (a) => (await script?.digest(a)) ?? readNodeDigest(client, a, cli),
        readFull: readMapInFull,
        readOne: (a) => mapSlots(() => client.pool(() => settle(readMap(a)))),
        inSync: (map) => mapInSync(services, map, optionSets),
        deliver: (a, map) => {
          sink(a.node, map);
          tick(a.node);
        },
      }),
    );
  }
  for (const a of agentList) {
    const before = tasks.length;
    const run = <T>(key: FactKey, map: Map<string, Gathered<T>>, fn: () => Promise<T>) => {
      if (!needs.has(key)) return;
      tasks.push(
        (async () => {
          // The node's script answer when it is clean; otherwise (or without one) the separate exec as before.
          const pre = (await script?.fact(key, a)) as T | undefined;
          map.set(a.node, pre ? got(pre) : await client.pool(() => settle(notRunning(a) ?? fn())));
          tick(a.node);
        })(),
      );
    };
    // Logs stay readable when the agent crash loops (the previous container's), so no running check.
    if (needs.has('agentLogs'))
      tasks.push(
        client.pool(async () => {
          facts.agentLogs.set(a.node, await settle(readAgentLog(client, a, opts.logTail ?? 5000)));
          tick(a.node);
        }),
      );
    run('bpfPrograms', facts.bpfPrograms, async () => {
      const j = await client.exec(a.namespace, a.name, AGENT_CONTAINER, ['bpftool', '-j', 'prog', 'show']);
      // bpftool has printed JSON with -j since 4.15; `[]` means none loaded. Output it cannot parse
      // (empty, truncated) is unknown, never "no programs". Only a bpftool that refuses -j gets the text.
      if (j.exitCode === 0) return parseBpftoolProgJson(j.stdout);
      const t = await client.exec(a.namespace, a.name, AGENT_CONTAINER, ['bpftool', 'prog', 'show']);
      if (t.exitCode !== 0) throw execFailed('bpftool prog show', t);
      return parseBpftoolProgText(t.stdout);
    });
    run('status', facts.status, async () => {
      const r = await agentCli(a, ['status']);
      // `cilium status` exits 1 when the agent is unhealthy but still prints the report.
      if (!r.stdout.trim()) throw execFailed(`${cli} status`, r);
      return parseCiliumStatus(r.stdout);
    });
    // Where Calico eBPF serves Services its NAT maps are read from calico-node (gather-calico.ts), not here.
    if (needs.has('serviceMap') && !byDigest && datapath.id !== 'calico-ebpf') tasks.push(readMapInFull(a));
    run('bpffs', facts.bpffs, async () => {
      const r = await client.exec(a.namespace, a.name, AGENT_CONTAINER, ['cat', '/proc/mounts']);
      if (r.exitCode !== 0) throw execFailed('cat /proc/mounts', r);
      // A real /proc/mounts always lists / and /proc: empty or headless output proves nothing.
      if (!/^\S+ \/ /m.test(r.stdout))
        throw new ParseError('cat /proc/mounts', 'no root filesystem line: output empty or truncated');
      return bpffsFromMounts(r.stdout);
    });
    if (leftovers) run('kubeProxyLeftovers', leftovers, () => readKubeProxyLeftovers(client, a));
    // (set before any task can finish: the pool runs them after this loop yields)
    left.set(a.node, tasks.length - before);
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

/**
 * Where each node's LB map goes: to the caller (service-list), else compared with the Services at once
 * and kept as drift only (never every node's map at once), else (no Services) kept as read.
 */
function serviceMapSink(facts: Facts, opts: GatherOptions): (node: string, map: Gathered<LbService[]>) => void {
  if (opts.consumeServiceMap) return opts.consumeServiceMap;
  if (!facts.services.ok) return (node, map) => facts.serviceMap.set(node, map);
  const idx = indexServices(servicesInScope(facts));
  const drift = (facts.serviceDrift ??= new Map());
  // Nodes of a digest group share one judged map (compareServiceMap's memo): keep one lean row list too.
  const lean = new WeakMap<NodeDrift['rows'], NodeDrift['rows']>();
  const kept = (d: NodeDrift): NodeDrift => {
    let rows = lean.get(d.rows);
    if (!rows) lean.set(d.rows, (rows = withoutOkRows(d).rows));
    return { ...d, rows };
  };
  return (node, map) =>
    drift.set(node, map.ok ? got(kept(compareServiceMap(idx, map.value, { ...compareOptionsFor(facts), node }))) : map);
}
