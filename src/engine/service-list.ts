// `kdiag service-list`: every Service joined with the LB map of every agent. Each node's map is compared
// as soon as it arrives and then dropped; per Service we keep a count of agreeing nodes and the details
// of the nodes that disagree, so memory grows with services + drift, not nodes x services.
import type { KubeClient } from '../cluster/client.js';
import type { BackendState, LbService } from '../cilium/types.js';
import type { Facts, Gathered, ServiceFact } from '../model/facts.js';
import { gatherFacts } from './gather.js';
import { calicoDown, calicoServiceMaps, CALICO_SERVICE_LIST_NEEDS } from './service-list-calico.js';
import { datapathDown } from './service-list-datapath.js';
import { kubeProxyServiceMaps, KUBE_PROXY_SERVICE_LIST_NEEDS } from './service-list-kube-proxy.js';
import { compareServiceMap, indexServices } from '../cilium/lb-drift.js';
import { worstDrift, type AgentBackend, type DriftStatus, type FrontendKind } from '../model/lb-drift.js';
import { naturalCompare } from '../util/natural-sort.js';

export interface NodeResult {
  node: string;
  status: DriftStatus;
  missing?: string[];
  extra?: string[];
  agentBackends?: AgentBackend[];
  /** Why the node could not be asked (NODE_UNKNOWN). */
  reason?: string;
}

/** One backend of a frontend as the agents list it: how many nodes list it in each state. */
export interface BackendView {
  /** ip:port/PROTO as the agent prints it (`ANY`: no protocol in that format) */
  address: string;
  states: Partial<Record<BackendState, number>>;
}

/** A backend the agents list but do not pick for new connections (quarantined, maintenance), and why. */
export interface NotServing {
  backend: string;
  state: BackendState;
  /** Nodes listing it in that state. */
  nodes: number;
  reason: string;
}

export interface ServiceRow {
  namespace: string;
  name: string;
  frontend: string;
  kind: FrontendKind | 'unknown';
  status: DriftStatus;
  readyEndpoints: number;
  /** EndpointSlice endpoints with `terminating: true` (pods being deleted). */
  terminatingEndpoints: number;
  nodesOk: number;
  /** Nodes that disagree (or could not be asked), with details. */
  nodes: NodeResult[];
  /** Every backend the agents list for this frontend, with its states (cilium service list `(state)`). */
  backends: BackendView[];
  notServing?: NotServing[];
  /** Agent states that contradict the EndpointSlice conditions, per node (see DriftRow.stateMismatch). */
  stateMismatch?: { node: string; backends: string[] }[];
  /** `rollout-stuck`: endpoints exist, every one terminating, none ready (a rollout that does not finish). */
  endpoints?: 'rollout-stuck';
}

/** Why the agent skips a backend for new connections (docs/formats.md, "The row format"). */
export const NOT_SERVING_REASON: Partial<Record<BackendState, string>> = {
  quarantined: "the agent's health checker found it unreachable: not selected for load-balancing",
  maintenance: 'in maintenance (e.g. weight 0): neither selected for load-balancing nor health-checked',
};

export interface ServiceListReport {
  apiVersion: 'kdiag/v1';
  kind: 'ServiceList';
  cilium?: { namespace: string; version: string };
  /**
   * Whose maps the rows come from when it is not Cilium's agents (`calico-ebpf`: calico-node's NAT maps;
   * `kube-proxy`: each node's kube-proxy rules in `kubeProxyMode`).
   */
  datapath?: 'calico-ebpf' | 'kube-proxy';
  kubeProxyMode?: 'iptables' | 'ipvs' | 'nftables';
  summary: {
    services: number;
    rows: number;
    nodes: number;
    nodesUnknown: number;
    /** Nodes whose agent answered but whose datapath is down (not Ready, no programs loaded). */
    nodesDatapathDown: number;
    notOk: number;
    byStatus: Record<DriftStatus, number>;
  };
  nodes: {
    node: string;
    status: 'ok' | 'unknown';
    reason?: string;
    /** `down`: the map was read, but it is not in use on this node (`reason` says why). */
    datapath?: 'down';
    drift: Partial<Record<DriftStatus, number>>;
  }[];
  rows: ServiceRow[];
}

export interface ServiceListOptions {
  ciliumNamespace?: string;
  namespace?: string;
  service?: { namespace: string; name: string };
  node?: string;
  onProgress?: (done: number, total: number) => void;
}

export async function buildServiceList(
  client: KubeClient,
  opts: ServiceListOptions,
): Promise<{ report: ServiceListReport; facts: Facts }> {
  const rows = new Map<string, ServiceRow>();
  const nodes: ServiceListReport['nodes'] = [];
  let services: ServiceFact[] = [];
  let index = indexServices([]);

  // Nodes whose map is the very same array (a digest group in sync, gather-digest.ts) wait here and are
  // judged together, once, with their count as weight: a cluster whose maps agree costs services + nodes,
  // not nodes x services. Flushed before anything that looks at the rows (an unknown node, the end).
  const pending = new Map<LbService[], string[]>();
  const consume = (node: string, map: Gathered<LbService[]>) => {
    if (!map.ok) {
      flush();
      nodes.push({ node, status: 'unknown', reason: map.error, drift: {} });
      unknownForAll(node, map.error);
      return;
    }
    const same = pending.get(map.value);
    if (same) same.push(node);
    else pending.set(map.value, [node]);
  };
  const flush = () => {
    for (const [map, names] of pending) judgeFor(names, map);
    pending.clear();
  };
  const judgeFor = (names: string[], map: LbService[]) => {
    const weight = names.length;
    const d = compareServiceMap(index, map, { node: names[0], target: opts.service });
    // Scoped to a namespace, a frontend no listed Service owns may belong to another namespace: not STALE.
    const judged = opts.namespace ? d.rows.filter((r) => r.status !== 'STALE') : d.rows;
    const drift: Partial<Record<DriftStatus, number>> = {};
    for (const r of judged) if (r.status !== 'OK') drift[r.status] = (drift[r.status] ?? 0) + 1;
    for (const node of names) nodes.push({ node, status: 'ok', drift: { ...drift } });
    for (const r of judged) {
      const key = r.name ? `${r.namespace}/${r.name}|${r.frontend}` : `stale|${r.frontend}`;
      let row = rows.get(key);
      if (!row) {
        row = {
          namespace: r.namespace ?? '',
          name: r.name ?? '',
          frontend: r.frontend,
          kind: r.kind,
          status: 'OK',
          readyEndpoints: r.expected.length,
          terminatingEndpoints: 0,
          nodesOk: 0,
          nodes: [],
          backends: [],
        };
        rows.set(key, row);
      }
      tally(key, r.agentBackends, weight);
      if (r.stateMismatch?.length)
        for (const node of names) {
          if ((row.stateMismatch ??= []).length >= 20) break;
          row.stateMismatch.push({ node, backends: r.stateMismatch });
        }
      if (r.status === 'OK') row.nodesOk += weight;
      else
        for (const node of names)
          row.nodes.push({
            node,
            status: r.status,
            missing: r.missing,
            extra: r.extra,
            agentBackends: r.agentBackends,
          });
    }
  };
  // Per row: backend address -> state -> nodes listing it so (kept apart from the rows until the end).
  const states = new Map<string, Map<string, Partial<Record<BackendState, number>>>>();
  const tally = (key: string, bs: AgentBackend[], weight: number) => {
    if (!bs.length) return;
    let m = states.get(key);
    if (!m) states.set(key, (m = new Map()));
    for (const b of bs) {
      const a = `${b.ip.includes(':') ? `[${b.ip}]` : b.ip}:${b.port}/${b.protocol}`;
      let c = m.get(a);
      if (!c) m.set(a, (c = {}));
      c[b.state] = (c[b.state] ?? 0) + weight;
    }
  };
  const unknownForAll = (node: string, reason: string) => {
    for (const row of rows.values()) if (row.name) row.nodes.push({ node, status: 'NODE_UNKNOWN', reason });
  };

  const facts = await gatherFacts(client, {
    needs: [
      'services',
      'serviceMap',
      'bpfPrograms',
      ...new Set([...CALICO_SERVICE_LIST_NEEDS, ...KUBE_PROXY_SERVICE_LIST_NEEDS]),
    ],
    ciliumNamespace: opts.ciliumNamespace,
    namespace: opts.namespace,
    target: opts.service,
    nodes: opts.node ? [opts.node] : undefined,
    onProgress: opts.onProgress,
    onClusterFacts: (f) => {
      services = f.services.ok ? f.services.value : [];
      index = indexServices(services);
      // Every expected frontend gets a row, even if no node can be read.
      for (const s of services) seedRows(rows, s);
    },
    consumeServiceMap: consume,
  });
  flush();

  // Calico eBPF: the NAT maps read from calico-node, through the same join (service-list-calico.ts).
  const calicoMaps = calicoServiceMaps(facts);
  if (calicoMaps) {
    services = facts.services.ok ? facts.services.value : [];
    index = indexServices(services);
    for (const s of services) seedRows(rows, s);
    for (const [node, map] of calicoMaps) consume(node, map);
    flush();
  }
  // kube-proxy serves Services: its rules on each node, not Cilium's map (which it does not use for them).
  const kubeProxy = calicoMaps ? undefined : kubeProxyServiceMaps(facts);
  if (kubeProxy) {
    rows.clear();
    states.clear();
    nodes.length = 0;
    services = facts.services.ok ? facts.services.value : [];
    index = indexServices(services);
    for (const s of services) seedRows(rows, s);
    for (const [node, map] of kubeProxy.maps) consume(node, map);
    flush();
  }
  // Rows that agree on a node whose datapath is down are not OK there: the map is not in use.
  const down = calicoMaps ? calicoDown(facts) : kubeProxy ? new Map<string, string>() : datapathDown(facts);
  for (const n of nodes) {
    const reason = down.get(n.node);
    if (n.status !== 'ok' || !reason) continue;
    n.datapath = 'down';
    n.reason = reason;
    for (const row of rows.values()) {
      if (!row.name || row.nodes.some((x) => x.node === n.node)) continue;
      row.nodesOk = Math.max(0, row.nodesOk - 1);
      row.nodes.push({ node: n.node, status: 'NODE_UNKNOWN', reason });
    }
  }

  const byStatus: Record<DriftStatus, number> = {
    OK: 0,
    NOT_IN_MAP: 0,
    BACKENDS_DIFFER: 0,
    NO_ENDPOINTS: 0,
    STALE: 0,
    NODE_UNKNOWN: 0,
  };
  for (const [key, row] of rows) {
    const m = states.get(key);
    if (!m) continue;
    // In address order, not in the order the nodes happened to answer: the same cluster gives the same rows.
    row.backends = [...m]
      .map(([address, st]) => ({ address, states: inStateOrder(st) }))
      .sort((a, b) => naturalCompare(a.address, b.address));
    for (const b of row.backends)
      for (const [state, n] of Object.entries(b.states) as [BackendState, number][]) {
        const reason = NOT_SERVING_REASON[state];
        if (reason) (row.notServing ??= []).push({ backend: b.address, state, nodes: n, reason });
      }
  }
  const out = [...rows.values()];
  for (const row of out) {
    // Nodes in name order, not in the order they answered: the same cluster gives the same report.
    row.nodes.sort((a, b) => naturalCompare(a.node, b.node));
    row.status = row.nodes.length ? worstDrift(row.nodes.map((n) => n.status)) : 'OK';
    // No node could tell, but Kubernetes alone already says there is nothing to balance to.
    if (row.name && row.readyEndpoints === 0 && row.nodesOk === 0 && row.nodes.length === 0)
      row.status = 'NO_ENDPOINTS';
    byStatus[row.status]++;
  }
  out.sort((a, b) => `${a.namespace}/${a.name}|${a.frontend}`.localeCompare(`${b.namespace}/${b.name}|${b.frontend}`));
  nodes.sort((a, b) => naturalCompare(a.node, b.node));
  return {
    facts,
    report: {
      apiVersion: 'kdiag/v1',
      kind: 'ServiceList',
      cilium: facts.cilium.ok
        ? { namespace: facts.cilium.value.namespace, version: facts.cilium.value.version }
        : undefined,
      ...(calicoMaps ? { datapath: 'calico-ebpf' as const } : {}),
      ...(kubeProxy ? { datapath: 'kube-proxy' as const, kubeProxyMode: kubeProxy.mode } : {}),
      summary: {
        services: services.length,
        rows: out.length,
        nodes: nodes.length,
        nodesUnknown: nodes.filter((n) => n.status === 'unknown').length,
        nodesDatapathDown: nodes.filter((n) => n.datapath === 'down').length,
        notOk: out.filter((r) => r.status !== 'OK').length,
        byStatus,
      },
      nodes,
      rows: out,
    },
  };
}

function seedRows(rows: Map<string, ServiceRow>, s: ServiceFact): void {
  if (s.headless) return;
  for (const ip of s.clusterIPs)
    for (const p of s.ports) {
      const frontend = `${ip.includes(':') ? `[${ip}]` : ip}:${p.port}/${p.protocol.toUpperCase()}`;
      const key = `${s.namespace}/${s.name}|${frontend}`;
      if (rows.has(key)) continue;
      // a dual-stack Service's frontend balances to the endpoints of its own address family
      const v6 = ip.includes(':');
      const own = s.endpoints.filter((e) => (p.name ? e.portName === p.name : true) && e.ip.includes(':') === v6);
      const ready = own.filter((e) => e.ready).length;
      const terminating = own.filter((e) => e.terminating).length;
      rows.set(key, {
        namespace: s.namespace,
        name: s.name,
        frontend,
        kind: 'ClusterIP',
        status: 'OK',
        readyEndpoints: ready,
        terminatingEndpoints: terminating,
        nodesOk: 0,
        nodes: [],
        backends: [],
        ...(ready === 0 && terminating > 0 && terminating === own.length
          ? { endpoints: 'rollout-stuck' as const }
          : {}),
      });
    }
}

const STATE_ORDER: BackendState[] = ['active', 'terminating', 'quarantined', 'maintenance', 'unknown'];
/** The counts in one fixed order, whatever node answered first. */
function inStateOrder(st: Partial<Record<BackendState, number>>): Partial<Record<BackendState, number>> {
  const out: Partial<Record<BackendState, number>> = {};
  for (const k of STATE_ORDER) if (st[k] !== undefined) out[k] = st[k];
  return out;
}
