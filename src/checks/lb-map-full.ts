// Detects agents whose load-balancer BPF map is full, so Services were left out of it (source: the agent
// log: "Error while inserting service in LB map", pkg/k8s/watchers/service.go, wrapping E2BIG's "the map
// is full, please consider resizing it", pkg/bpf/bpf_linux.go; cilium/cilium#23551, #28726, #8587).
import { agentNodes, agentPodName, capped, ciliumNamespace, finding, perNode } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'lb-map-full';
const FULL = /the map is full, please consider resizing it/;
const LB_INSERT = /Error while inserting service in LB map/;
/** Cilium's default for bpf-lb-map-max (pkg/option/config.go, DefaultLBMapMaxEntries). */
const DEFAULT_MAX = '65536';

export const lbMapFull: Check = {
  id: ID,
  title: "Agents' load-balancer maps have room for every Service",
  reasons: ['room', 'full'],
  needs: ['agentLogs'],
  rbac: ['get pods/log in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    const ns = ciliumNamespace(facts);
    const max = (facts.config.ok && facts.config.value['bpf-lb-map-max']) || DEFAULT_MAX;
    return perNode(ID, 'agent logs', agentNodes(facts, facts.agentLogs), facts.agentLogs, (node, logs) => {
      const lines = logs.records.filter((r) => LB_INSERT.test(r.raw) && FULL.test(r.raw)).map((r) => r.raw);
      if (!lines.length)
        return [
          finding(ID, 'room', {
            status: 'pass',
            node,
            message: 'no failed LB map insert in the agent log',
            evidence: [],
          }),
        ];
      const pod = agentPodName(facts, node);
      const source = `kubectl -n ${ns} logs ${pod ?? '<agent>'} -c cilium-agent${logs.previous ? ' --previous' : ''}`;
      return [
        finding(ID, 'full', {
          status: 'fail',
          node,
          message: `${lines.length} Service insert(s) failed: the load-balancer map is full (bpf-lb-map-max ${max}); those Services have no ClusterIP translation on this node`,
          evidence: [
            { source, node, pod, excerpt: capped(lines, 10) },
            { source: `kubectl -n ${ns} get cm cilium-config`, node, excerpt: `bpf-lb-map-max: ${max}` },
          ],
          cause: 'lb-map-full',
          remediation: {
            summary: `raise bpf-lb-map-max above ${max} (helm bpf.lbMapMax) and roll the agents; a restart alone refills the map to the same limit`,
            commands: [
              `helm upgrade cilium cilium/cilium -n ${ns} --reuse-values --set bpf.lbMapMax=${Number(max) * 2}`,
              `kubectl -n ${ns} rollout restart ds/cilium`,
            ],
            autoFixable: false,
          },
        }),
      ];
    });
  },
};
