// Shared broken-cluster facts for ranking and fix-planning tests (recorded Cilium outputs + small k8s facts).
import {
  got,
  healthyFacts,
  healthyPrograms,
  logsFrom,
  node,
  programsText,
  KPR_TRUE_CONFIG,
} from '../checks/helpers.js';
import type { Facts } from '../../src/engine/facts.js';

/** node-a: kernel 4.19 under Cilium 1.16 and the recorded 4-program listing; node-b: same listing, good kernel; node-c healthy. */
export function oldKernelAndMissingPrograms(): Facts {
  const partial = programsText('bpftool-prog-show.kernel-6.18.no-btf.truncated-names.text.txt');
  const base = healthyFacts();
  const agents = (base.agents as { value: Map<string, import('../../src/engine/facts.js').AgentPodFact> }).value;
  agents.set('node-c', { ...agents.get('node-a')!, name: 'cilium-klmno', node: 'node-c' });
  const n = ['node-a', 'node-b', 'node-c'];
  return healthyFacts({
    agents: got(agents),
    nodes: got([node('node-a', '4.19.0-27-amd64'), node('node-b'), node('node-c')]),
    bpfPrograms: new Map([
      ['node-a', got(partial)],
      ['node-b', got(partial)],
      ['node-c', got(healthyPrograms(KPR_TRUE_CONFIG, 16))],
    ]),
    agentLogs: new Map([
      ['node-a', got(logsFrom('agent-log.v1.10-dev.kernel-4.9.endpoint-map.fatal.txt'))],
      ['node-b', got({ records: [], lines: 3, previous: false })],
      ['node-c', got({ records: [], lines: 3, previous: false })],
    ]),
    bpffs: new Map(n.map((x) => [x, got({ mounted: true, evidence: 'bpffs /sys/fs/bpf bpf rw 0 0' })])),
    status: new Map(n.map((x) => [x, base.status.get('node-a')!])),
    serviceMap: new Map(n.map((x) => [x, base.serviceMap.get('node-a')!])),
  });
}
