// sidecar-bypassed-by-socket-lb as a unit: the check over the --from client's containers and the socket LB
// config, and the shipped scenario found top-1 by doctor --from (no restart, the helm value). doctor on a
// Service without --from does not claim it; preflight (no Service, no client) judges every meshed pod.
import { meshSidecar } from '../../src/checks/mesh-sidecar.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { json, kdiag } from '../helpers/cli.js';
import { failed, got, healthyFacts } from '../helpers/facts.js';
import type { MeshPodsFact } from '../../src/model/facts.js';
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

describe('mesh-sidecar check, cluster-wide (no --from)', () => {
  const mesh = (pods: MeshPodsFact['pods'], config: Record<string, string> = { 'kube-proxy-replacement': 'true' }) => {
    const facts = healthyFacts();
    facts.config = got(config);
    facts.meshPods = got({ pods, total: pods.length, listed: 40 });
    return facts;
  };
  const frontend = { namespace: 'shop', name: 'frontend-1', node: 'node-a', sidecars: ['istio-proxy'] };

  test('no meshed pod: one pass for the cluster', () => {
    expect(meshSidecar.run(mesh([])).map((f) => [f.id, f.status, f.node])).toEqual([
      ['mesh-sidecar/no-sidecar', 'pass', undefined],
    ]);
  });

  test('meshed pods with socket LB in pod namespaces: one cluster-wide fail naming them, no restart', () => {
    const pods = [
      frontend,
      { ...frontend, name: 'frontend-2' },
      { ...frontend, name: 'x' },
      { ...frontend, name: 'y' },
    ];
    const [f, ...rest] = meshSidecar.run(mesh(pods));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ id: 'mesh-sidecar/bypassed', status: 'fail', cause: 'sidecar-bypassed-by-socket-lb' });
    expect(f!.node).toBeUndefined();
    expect(f!.message).toContain(
      '4 pod(s) run a mesh sidecar (istio-proxy: shop/frontend-1, shop/frontend-2, shop/x and 1 more)',
    );
    expect(f!.remediation?.commands.join('\n')).toContain('--set socketLB.hostNamespaceOnly=true');
  });

  test('socket LB host namespace only: pass', () => {
    const f = meshSidecar.run(
      mesh([frontend], { 'kube-proxy-replacement': 'true', 'bpf-lb-sock-hostns-only': 'true' }),
    );
    expect(f.map((x) => [x.id, x.status])).toEqual([['mesh-sidecar/host-namespace-only', 'pass']]);
  });

  test('the --from client wins over the pods list; a pods list that failed is unknown', () => {
    const facts = mesh([frontend]);
    facts.client = got({
      namespace: 'shop',
      name: 'c',
      node: 'node-b',
      hostNetwork: false,
      labels: {},
      containers: ['app'],
    });
    expect(meshSidecar.run(facts).map((f) => f.id)).toEqual(['mesh-sidecar/no-sidecar']);
    const denied = healthyFacts({ meshPods: failed('forbidden: cannot list pods') });
    expect(runChecks(denied, { only: ['mesh-sidecar'] }).map((f) => f.status)).toEqual(['unknown']);
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
