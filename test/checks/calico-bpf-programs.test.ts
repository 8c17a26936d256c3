// calico-bpf-programs is pure: each node's `bpftool -j prog show` (parsed) in, findings out. Calico's names
// as the kernel keeps them (15 characters, what bpftool v5.3 in calico/node v3.27 prints) and in full (a
// bpftool that reads BTF) both count; Cilium's programs and policy-only nodes do not.
import { calicoBpfPrograms, calicoProgramKind } from '../../src/checks/calico-bpf-programs.js';
import { DATAPATHS } from '../../src/datapath/index.js';
import type { BpfProgram } from '../../src/model/cilium.js';
import { failed, got, healthyFacts } from '../helpers/facts.js';
import { failingFinding } from '../helpers/findings.js';

const COMMAND = ['bpftool', '-j', 'prog', 'show'];
let next = 100;
const prog = (type: string, name: string): BpfProgram => ({ id: next++, type, name });
const CONNECT = [prog('cgroup_sock_addr', 'calico_connect_'), prog('cgroup_sock_addr', 'calico_sendmsg_')];

describe('calico-bpf-programs', () => {
  test('truncated and full names are Calico tc programs; Cilium and unrelated programs are not', () => {
    expect(
      [
        prog('sched_cls', 'cali_tc_preambl'),
        prog('sched_cls', 'cali_tc_preamble'),
        prog('sched_cls', 'calico_tc_skb_a'),
        prog('sched_cls', 'calico_tc_skb_accepted_entrypoint'),
        prog('sched_cls', 'p4i_cali1a2b3c4'),
        prog('cgroup_sock_addr', 'calico_connect_'),
        prog('xdp', 'calico_xdp_main'),
        prog('sched_cls', 'cil_from_netdev'),
        prog('cgroup_skb', 'sd_fw_ingress'),
        prog('cgroup_sock_addr', 'cali_tc_preambl'),
      ].map(calicoProgramKind),
    ).toEqual(['tc', 'tc', 'tc', 'tc', 'policy', 'connect-time', 'xdp', undefined, undefined, undefined]);
  });

  test('a node with no Calico tc program fails with the cause and bpftool evidence; one with them passes', () => {
    const f = calicoBpfPrograms.run(
      healthyFacts({
        calicoPrograms: new Map([
          [
            'node-a',
            got({
              programs: [...CONNECT, prog('sched_cls', 'cali_tc_preambl'), prog('sched_cls', 'calico_tc_main')],
              command: COMMAND,
            }),
          ],
          // Policy programs alone (or other tools' programs) are not the preamble and main programs.
          [
            'node-b',
            got({
              programs: [...CONNECT, prog('sched_cls', 'p4e_cali58c64a0'), prog('cgroup_skb', 'sd_devices')],
              command: COMMAND,
            }),
          ],
          ['node-c', failed('calico-node kube-system/calico-node-x on node-c is not running')],
        ]),
        calicoLogs: new Map([['node-b', got(['2025-07-31 17:36:15.708 [WARNING][45] felix/bpf_ep_mgr.go 2124: x'])]]),
      }),
    );
    expect(f.map((x) => `${x.id}@${x.node}:${x.status}`)).toEqual([
      'calico-bpf-programs/loaded@node-a:pass',
      'calico-bpf-programs/no-tc-programs@node-b:fail',
      'calico-bpf-programs/unknown@node-c:unknown',
    ]);
    const bad = failingFinding(f, 1, 'calico-bpf-programs-not-loaded', COMMAND, 'node-b');
    expect(bad.evidence[0]!.excerpt.split('\n')).toEqual([
      "4 programs loaded, 3 of them Calico's",
      'tc: (none)',
      'policy: p4e_cali58c64a0',
      'connect-time: calico_connect_, calico_sendmsg_',
    ]);
    // A restart loads the same programs into the same kernel: never offered to --fix.
    expect(bad.remediation?.autoFixable).toBe(false);
  });

  test('silent where the programs were not gathered (not Calico eBPF); only the Calico eBPF datapath runs it', () => {
    expect(calicoBpfPrograms.run(healthyFacts())).toEqual([]);
    expect(DATAPATHS.filter((d) => d.checks.includes(calicoBpfPrograms)).map((d) => d.id)).toEqual(['calico-ebpf']);
  });
});
