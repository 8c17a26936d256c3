// Re-read before delete, one check for every datapath (src/engine/verify-restart.ts): the planned pod
// must still be owned by the DaemonSet the plan's target names (the one detection found), on its node,
// with its label and container. Against the simulator over HTTP, with the engine's own plan.
import { KubeClient } from '../../src/cluster/client.js';
import { applyFixes } from '../../src/engine/apply-fix.js';
import { diagnose } from '../../src/engine/doctor.js';
import { verifyRestartTarget } from '../../src/engine/verify-restart.js';
import { simulator, type SimHandle } from '../helpers/sim.js';

const connect = (sim: SimHandle) =>
  KubeClient.connect({ kubeconfig: sim.kubeconfigPath, requestTimeoutMs: 10_000, concurrency: 4 });

describe('verifyRestartTarget', () => {
  let sim: SimHandle;
  let client: KubeClient;
  beforeAll(async () => {
    sim = await simulator('kube-proxy-missing-chain');
    client = await connect(sim);
  });
  afterAll(async () => {
    client?.close();
    await sim?.stop();
  });

  test("the plan's kube-proxy action names the DaemonSet detection found, and the pod passes the re-read", async () => {
    const { diagnosis, facts } = await diagnose(client, {});
    const ds = facts.kubeProxy.ok ? facts.kubeProxy.value.daemonSet : undefined;
    expect(ds).toMatchObject({ namespace: 'kube-system', name: 'kube-proxy' });
    const [a] = diagnosis.plan.actions;
    expect(a).toMatchObject({
      kind: 'restart-kube-proxy',
      node: 'node-2',
      target: {
        namespace: 'kube-system',
        daemonSet: 'kube-proxy',
        label: 'k8s-app=kube-proxy',
        container: 'kube-proxy',
      },
    });
    expect(await verifyRestartTarget(client, a!, a!.target!)).toBeUndefined();
    // The same pod is refused for a target it does not match.
    expect(await verifyRestartTarget(client, a!, { ...a!.target!, container: 'cilium-agent' })).toBe(
      `pod ${a!.pod} has no container cilium-agent`,
    );
    expect(await verifyRestartTarget(client, a!, { ...a!.target!, label: 'k8s-app=cilium' })).toBe(
      `pod ${a!.pod} is not labelled k8s-app=cilium`,
    );
    expect(await verifyRestartTarget(client, { ...a!, node: 'node-3' }, a!.target!)).toBe(
      `pod ${a!.pod} runs on node-2, not on node-3`,
    );
  });

  test('a pod labelled k8s-app=kube-proxy but owned by another DaemonSet is refused, and not deleted', async () => {
    const { diagnosis } = await diagnose(client, {});
    const a = diagnosis.plan.actions[0]!;
    // Between plan and delete, the pod changes hands (another DaemonSet with kube-proxy's label).
    const path = `/api/v1/namespaces/kube-system/pods/${a.pod}`;
    const pod = await client.json<{ metadata: Record<string, unknown> }>('GET', path);
    pod.metadata.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'kube-proxy-legacy', uid: 'legacy', controller: true },
    ];
    await client.request('PUT', path, { body: pod });
    const res = await applyFixes(client, diagnosis.plan, {
      readyTimeoutMs: 2000,
      recheck: async (nodes) => nodes.map((node) => ({ node, remaining: [] })),
    });
    expect(res.steps).toEqual([
      {
        node: 'node-2',
        oldPod: a.pod,
        outcome: 'refused',
        detail: `pod ${a.pod} is not owned by DaemonSet kube-system/kube-proxy`,
      },
    ]);
    expect(res.completed).toBe(false);
    expect(sim.pods('kube-system').some((p) => p.metadata.name === a.pod)).toBe(true);
  });
});
