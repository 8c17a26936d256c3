// Calico's iptables dataplane with kube-proxy serving Services (no Cilium), against the simulator over real
// HTTP/WebSocket: doctor detects `calico-kube-proxy`, runs kube-proxy's playbook (nat table through each
// kube-proxy pod) and no Cilium or Calico eBPF check; the missing-chain fault is found on its node.
import { json, kdiag } from '../helpers/cli.js';
import { doctorJson, SLOW, type DoctorDoc as Doc } from '../helpers/doctor.js';
import { withSim } from '../helpers/sim.js';

describe('Calico (iptables) + kube-proxy datapath', () => {
  test(
    'healthy: detected as calico-kube-proxy, kube-proxy rules in sync on every node, nothing above info, exit 0',
    () =>
      withSim('calico-iptables', async (sim) => {
        const [dj, dt] = await Promise.all([
          kdiag(['doctor', 'clusterip', '-o', 'json'], { sim }),
          kdiag(['doctor', 'clusterip'], { sim }),
        ]);
        const d = json<Doc>(dj);
        expect(d.datapath).toMatchObject({
          id: 'calico-kube-proxy',
          services: 'kube-proxy',
          kubeProxyMode: 'iptables',
        });
        expect(dt.stdout).toMatch(/^Datapath: Calico \(iptables\) \+ kube-proxy \(iptables\)/m);
        expect(d.findings.filter((f) => f.check === 'kube-proxy-rules').map((f) => `${f.status}@${f.node}`)).toEqual([
          'pass@node-1',
          'pass@node-2',
          'pass@node-3',
        ]);
        // kube-proxy's playbook only: no Cilium check (Cilium is absent, not a cause) and no Calico eBPF check.
        expect(
          d.findings.filter((f) => /^(cilium-installed|service-map|bpf-programs|calico-nat-map)$/.test(f.check)),
        ).toEqual([]);
        expect(d.findings.filter((f) => f.status !== 'pass' && f.status !== 'info')).toEqual([]);
        expect([d.rootCauses, dj.exitCode, dt.exitCode]).toEqual([[], 0, 0]);
      }),
    SLOW,
  );

  test(
    'missing chain on node-2: kube-proxy-rules-stale there, the evidence names the missing KUBE-SERVICES rule',
    () =>
      withSim('calico-iptables-missing-chain', async (sim) => {
        const { r, d } = await doctorJson(sim);
        expect(r.exitCode).toBe(1);
        expect(d.datapath?.id).toBe('calico-kube-proxy');
        expect(d.rootCauses[0]).toMatchObject({ id: 'kube-proxy-rules-stale', nodes: ['node-2'] });
        const f = d.findings.find((x) => x.id === 'kube-proxy-rules/missing-service')!;
        expect(f.node).toBe('node-2');
        expect(f.evidence.map((e) => e.excerpt).join('\n')).toContain(
          'no -A KUBE-SERVICES rule for -d 10.96.10.10/32 --dport 80 (tcp)',
        );
      }),
    SLOW,
  );
});
