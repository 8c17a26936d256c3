// kube-proxy left running beside Calico eBPF, against the simulator over real HTTP/WebSocket: with Felix's
// default cleanup it is the root cause (cluster-wide, no restart planned); with the cleanup off it is info.
import { json, kdiag } from '../helpers/cli.js';
import { shipped, withSim } from '../helpers/sim.js';

interface Doc {
  datapath?: { id: string };
  rootCauses: { id: string; nodes: string[] }[];
  findings: { id: string; status: string; evidence: { source: string; excerpt: string }[] }[];
  plan: { actions: unknown[] };
}
const SLOW = 240_000;

describe('kube-proxy beside Calico eBPF', () => {
  test(
    "cleanup at Felix's default: calico-kube-proxy-fight, cluster-wide, no restart planned",
    () =>
      withSim('calico-ebpf-kube-proxy-running', async (sim) => {
        const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
        const d = json<Doc>(r);
        expect(r.exitCode).toBe(1);
        expect(d.datapath?.id).toBe('calico-ebpf');
        expect(d.rootCauses.map((c) => [c.id, c.nodes])).toEqual([['calico-kube-proxy-fight', []]]);
        const f = d.findings.find((x) => x.id === 'calico-kube-proxy-cleanup/fighting')!;
        expect(f.evidence[0]!.excerpt).toMatch(/^DaemonSet kube-system\/kube-proxy desired=3 ready=3$/m);
        expect(d.plan.actions).toEqual([]);
      }),
    SLOW,
  );

  test(
    'FELIX_BPFKUBEPROXYIPTABLESCLEANUPENABLED=false on calico-node: info only, exit 0',
    () => {
      const s = shipped('calico-ebpf-kube-proxy-running');
      return withSim(
        { ...s, datapath: { ...s.datapath, calicoKubeProxyCleanup: false }, expect: { rootCause: null } },
        async (sim) => {
          const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
          const d = json<Doc>(r);
          expect(
            d.findings.filter((f) => f.id.startsWith('calico-kube-proxy-cleanup/')).map((f) => [f.id, f.status]),
          ).toEqual([['calico-kube-proxy-cleanup/cleanup-disabled', 'info']]);
          expect([d.rootCauses, r.exitCode]).toEqual([[], 0]);
        },
      );
    },
    SLOW,
  );
});
