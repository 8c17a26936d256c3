// `doctor` and `preflight` name the detected datapath in their header and in -o json; a cluster that shows
// no Service datapath says what was seen and exits 2 (against the simulator, real HTTP).
import { kdiag } from '../helpers/cli.js';
import { scenario, withSim } from '../helpers/sim.js';

interface WithDatapath {
  datapath?: { id: string; services?: string; kubeProxyMode?: string; title: string };
  rootCauses?: { id: string }[];
  findings?: { id: string; check: string; node?: string }[];
}
const json = (s: string) => JSON.parse(s) as WithDatapath;
// Several CLI runs per test against a real simulator: generous on a shared machine.
const SLOW = 240_000;

describe('detected datapath', () => {
  test(
    'Cilium with kube-proxy replacement: doctor header and json, preflight header and json',
    () =>
      withSim('healthy', async (sim) => {
        const [dj, dt, pj, pt] = await Promise.all([
          kdiag(['doctor', 'clusterip', '-o', 'json'], { sim }),
          kdiag(['doctor', 'clusterip'], { sim }),
          kdiag(['preflight', '-o', 'json'], { sim }),
          kdiag(['preflight'], { sim }),
        ]);
        expect(json(dj.stdout).datapath).toMatchObject({ id: 'cilium-kpr', services: 'cilium' });
        expect(dt.stdout).toMatch(/^Datapath: Cilium eBPF with kube-proxy replacement$/m);
        expect(json(pj.stdout).datapath).toMatchObject({ id: 'cilium-kpr' });
        expect(pt.stdout).toMatch(/^Datapath: Cilium eBPF with kube-proxy replacement$/m);
        expect([dj.exitCode, pj.exitCode]).toEqual([0, 0]);
        // kube-proxy's check belongs to another datapath: not run here, and naming it is no error.
        expect(json(dj.stdout).findings?.some((f) => f.check === 'kube-proxy-pods')).toBe(false);
        const only = await kdiag(['preflight', '--check', 'kube-proxy-pods', '-o', 'json'], { sim });
        expect(only.exitCode).toBe(0);
      }),
    SLOW,
  );

  test(
    'Cilium without kube-proxy replacement, kube-proxy in IPVS mode',
    () =>
      withSim(
        scenario({ cilium: { kubeProxyReplacement: 'false' }, kubeProxy: true, datapath: { kubeProxyMode: 'ipvs' } }),
        async (sim) => {
          const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
          const d = json(r.stdout);
          expect(d.datapath).toMatchObject({ id: 'cilium-kube-proxy', services: 'kube-proxy', kubeProxyMode: 'ipvs' });
          // kube-proxy serves Services here, so its own check runs through the seam: Ready on every node.
          expect(d.findings?.filter((f) => f.check === 'kube-proxy-pods').map((f) => `${f.id}@${f.node}`)).toEqual([
            'kube-proxy-pods/ready@node-1',
            'kube-proxy-pods/ready@node-2',
            'kube-proxy-pods/ready@node-3',
          ]);
          expect([d.rootCauses, r.exitCode]).toEqual([[], 0]);
        },
      ),
    SLOW,
  );

  test(
    "kube-proxy alone (no-cilium): iptables from the ConfigMap; kube-proxy's playbook runs, a missing Cilium is no cause",
    () =>
      withSim('no-cilium', async (sim) => {
        const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
        const d = json(r.stdout);
        expect(d.datapath).toMatchObject({ id: 'kube-proxy', kubeProxyMode: 'iptables' });
        expect(d.rootCauses?.map((c) => c.id)).toEqual([]);
        expect([...new Set(d.findings?.map((f) => f.check))]).toEqual(['kube-proxy-pods', 'kube-proxy-rules']);
        expect(r.exitCode).toBe(0);
      }),
    SLOW,
  );

  test(
    'Calico eBPF (FELIX_BPFENABLED on calico-node), and Calico chained with Cilium',
    async () => {
      await withSim(scenario({ cilium: { installed: false }, datapath: { calico: 'bpf' } }), async (sim) => {
        const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
        expect(json(r.stdout).datapath).toMatchObject({ id: 'calico-ebpf', services: 'calico' });
      });
      await withSim(
        scenario({
          cilium: { kubeProxyReplacement: 'false', config: { 'cni-chaining-mode': 'generic-veth' } },
          kubeProxy: true,
          datapath: { calico: 'iptables' },
        }),
        async (sim) => {
          const r = await kdiag(['preflight', '-o', 'json'], { sim });
          expect(json(r.stdout).datapath).toMatchObject({ id: 'calico-cilium', services: 'kube-proxy' });
        },
      );
    },
    SLOW,
  );

  test(
    'no Cilium, kube-proxy or Calico: exit 2 with what was seen, never healthy',
    () =>
      withSim(scenario({ cilium: { installed: false } }), async (sim) => {
        const [d, p] = await Promise.all([
          kdiag(['doctor', 'clusterip'], { sim }),
          kdiag(['preflight', '-o', 'json'], { sim }),
        ]);
        for (const r of [d, p]) {
          expect(r.exitCode).toBe(2);
          expect(r.stderr).toMatch(
            /no Service datapath recognised: .*no Cilium agent DaemonSet.*no kube-proxy DaemonSet/,
          );
        }
      }),
    SLOW,
  );
});
