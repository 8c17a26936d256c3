// The DaemonSet recreates a deleted agent on the same node; a fixedByRestart fault is gone afterwards.
import { CoreV1Api } from '@kubernetes/client-node';
import { parseBpftoolProgJson } from '../../src/cilium/formats/bpftool.js';
import { agentOn, simulator, type SimHandle, type SimPod } from '../helpers/sim.js';
import { execIn, kubeConfig, until } from './helpers.js';

let sim: SimHandle;
beforeAll(async () => {
  sim = await simulator('bpf-programs-not-loaded');
});
afterAll(async () => {
  await sim?.stop();
});

const ready = (p: SimPod | undefined) =>
  !!p &&
  ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );

test('restart of the agent on node-2 loads its programs again; node-1 untouched', async () => {
  const kc = kubeConfig(sim.kubeconfigPath);
  const old = agentOn(sim, 'node-2')!;
  const before = await execIn(kc, 'kube-system', old.metadata.name, 'cilium-agent', ['bpftool', '-j', 'prog', 'show']);
  expect(parseBpftoolProgJson(before.stdout)).toEqual([]);
  const healthy = await execIn(kc, 'kube-system', agentOn(sim, 'node-1')!.metadata.name, 'cilium-agent', [
    'bpftool',
    'prog',
    'show',
    '--json',
  ]);
  expect(parseBpftoolProgJson(healthy.stdout).map((p) => p.name)).toContain('cil_from_netdev');

  await kc.makeApiClient(CoreV1Api).deleteNamespacedPod({
    namespace: 'kube-system',
    name: old.metadata.name,
    body: { propagationPolicy: 'Background' },
  });
  const fresh = await until(
    () => {
      const p = agentOn(sim, 'node-2');
      return p && p.metadata.name !== old.metadata.name && ready(p) ? p : undefined;
    },
    20000,
    'recreated agent on node-2',
  );
  expect(fresh.metadata.name).toMatch(/^cilium-[a-z0-9]{5}$/);
  expect(fresh.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'cilium' });
  expect((fresh.status as { containerStatuses: { restartCount: number }[] }).containerStatuses[0]!.restartCount).toBe(
    0,
  );
  const after = await execIn(kc, 'kube-system', fresh.metadata.name, 'cilium-agent', ['bpftool', '-j', 'prog', 'show']);
  expect(parseBpftoolProgJson(after.stdout).map((p) => p.name)).toContain('cil_from_netdev');
  expect(sim.nodesWithFault('bpf-programs-not-loaded')).toEqual(['node-4']);
});
