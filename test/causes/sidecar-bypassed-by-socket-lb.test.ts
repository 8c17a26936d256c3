// sidecar-bypassed-by-socket-lb as a unit: the check over the --from client's containers and the socket LB
// config, and the shipped scenario found top-1 by doctor --from (no restart, the helm value). preflight has
// no client to look at: it must not claim this cause, and says nothing above info about it.
import { meshSidecar } from '../../src/checks/mesh-sidecar.js';
import { json, kdiag } from '../helpers/cli.js';
import { got, healthyFacts } from '../helpers/facts.js';
import { podUids, withSim } from '../helpers/sim.js';

const CLIENT = 'shop/frontend-node-1';

function withClient(containers: string[], config: Record<string, string> = { 'kube-proxy-replacement': 'true' }) {
  const facts = healthyFacts();
  facts.config = got(config);
  facts.client = got({
    namespace: 'shop',
    name: 'frontend-x',
    node: 'node-a',
    hostNetwork: false,
    labels: {},
    containers,
  });
  return facts;
}

describe('mesh-sidecar check', () => {
  test('no client, no finding', () => {
    expect(meshSidecar.run(healthyFacts())).toEqual([]);
  });

  test('no sidecar: pass', () => {
    expect(meshSidecar.run(withClient(['app'])).map((f) => f.id)).toEqual(['mesh-sidecar/no-sidecar']);
  });

  test.each([
    [['istio-init', 'app', 'istio-proxy']],
    [['linkerd-init', 'linkerd-proxy', 'app']],
    [['istio-init', 'istio-proxy', 'app']], // native sidecar: the proxy among the init containers
  ])('sidecar %j with socket LB in pod namespaces: fail, socketLB.hostNamespaceOnly=true, no restart', (c) => {
    const [f] = meshSidecar.run(withClient(c));
    expect(f).toMatchObject({
      id: 'mesh-sidecar/bypassed',
      status: 'fail',
      node: 'node-a',
      cause: 'sidecar-bypassed-by-socket-lb',
    });
    expect(f!.remediation?.autoFixable).toBe(false);
    expect(f!.remediation?.commands.join('\n')).toContain('--set socketLB.hostNamespaceOnly=true');
  });

  test('socket LB in the host namespace only: the sidecar sees the ClusterIP', () => {
    const f = meshSidecar.run(
      withClient(['app', 'istio-proxy'], { 'kube-proxy-replacement': 'true', 'bpf-lb-sock-hostns-only': 'true' }),
    );
    expect(f.map((x) => [x.id, x.status])).toEqual([['mesh-sidecar/host-namespace-only', 'pass']]);
  });
});

describe('scenario sidecar-bypassed', () => {
  test('doctor --from the meshed pod: top-1 on its node, explain hint, --fix restarts nothing', async () => {
    await withSim('sidecar-bypassed', async (sim) => {
      const before = podUids(sim);
      const r = await kdiag(['doctor', 'clusterip', 'shop/cart', '--from', CLIENT, '--fix', '--yes'], { sim });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/VERDICT: .*\[sidecar-bypassed-by-socket-lb\]/);
      expect(r.stdout).toContain('→ kdiag explain sidecar-bypassed-by-socket-lb');
      expect(r.stdout).toContain('--set socketLB.hostNamespaceOnly=true');
      expect(podUids(sim)).toEqual(before);
      const j = json(await kdiag(['doctor', 'clusterip', 'shop/cart', '--from', CLIENT, '-o', 'json'], { sim }));
      expect(j.rootCauses[0]).toMatchObject({ id: 'sidecar-bypassed-by-socket-lb', nodes: ['node-1'] });
    });
  });

  test('doctor without --from: no client, so no such claim', async () => {
    await withSim('sidecar-bypassed', async (sim) => {
      const j = json(await kdiag(['doctor', 'clusterip', 'shop/cart', '-o', 'json'], { sim }));
      expect(j.rootCauses.map((c: any) => c.id)).not.toContain('sidecar-bypassed-by-socket-lb');
    });
  });
});
