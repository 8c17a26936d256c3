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

test(
  'iptables mode, stale chains on node-3: the deleted Service is STALE there',
  () =>
    withSim('kube-proxy-stale-chains', async (sim) => {
      const rep = json(await kdiag(['service-list', '-A', '-o', 'json'], { sim }));
      expect(notOk(rep)).toEqual(['shop/old-cart 10.96.20.20:80/TCP STALE node-3']);
      expect((await kdiag(['service-list', '-A', '--fail-on-drift'], { sim })).exitCode).toBe(1);
    }),
  SLOW,
);

test(
  'IPVS mode, a missing virtual service on node-2: NOT_IN_MAP there only',
  () =>
    withSim('kube-proxy-ipvs-missing-service', async (sim) => {
      const rep = json(await kdiag(['service-list', '-A', '-o', 'json'], { sim }));
      expect(rep).toMatchObject({ datapath: 'kube-proxy', kubeProxyMode: 'ipvs' });
      expect(notOk(rep)).toEqual(['default/web 10.96.10.10:80/TCP NOT_IN_MAP node-2']);
    }),
  SLOW,
);

test(
  'nftables mode, a missing service on node-3: NOT_IN_MAP there only',
  () =>
    withSim('kube-proxy-nftables-missing-chain', async (sim) => {
      const rep = json(await kdiag(['service-list', '-A', '-o', 'json'], { sim }));
      expect(rep).toMatchObject({ datapath: 'kube-proxy', kubeProxyMode: 'nftables' });
      expect(notOk(rep)).toEqual(['shop/cart 10.96.30.30:8080/TCP NOT_IN_MAP node-3']);
    }),
  SLOW,
);
