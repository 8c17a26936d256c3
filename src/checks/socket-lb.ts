// Detects nodes where socket LB could not attach: the config wants the cgroup_sock_addr programs
// (cil_sock4_connect, … bpf/bpf_sock.c, attached to the cgroup v2 root by pkg/socketlb/socketlb.go) and
// none is loaded, while the tc programs are. Cause: no cgroup v2 root to attach to (cgroup v1, nested or
// kind nodes) or no kernel BTF (cilium/cilium#21609, #16078, #48778). A restart attaches to the same
// missing cgroup again.
import { isCiliumProgram, loadedEvidence, missingPrograms, requiredEvidence } from '../cilium/programs.js';
import { perNodeListing, requiredProgramSet } from './program-listing.js';
import { agentPodName, ciliumNamespace, finding } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'socket-lb';

export const socketLb: Check = {
  id: ID,
  title: 'Socket LB programs are attached wherever the config enables socket LB',
  reasons: ['attached', 'not-enabled', 'not-attached'],
  needs: ['config', 'bpfPrograms'],
  rbac: ['get configmaps in <cilium-ns>', 'create pods/exec in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    const set = requiredProgramSet(facts);
    if (!set) return [];
    const { required } = set;
    // optional hooks (getpeername where the kernel may lack it, IPv6 on IPv4-only) are not asked for here
    const sock = required.filter((r) => r.type === 'cgroup_sock_addr' && !r.optional);
    const tc = required.filter((r) => r.type === 'sched_cls');
    if (!sock.length)
      return [finding(ID, 'not-enabled', { status: 'pass', message: 'socket LB is not enabled', evidence: [] })];
    const ns = ciliumNamespace(facts);
    return perNodeListing(ID, facts, (node, progs) => {
      const missingSock = missingPrograms(progs, sock);
      const tcLoaded = missingPrograms(progs, tc).length < tc.length;
      // Only when tc programs are there: no program at all is bpf-programs' finding, not this one.
      if (missingSock.length < sock.length || !tcLoaded)
        return [
          finding(ID, 'attached', {
            status: 'pass',
            node,
            message: 'socket LB programs attached (or nothing loaded at all)',
            evidence: [],
          }),
        ];
      const pod = agentPodName(facts, node) ?? '<agent>';
      return [
        finding(ID, 'not-attached', {
          status: 'fail',
          node,
          message: `socket LB is enabled but no cgroup_sock_addr program is attached on ${node} while its tc programs are: connect() to a ClusterIP is not translated (no cgroup v2 root, or no kernel BTF)`,
          evidence: [loadedEvidence(node, progs.filter(isCiliumProgram)), requiredEvidence(node, missingSock)],
          cause: 'socket-lb-cannot-attach',
          remediation: {
            summary:
              'mount cgroup v2 on the node (or set helm cgroup.autoMount.enabled=true with cgroup.hostRoot=/run/cilium/cgroupv2) and give the kernel BTF (CONFIG_DEBUG_INFO_BTF=y); or turn socket LB off with helm socketLB.enabled=false',
            commands: [
              `kubectl -n ${ns} exec ${pod} -c cilium-agent -- grep cgroup2 /proc/mounts`,
              `kubectl -n ${ns} exec ${pod} -c cilium-agent -- ls /sys/kernel/btf/vmlinux`,
              `kubectl -n ${ns} exec ${pod} -c cilium-agent -- bpftool cgroup tree`,
            ],
            autoFixable: false,
          },
        }),
      ];
    });
  },
};
