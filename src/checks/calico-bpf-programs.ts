// Detects nodes whose Calico eBPF dataplane has no tc programs loaded: Felix attaches a preamble program to
// each interface's tc hooks and jumps from it to its main programs, so with none loaded nothing on the node
// translates ClusterIPs (the NAT map may still be right). Source: `bpftool -j prog show` in the calico-node
// container (bpftool ships in the image: projectcalico/calico node/Dockerfile). Names are Calico's C
// functions: felix/bpf-gpl/tc_preamble.c `cali_tc_preamble`, felix/bpf-gpl/tc.c `calico_tc_main`,
// `calico_tc_skb_*` (the list in felix/bpf/hook/map.go `tcSubProgNames`), felix/bpf-gpl/policy_default.c
// `calico_tc_allow`/`calico_tc_deny`; connect-time LB in felix/bpf-gpl/connect_balancer*.c
// (`calico_connect_v4`, …); per-interface policy programs `p4i_<iface>`/`p4e_<iface>`
// (felix/dataplane/linux/bpf_ep_mgr.go `policyProgramName`). The kernel keeps 15 characters of a name
// (BPF_OBJ_NAME_LEN 16), so an older bpftool prints `cali_tc_preambl` (the name Calico itself matches in
// felix/bpf/tc/attach.go `ListAttachedPrograms`); a newer one prints the full name from BTF.
import { capped, finding, inScope, nodeUnknown } from './util.js';
import type { BpfProgram } from '../model/cilium.js';
import type { CalicoProgramsFact } from '../model/calico.js';
import type { Check, Evidence, Finding } from '../model/check.js';
import type { Facts } from '../model/facts.js';
import { naturalCompare } from '../util/natural-sort.js';

const ID = 'calico-bpf-programs';

export type CalicoProgramKind = 'tc' | 'policy' | 'connect-time' | 'xdp';

/** Which part of Calico's eBPF dataplane a loaded program is, or undefined when it is not Calico's. */
export function calicoProgramKind(p: BpfProgram): CalicoProgramKind | undefined {
  const n = p.name;
  if (p.type === 'sched_cls') {
    if (n === 'cali_tc_preambl' || n === 'cali_tc_preamble' || n.startsWith('calico_tc_')) return 'tc';
    if (/^p[46][ie]_/.test(n)) return 'policy';
  }
  if (p.type === 'cgroup_sock_addr' && /^calico_(connect|sendmsg|recvmsg)/.test(n)) return 'connect-time';
  if (p.type === 'xdp' && (n.startsWith('calico_xdp') || n.startsWith('cali_xdp_preamb'))) return 'xdp';
  return undefined;
}

/** Felix's ERROR/PANIC/FATAL lines on the node: supporting evidence only. */
function felixEvidence(facts: Facts, node: string): Evidence[] {
  const g = facts.calicoLogs?.get(node);
  if (!g?.ok || !g.value.length) return [];
  return [{ source: 'calico-node log (Felix ERROR/PANIC/FATAL)', node, excerpt: capped(g.value.slice(-5)) }];
}

export const calicoBpfPrograms: Check = {
  id: ID,
  title: "Calico eBPF's tc programs are loaded on every node",
  reasons: ['loaded', 'no-tc-programs', 'unknown'],
  needs: ['calicoPrograms', 'calicoLogs', 'calicoNodes'],
  rbac: ['list pods in <calico-ns>', 'create pods/exec in <calico-ns>', 'get pods/log in <calico-ns>'],
  run(facts: Facts): Finding[] {
    if (!facts.calicoPrograms) return [];
    const out: Finding[] = [];
    for (const node of [...facts.calicoPrograms.keys()].filter((n) => inScope(facts, n)).sort(naturalCompare)) {
      const g = facts.calicoPrograms.get(node)!;
      if (!g.ok) out.push(nodeUnknown(ID, node, 'bpftool -j prog show (calico-node)', g.error));
      else out.push(judge(facts, node, g.value));
    }
    return out;
  },
};

function judge(facts: Facts, node: string, fact: CalicoProgramsFact): Finding {
  const count = new Map<CalicoProgramKind, Set<string>>();
  let n = 0;
  for (const p of fact.programs) {
    const k = calicoProgramKind(p);
    if (!k) continue;
    n++;
    (count.get(k) ?? count.set(k, new Set()).get(k)!).add(p.name);
  }
  const line = (k: CalicoProgramKind): string =>
    `${k}: ${count.get(k)?.size ? [...count.get(k)!].sort(naturalCompare).join(', ') : '(none)'}`;
  const listing: Evidence = {
    source: fact.command.join(' '),
    node,
    command: fact.command,
    excerpt: capped([
      `${fact.programs.length} programs loaded, ${n} of them Calico's`,
      line('tc'),
      line('policy'),
      line('connect-time'),
    ]),
  };
  if (count.get('tc')?.size)
    return finding(ID, 'loaded', {
      status: 'pass',
      node,
      message: `Calico's tc programs are loaded on ${node}`,
      evidence: [listing],
    });
  const pod = facts.calicoNodes?.ok ? facts.calicoNodes.value.find((p) => p.node === node) : undefined;
  const ns = pod?.namespace ?? '<calico-ns>';
  const name = pod?.name ?? '<calico-node pod>';
  return finding(ID, 'no-tc-programs', {
    status: 'fail',
    node,
    message: `no Calico tc program (cali_tc_preamble, calico_tc_*) is loaded on ${node}: Calico eBPF does not translate ClusterIPs there`,
    evidence: [listing, ...felixEvidence(facts, node)],
    cause: 'calico-bpf-programs-not-loaded',
    remediation: {
      summary: `read Felix's log on ${node} for why it could not load or attach its programs (a restart loads the same programs into the same kernel)`,
      commands: [
        `kubectl -n ${ns} logs ${name} -c calico-node | grep -E "Failed to apply policy to endpoint|failed to load|BPF data plane mode enabled but not supported"`,
        `kubectl -n ${ns} exec ${name} -c calico-node -- ${fact.command.join(' ')}`,
      ],
      autoFixable: false,
    },
  });
}
