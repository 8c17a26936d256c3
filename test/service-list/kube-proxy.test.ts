// service-list where kube-proxy serves Services: the rows come from each node's kube-proxy rules (iptables,
// IPVS or nftables mode, read through the kube-proxy pods), through the same join and with the same statuses
// as Cilium's map: all OK on a healthy cluster, NOT_IN_MAP / STALE on the broken node. No Cilium needed.
import { json, kdiag } from '../helpers/cli.js';
import { withSim } from '../helpers/sim.js';

const SLOW = 120_000;
const notOk = (rep: any) =>
  rep.rows
    .filter((x: any) => x.status !== 'OK')
    .map(
      (x: any) => `${x.namespace}/${x.name || '<none>'} ${x.frontend} ${x.status} ${x.nodes.map((n: any) => n.node)}`,
    );

test(
  'iptables mode, healthy: every frontend OK on every node, kube-dns on its three ports',
  () =>
    withSim('kube-proxy-iptables', async (sim) => {
      const r = await kdiag(['service-list', '-A', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(0);
      const rep = json(r);
      expect(rep).toMatchObject({ datapath: 'kube-proxy', kubeProxyMode: 'iptables' });
      expect(rep.summary).toMatchObject({ nodes: 3, nodesUnknown: 0, notOk: 0 });
      expect(
        rep.rows
          .filter((x: any) => x.name === 'kube-dns')
          .map((x: any) => `${x.frontend} ${x.status}`)
          .sort(),
      ).toEqual(['10.96.0.10:53/TCP OK', '10.96.0.10:53/UDP OK', '10.96.0.10:9153/TCP OK']);
      expect((await kdiag(['service-list', '-A'], { sim })).stdout).toContain('all OK');
    }),
  SLOW,
);

// One broken node per mode: [mode, scenario, the rows not OK, whether --fail-on-drift is asked too].
const BROKEN: [string, string, string[], boolean][] = [
  ['iptables', 'kube-proxy-stale-chains', ['shop/old-cart 10.96.20.20:80/TCP STALE node-3'], true],
  ['ipvs', 'kube-proxy-ipvs-missing-service', ['default/web 10.96.10.10:80/TCP NOT_IN_MAP node-2'], false],
  ['nftables', 'kube-proxy-nftables-missing-chain', ['shop/cart 10.96.30.30:8080/TCP NOT_IN_MAP node-3'], false],
];

test.each(BROKEN)(
  "%s mode, %s: only the broken node's rows are not OK",
  (mode, name, rows, failOnDrift) =>
    withSim(name, async (sim) => {
      const rep = json(await kdiag(['service-list', '-A', '-o', 'json'], { sim }));
      expect(rep).toMatchObject({ datapath: 'kube-proxy', kubeProxyMode: mode });
      expect(notOk(rep)).toEqual(rows);
      if (failOnDrift) expect((await kdiag(['service-list', '-A', '--fail-on-drift'], { sim })).exitCode).toBe(1);
    }),
  SLOW,
);
