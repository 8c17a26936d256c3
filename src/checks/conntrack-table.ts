// Detects agents whose conntrack map is full: the GC runs at its 10s floor and each run still deletes more
// than a quarter of the table (source: the agent log, "Conntrack garbage collector interval recalculated",
// pkg/maps/ctmap/ctmap.go; deleteRatio = deleted / MaxEntries, pkg/maps/ctmap/gc/gc.go). New connections
// then drop with "CT: Map insertion failed" (pkg/monitor/api/drop.go; cilium/cilium#18442, #6280, #24177).
import { ctGcAtCapacity, ctGcRun } from '../cilium/conntrack-gc.js';
import { agentNodes, agentPodName, capped, ciliumNamespace, configValue, finding, perNode } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'conntrack-table';
/** CT map size keys (pkg/option/config.go: CTMapEntriesGlobalTCPName, CTMapEntriesGlobalAnyName, MapEntriesGlobalDynamicSizeRatioName). */
const SIZE_KEYS = ['bpf-ct-global-tcp-max', 'bpf-ct-global-any-max', 'bpf-map-dynamic-size-ratio'];
/** Cilium's defaults without dynamic sizing (pkg/option/config.go, CTMapEntriesGlobal{TCP,Any}Default). */
const DEFAULT_TCP_MAX = 524288;

export const conntrackTable: Check = {
  id: ID,
  title: "Agents' conntrack maps have room for new connections",
  reasons: ['room', 'full'],
  needs: ['agentLogs'],
  rbac: ['get pods/log in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    const ns = ciliumNamespace(facts);
    const sizes = SIZE_KEYS.filter((k) => configValue(facts, k) !== undefined).map(
      (k) => `${k}: ${configValue(facts, k)}`,
    );
    const tcpMax = Number(configValue(facts, 'bpf-ct-global-tcp-max')) || DEFAULT_TCP_MAX;
    return perNode(ID, 'agent logs', agentNodes(facts, facts.agentLogs), facts.agentLogs, (node, logs) => {
      const full = logs.records.filter(ctGcAtCapacity);
      if (!full.length)
        return [
          finding(ID, 'room', {
            status: 'pass',
            node,
            message: 'no conntrack GC run at its 10s floor deleting more than a quarter of the table',
            evidence: [],
          }),
        ];
      const ratio = Math.max(...full.map((r) => ctGcRun(r)!.deleteRatio));
      const gcLines = logs.records.filter((r) => ctGcRun(r)).map((r) => r.raw);
      const pod = agentPodName(facts, node) ?? '<agent>';
      const source = `kubectl -n ${ns} logs ${pod} -c cilium-agent${logs.previous ? ' --previous' : ''}`;
      return [
        finding(ID, 'full', {
          status: 'fail',
          node,
          message: `the conntrack map on ${node} is full: its GC runs every 10s (the floor) and still deletes ${Math.round(ratio * 100)}% of the table each run, so new connections, ClusterIP ones included, drop with "CT: Map insertion failed"`,
          evidence: [
            { source, node, pod, excerpt: capped(gcLines, 10) },
            ...(sizes.length
              ? [{ source: `kubectl -n ${ns} get cm cilium-config`, node, excerpt: sizes.join('\n') }]
              : []),
          ],
          cause: 'conntrack-table-full',
          remediation: {
            summary: `raise the conntrack map sizes (helm bpf.ctTcpMax / bpf.ctAnyMax, or bpf.mapDynamicSizeRatio) and roll the agents; a restart alone keeps the same size, and confirm the drops with cilium-dbg monitor --type drop`,
            commands: [
              `kubectl -n ${ns} exec ${pod} -c cilium-agent -- timeout 10 cilium-dbg monitor --type drop`,
              `helm upgrade cilium cilium/cilium -n ${ns} --reuse-values --set bpf.ctTcpMax=${tcpMax * 2} --set bpf.ctAnyMax=${tcpMax}`,
              `kubectl -n ${ns} rollout restart ds/cilium`,
            ],
            autoFixable: false,
          },
        }),
      ];
    });
  },
};
