// Detects a node whose BPF service map disagrees with the Services' ready endpoints, and Services with no ready endpoints (source: `cilium(-dbg) service list` per agent vs Services + EndpointSlices).
import { agentNodes, capped, finding, nodeUnknown, restartRemediation } from './util.js';
import { compareServiceMap, formatDriftRow, indexServices, type ServiceIndex } from '../cilium/lb-drift.js';
import type { DriftRow, NodeDrift } from '../model/lb-drift.js';
import { compareOptionsFor, servicesInScope } from '../cilium/service-scope.js';
import type { Facts, Gathered, ServiceFact } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'service-map';

function listCmd(facts: Facts): string {
  return facts.cilium.ok ? `${facts.cilium.value.cli} service list` : 'cilium-dbg service list';
}

/** A node's drift: precomputed by the gatherer (large clusters), or computed here from its raw map. */
function driftOf(facts: Facts, node: string, idx: () => ServiceIndex): Gathered<NodeDrift> | undefined {
  const pre = facts.serviceDrift?.get(node);
  if (pre) return pre;
  const g = facts.serviceMap.get(node);
  if (!g || !g.ok) return g;
  return { ok: true, value: compareServiceMap(idx(), g.value, { ...compareOptionsFor(facts), node }) };
}

export const serviceMap: Check = {
  id: ID,
  title: "Each agent's BPF service map matches the Services and their ready endpoints",
  reasons: [
    'in-sync',
    'not-in-map',
    'backends-differ',
    'stale-frontend',
    'no-ready-endpoints',
    'cluster-wide',
    'headless',
    'target-not-found',
    'rollout-stuck',
    'backends-not-serving',
  ],
  needs: ['services', 'serviceMap'],
  rbac: ['list services (cluster-wide)', 'list endpointslices (cluster-wide)', 'create pods/exec in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    if (!facts.services.ok) return [];
    const out: Finding[] = [];
    const services = servicesInScope(facts);
    const t = facts.target;
    if (t) {
      const subject = `${t.namespace}/${t.name}`;
      if (!services.length) {
        return [finding(ID, 'target-not-found', { status: 'fail', subject, message: `Service ${subject} not found` })];
      }
      if (services[0].headless) {
        return [
          finding(ID, 'headless', {
            status: 'info',
            subject,
            message:
              'headless Service (clusterIP: None): clients resolve pod IPs via DNS; nothing is load-balanced, so nothing is expected in the map',
            evidence: [{ source: 'Service.spec', excerpt: `${subject} clusterIP=None` }],
          }),
        ];
      }
    }

    // Services with no ready endpoint: the map cannot help; not a datapath fault.
    for (const s of services) {
      if (s.headless) continue;
      if (s.endpoints.some((e) => e.ready && !e.terminating)) continue;
      const subject = `${s.namespace}/${s.name}`;
      // Every endpoint terminating and none ready: old pods are going, no new one became Ready.
      const stuck = s.endpoints.length > 0 && s.endpoints.every((e) => e.terminating);
      out.push(
        finding(ID, stuck ? 'rollout-stuck' : 'no-ready-endpoints', {
          status: t ? 'fail' : 'info',
          subject,
          message: stuck
            ? `Service ${subject}: all ${new Set(s.endpoints.map((e) => e.ip)).size} endpoint(s) are terminating and none is ready: a stuck rollout (old pods being deleted, no new pod Ready). Agents keep terminating backends for established connections only, so new connections fail on any datapath`
            : `Service ${subject} has no ready endpoints: connections to it fail on any datapath (this is not Cilium's fault)`,
          evidence: [
            {
              source: 'EndpointSlices',
              excerpt:
                s.endpoints.length === 0
                  ? `${subject}: no endpoints`
                  : capped(
                      s.endpoints.map(
                        (e) =>
                          `${e.ip}:${e.port}/${e.protocol} ready=${e.ready} serving=${e.serving} terminating=${e.terminating}${e.targetPod ? ` pod=${e.targetPod}` : ''}`,
                      ),
                    ),
            },
          ],
          cause: t ? 'no-ready-endpoints' : undefined,
          remediation: {
            summary: stuck
              ? "find why the new pods are not Ready and why the old ones do not go (kubectl rollout status, the pods' events, finalizers)"
              : "check the Service's selector and why its pods are not Ready",
            commands: [
              `kubectl -n ${s.namespace} describe service ${s.name}`,
              `kubectl -n ${s.namespace} get endpointslices -l kubernetes.io/service-name=${s.name}`,
            ],
            autoFixable: false,
          },
        }),
      );
    }

    let index: ServiceIndex | undefined;
    const idx = () => (index ??= indexServices(services));
    const cmd = listCmd(facts);
    const nodes = agentNodes(facts, facts.serviceDrift ?? facts.serviceMap);
    const drifts = new Map(nodes.map((n) => [n, driftOf(facts, n, idx)] as const));
    // The same difference on every agent asked: the agents agree with each other, so restarting one
    // resyncs nothing. Those rows get one cluster-wide finding; per node only what differs from the peers.
    const common = commonDrift([...drifts.values()]);
    if (common.length) out.push(clusterWide(common, services, cmd, drifts.size));
    for (const node of nodes) {
      const g = drifts.get(node);
      if (!g || !g.ok) {
        out.push(nodeUnknown(ID, node, `\`${cmd}\``, g ? g.error : 'no result for this node'));
        continue;
      }
      const own = common.length
        ? g.value.rows.filter((r) => !common.some((c) => rowKey(c) === rowKey(r)))
        : g.value.rows;
      const drift = { ...g.value, rows: own };
      const pod = facts.agents.ok ? facts.agents.value.get(node)?.name : undefined;
      const byStatus = (s: DriftRow['status']): DriftRow[] => drift.rows.filter((r) => r.status === s);
      const command = facts.serviceMapCommand?.get(node);
      const ev = (rows: DriftRow[]) => [
        {
          source: `${cmd} vs EndpointSlices`,
          node,
          pod,
          excerpt: capped(rows.map(formatDriftRow)),
          ...(command ? { command } : {}),
        },
      ];
      const restart = restartRemediation(facts, [node], 'restart the agent so it resyncs its service map');
      let bad = false;
      const notIn = byStatus('NOT_IN_MAP');
      if (notIn.length) {
        bad = true;
        out.push(
          finding(ID, 'not-in-map', {
            status: 'fail',
            node,
            message: `${notIn.length} Service frontend(s) missing from the agent's LB map on ${node}`,
            evidence: ev(notIn),
            cause: 'service-map-stale',
            remediation: restart,
          }),
        );
      }
      const differ = byStatus('BACKENDS_DIFFER');
      if (differ.length) {
        bad = true;
        out.push(
          finding(ID, 'backends-differ', {
            status: 'fail',
            node,
            message: `${differ.length} frontend(s) on ${node} list backends other than the ready endpoints`,
            evidence: ev(differ),
            cause: 'service-map-stale',
            remediation: restart,
          }),
        );
      }
      const stale = byStatus('STALE');
      if (stale.length) {
        bad = true;
        out.push(
          finding(ID, 'stale-frontend', {
            status: 'warn',
            node,
            message: `${stale.length} frontend(s) in the LB map on ${node} belong to no Service`,
            evidence: ev(stale),
            cause: 'service-map-stale',
            remediation: restart,
          }),
        );
      }
      const notServing = drift.rows.filter((r) => r.notServing?.length);
      if (notServing.length) {
        out.push(
          finding(ID, 'backends-not-serving', {
            status: 'info',
            node,
            message: `${notServing.length} frontend(s) on ${node} list backends the agent does not pick for new connections (quarantined: its health checker found them unreachable; maintenance: taken out of load-balancing); listed, so not missing`,
            evidence: [
              {
                source: `${cmd} vs EndpointSlices`,
                node,
                pod,
                excerpt: capped(
                  notServing.map((r) => `${r.frontend} ${r.namespace}/${r.name} ${r.notServing!.join(',')}`),
                ),
                ...(command ? { command } : {}),
              },
            ],
          }),
        );
      }
      if (!bad) {
        out.push(
          finding(ID, 'in-sync', {
            status: 'pass',
            node,
            message: `${drift.counts.OK} frontend(s) match${drift.counts.NO_ENDPOINTS ? `, ${drift.counts.NO_ENDPOINTS} without ready endpoints` : ''}`,
            evidence: [
              {
                source: `${cmd} vs EndpointSlices`,
                node,
                pod,
                excerpt: `${drift.counts.OK} OK, ${drift.mapRows ?? '?'} map rows`,
              },
            ],
          }),
        );
      }
    }
    return out;
  },
};

const BAD: ReadonlySet<DriftRow['status']> = new Set(['NOT_IN_MAP', 'BACKENDS_DIFFER', 'STALE']);

function rowKey(r: DriftRow): string {
  return [
    r.status,
    r.namespace ?? '',
    r.name ?? '',
    r.frontend,
    (r.missing ?? []).join(','),
    (r.extra ?? []).join(','),
  ].join('|');
}

/**
 * Drift rows every compared node has, identically; none unless at least three nodes were compared (with
 * two, each node's only peer is the other: no majority to tell a stale agent from a cluster-wide cause).
 */
function commonDrift(drifts: (Gathered<NodeDrift> | undefined)[]): DriftRow[] {
  const ok = drifts.filter((g): g is { ok: true; value: NodeDrift } => !!g && g.ok);
  if (ok.length < 3) return [];
  let common = new Map(ok[0]!.value.rows.filter((r) => BAD.has(r.status)).map((r) => [rowKey(r), r] as const));
  for (const g of ok.slice(1)) {
    const keys = new Set(g.value.rows.map(rowKey));
    common = new Map([...common].filter(([k]) => keys.has(k)));
  }
  return [...common.values()];
}

/** Types Cilium programs into the LB map; anything else (ExternalName) it skips by design. */
const PROGRAMMED = new Set(['ClusterIP', 'NodePort', 'LoadBalancer']);

function clusterWide(rows: DriftRow[], services: ServiceFact[], cmd: string, nodes: number): Finding {
  const byKey = new Map(services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const why = new Set<string>();
  for (const r of rows) {
    const s = r.name ? byKey.get(`${r.namespace}/${r.name}`) : undefined;
    if (!s) continue;
    const ref = `${s.namespace}/${s.name}`;
    const proxy = s.proxyName;
    if (proxy !== undefined)
      why.add(
        `${ref} has label service.kubernetes.io/service-proxy-name=${proxy}: Cilium is told to leave it to another proxy`,
      );
    if (s.headless) why.add(`${ref} is headless: nothing is load-balanced`);
    if (!PROGRAMMED.has(s.type)) why.add(`${ref} is of type ${s.type}, which Cilium does not program`);
  }
  const named = [...why];
  return finding(ID, 'cluster-wide', {
    status: 'fail',
    subject: 'cluster',
    message: named.length
      ? `the same ${rows.length} difference(s) on all ${nodes} agents: ${named.join('; ')}`
      : `the same ${rows.length} difference(s) on all ${nodes} agents: they agree with each other, not with the API. Look cluster-wide (a Service Cilium is told to skip, kdiag's own expectation, the agents' connection to the API server), not at one agent`,
    evidence: [{ source: `${cmd} vs EndpointSlices, on every node`, excerpt: capped(rows.map(formatDriftRow)) }],
    cause: 'service-map-cluster-wide',
    remediation: {
      summary:
        'no agent restart: every agent agrees. Fix the cluster-wide cause; restart only a node that differs (--fix --node N)',
      commands: [],
      autoFixable: false,
    },
  });
}
