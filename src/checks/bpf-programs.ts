// Detects nodes where the eBPF programs the config needs (socket LB, tc on pods/host/devices/overlay, XDP) are not loaded (source: `bpftool prog show` per node vs src/cilium/programs.ts).
import { readCiliumConfig } from '../cilium/config.js';
import {
  isCiliumProgram,
  loadedEvidence,
  missingPrograms,
  requiredEvidence,
  requiredPrograms,
} from '../cilium/programs.js';
import { agentNodes, finding, perNode, restartRemediation } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'bpf-programs';

export const bpfPrograms: Check = {
  id: ID,
  title: "Cilium's eBPF programs are loaded on every node",
  reasons: ['loaded', 'missing', 'none-loaded'],
  needs: ['config', 'bpfPrograms'],
  rbac: ['get configmaps in <cilium-ns>', 'create pods/exec in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    if (!facts.config.ok) return [];
    const cfg = readCiliumConfig(facts.config.value);
    const minor = facts.cilium.ok ? facts.cilium.value.minor : undefined;
    const required = requiredPrograms(cfg, minor ?? 13);
    // Same order and length for both namings, so index i is the same logical program.
    const alt = minor === undefined ? requiredPrograms(cfg, 12) : undefined;
    return perNode(
      ID,
      '`bpftool prog show`',
      agentNodes(facts, facts.bpfPrograms),
      facts.bpfPrograms,
      (node, progs) => {
        const cilium = progs.filter(isCiliumProgram);
        const listing = loadedEvidence(node, cilium);
        const missing = missingPrograms(progs, required, alt);
        if (!missing.length) {
          return [
            finding(ID, 'loaded', {
              status: 'pass',
              node,
              message: `all ${required.length} required programs loaded`,
              evidence: [listing],
              // bpftool's listing now outranks any log line saying programs failed to load.
              clears: ['bpf-programs-not-loaded'],
            }),
          ];
        }
        const expected = requiredEvidence(node, missing);
        const none = cilium.length === 0;
        return [
          finding(ID, none ? 'none-loaded' : 'missing', {
            status: 'fail',
            node,
            message: none
              ? `no Cilium eBPF programs are loaded on ${node}: ClusterIP traffic is not load-balanced there`
              : `${missing.length} required program(s) not loaded on ${node}: ${missing.map((m) => m.name).join(', ')}`,
            evidence: [listing, expected],
            cause: 'bpf-programs-not-loaded',
            remediation: restartRemediation(
              facts,
              [node],
              'restart the agent on this node so it reloads its programs (after checking its logs for why they failed)',
            ),
          }),
        ];
      },
    );
  },
};
