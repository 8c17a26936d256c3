// Detects a node whose BPF service map disagrees with the Services' ready endpoints, and Services with no ready endpoints (source: `cilium(-dbg) service list` per agent vs Services + EndpointSlices).
import { agentNodes, capped, finding, nodeUnknown, restartRemediation } from './util.js';
import { compareServiceMap, formatDriftRow, indexServices, type ServiceIndex } from '../cilium/lb-drift.js';
import type { DriftRow, NodeDrift } from '../model/lb-drift.js';
import { compareOptionsFor, servicesInScope } from '../cilium/service-scope.js';
import type { Facts, Gathered } from '../model/facts.js';
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
    'headless',
    'target-not-found',
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
      out.push(
        finding(ID, 'no-ready-endpoints', {
          status: t ? 'fail' : 'info',
          subject,
          message: `Service ${subject} has no ready endpoints: connections to it fail on any datapath (this is not Cilium's fault)`,
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
            summary: "check the Service's selector and why its pods are not Ready",
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
    for (const node of agentNodes(facts, facts.serviceDrift ?? facts.serviceMap)) {
      const g = driftOf(facts, node, idx);
      if (!g || !g.ok) {
        out.push(nodeUnknown(ID, node, `\`${cmd}\``, g ? g.error : 'no result for this node'));
        continue;
      }
      const drift = g.value;
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
