// Detects a node where the eBPF programs the Cilium config needs are not loaded right now (source: the real `bpftool prog show` on the node vs src/cilium/programs.ts).
import { finding } from '../../model/finding.js';
import { isCiliumProgram, loadedEvidence, requiredEvidence } from '../../cilium/programs.js';
import type { Check, Finding } from '../../model/check.js';
import type { NodeFacts } from '../../model/node-facts.js';
import { comparePrograms, expectationFor } from '../programs.js';

const ID = 'node-bpf-programs';

export const nodeBpfPrograms: Check<NodeFacts> = {
  id: ID,
  title: "Cilium's eBPF programs are loaded on this node",
  reasons: ['loaded', 'missing', 'none-loaded'],
  // the kernel release decides whether the getpeername hooks belong (socketLbPeer)
  needs: ['programs', 'kernelRelease'],
  rbac: [],
  requires: 'bpftool; root or CAP_SYS_ADMIN (or CAP_BPF+CAP_PERFMON)',
  run(f: NodeFacts): Finding[] {
    const node = f.node;
    const progs = f.programs!;
    if ('error' in progs) return [finding(ID, 'unknown', { status: 'unknown', node, message: progs.error })];
    const rows = comparePrograms(progs, expectationFor(f.config, f.minor, f.kernelRelease));
    const cilium = progs.filter(isCiliumProgram);
    const listing = loadedEvidence(node, cilium);
    const required = rows.filter((r) => r.state === 'loaded' || r.state === 'missing');
    const missing = rows.filter((r) => r.state === 'missing');
    if (!missing.length)
      return [
        finding(ID, 'loaded', {
          status: 'pass',
          node,
          message: `all ${required.length} required programs loaded`,
          evidence: [listing],
        }),
      ];
    const none = cilium.length === 0;
    return [
      finding(ID, none ? 'none-loaded' : 'missing', {
        status: 'fail',
        node,
        message: none
          ? `no Cilium eBPF programs are loaded on ${node} (is the agent running here?)`
          : `${missing.length} of ${required.length} required program(s) not loaded: ${missing.map((m) => m.name).join(', ')}`,
        evidence: [listing, requiredEvidence(node, missing)],
        cause: 'bpf-programs-not-loaded',
      }),
    ];
  },
};
