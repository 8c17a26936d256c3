// Detects nodes where the eBPF programs the config needs (socket LB, tc on pods/host/devices/overlay, XDP) are not loaded (source: `bpftool prog show` per node vs src/cilium/programs.ts).
// XDP (bpf-lb-acceleration) is judged apart: `native` (and `testing-only`) attach in driver mode or fail the
// datapath load, while `best-effort` leaves devices whose driver lacks native XDP on tc alone
// (pkg/datapath/xdp/xdp.go, pkg/datapath/loader/xdp.go; docs/datapaths.md "Programs per config").
import { readCiliumConfig } from '../cilium/config.js';
import {
  isCiliumProgram,
  loadedEvidence,
  missingPrograms,
  requiredEvidence,
  requiredPrograms,
} from '../cilium/programs.js';
import { agentNodes, agentPodName, ciliumNamespace, finding, perNode, restartRemediation } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'bpf-programs';

export const bpfPrograms: Check = {
  id: ID,
  title: "Cilium's eBPF programs are loaded on every node",
  reasons: ['loaded', 'missing', 'none-loaded', 'xdp-not-attached', 'xdp-fallback'],
  needs: ['config', 'bpfPrograms'],
  rbac: ['get configmaps in <cilium-ns>', 'create pods/exec in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    if (!facts.config.ok) return [];
    const cfg = readCiliumConfig(facts.config.value);
    const minor = facts.cilium.ok ? facts.cilium.value.minor : undefined;
    // The node's kernel decides the getpeername hooks (socketLbPeer in src/cilium/programs.ts).
    const kernelOf = (node: string): string | undefined =>
      facts.nodes.ok ? facts.nodes.value.find((n) => n.name === node)?.kernelVersion : undefined;
    return perNode(
      ID,
      '`bpftool prog show`',
      agentNodes(facts, facts.bpfPrograms),
      facts.bpfPrograms,
      (node, progs) => {
        const kernel = kernelOf(node);
        const required = requiredPrograms(cfg, minor ?? 13, kernel);
        // Same order and length for both namings, so index i is the same logical program.
        const alt = minor === undefined ? requiredPrograms(cfg, 12, kernel) : undefined;
        const cilium = progs.filter(isCiliumProgram);
        const listing = loadedEvidence(node, cilium);
        const all = missingPrograms(progs, required, alt);
        // best-effort XDP is optional: its absence alone is Cilium's documented fallback, not a fault.
        // Other optional programs (getpeername, IPv6 hooks on IPv4-only) missing say nothing at all.
        const skipped = all.filter((m) => m.optional && m.category === 'xdp');
        const missing = all.filter((m) => !m.optional);
        if (!missing.length && skipped.length) {
          return [
            finding(ID, 'xdp-fallback', {
              status: 'info',
              node,
              message: `no XDP program on ${node}: bpf-lb-acceleration=best-effort falls back to tc where the driver lacks native XDP; every other required program is loaded`,
              evidence: [listing, requiredEvidence(node, skipped)],
              clears: ['bpf-programs-not-loaded'],
            }),
          ];
        }
        if (missing.length && missing.every((m) => m.category === 'xdp')) {
          return [
            finding(ID, 'xdp-not-attached', {
              status: 'fail',
              node,
              message: `bpf-lb-acceleration=${cfg.xdpAcceleration} but no XDP program is attached on ${node}: the agent cannot finish loading its datapath there (native XDP needs driver support on every native device)`,
              evidence: [listing, requiredEvidence(node, missing)],
              // the NIC driver, not the agent: a restart attaches to the same driver again
              cause: 'xdp-attach-failed',
              remediation: {
                summary:
                  'check the agent log for the XDP attach error; use a NIC driver with native XDP, set bpf-lb-acceleration=best-effort (helm loadBalancer.acceleration=best-effort) to fall back to tc on such devices, or disable it',
                commands: [
                  `kubectl -n ${ciliumNamespace(facts)} logs ${agentPodName(facts, node) ?? '<agent>'} -c cilium-agent`,
                ],
                autoFixable: false,
              },
            }),
          ];
        }
        if (!missing.length) {
          return [
            finding(ID, 'loaded', {
              status: 'pass',
              node,
              message: `all ${required.filter((r) => !r.optional).length} required programs loaded`,
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
