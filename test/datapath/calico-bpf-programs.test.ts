// Calico eBPF's programs per node, against the simulator over real HTTP/WebSocket and real kubectl: the
// calico-node container answers `bpftool -j prog show` in bpftool's JSON with Calico's (kernel-truncated)
// names; doctor reads it on every node, finds node-2 without tc programs, and plans no restart for it.
import { execa } from 'execa';
import { parseBpftoolProgJson } from '../../src/cilium/formats/bpftool.js';
import { kdiag } from '../helpers/cli.js';
import { doctorJson, SLOW } from '../helpers/doctor.js';
import { withSim } from '../helpers/sim.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

describe("Calico eBPF's programs (bpftool in calico-node)", () => {
  test(
    'the simulated calico-node lists preamble, main, policy and connect-time programs in bpftool JSON, names at most 15 characters',
    () =>
      withSim('calico-ebpf-healthy', async (sim) => {
        const k = ['--kubeconfig', sim.kubeconfigPath, '-n', 'kube-system'];
        const pod = (
          await execa(KUBECTL, [
            ...k,
            'get',
            'pods',
            '-l',
            'k8s-app=calico-node',
            '-o',
            'jsonpath={.items[0].metadata.name}',
          ])
        ).stdout;
        const r = await execa(KUBECTL, [...k, 'exec', pod, '-c', 'calico-node', '--', 'bpftool', '-j', 'prog', 'show']);
        const progs = parseBpftoolProgJson(r.stdout);
        const names = new Set(progs.map((p) => `${p.type} ${p.name}`));
        expect([...names]).toEqual(
          expect.arrayContaining([
            'sched_cls cali_tc_preambl',
            'sched_cls calico_tc_main',
            'sched_cls calico_tc_skb_a',
            'sched_cls calico_tc_allow',
            'cgroup_sock_addr calico_connect_',
          ]),
        );
        expect(progs.some((p) => /^sched_cls p4[ie]_cali[0-9a-f]{7}$/.test(`${p.type} ${p.name}`))).toBe(true);
        expect(progs.every((p) => p.name.length <= 15)).toBe(true);
      }),
    SLOW,
  );

  test(
    'node-2 without tc programs: the cause on node-2 only, the exact command, NAT maps still in sync, no restart planned',
    () =>
      withSim('calico-ebpf-programs-not-loaded', async (sim) => {
        const { r, d } = await doctorJson(sim);
        expect(r.exitCode).toBe(1);
        expect(d.rootCauses.map((c) => [c.id, c.nodes])).toEqual([['calico-bpf-programs-not-loaded', ['node-2']]]);
        expect(d.findings.filter((f) => f.check === 'calico-bpf-programs').map((f) => `${f.id}@${f.node}`)).toEqual([
          'calico-bpf-programs/loaded@node-1',
          'calico-bpf-programs/no-tc-programs@node-2',
          'calico-bpf-programs/loaded@node-3',
        ]);
        const bad = d.findings.find((f) => f.id === 'calico-bpf-programs/no-tc-programs')!;
        expect(bad.evidence[0]!.command).toEqual(['bpftool', '-j', 'prog', 'show']);
        expect(bad.evidence[0]!.excerpt).toMatch(/^tc: \(none\)$/m);
        expect(bad.evidence[0]!.excerpt).toMatch(/^connect-time: calico_connect_, calico_recvmsg_, calico_sendmsg_$/m);
        expect(d.findings.filter((f) => f.check === 'calico-nat-map').map((f) => f.id)).toEqual([
          'calico-nat-map/in-sync',
          'calico-nat-map/in-sync',
          'calico-nat-map/in-sync',
        ]);
        expect(d.plan.actions).toEqual([]);
        const t = await kdiag(['doctor', 'clusterip'], { sim });
        expect(t.stdout).toContain('calico-bpf-programs-not-loaded');
      }),
    SLOW,
  );
});
