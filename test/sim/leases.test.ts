// Node Leases and heartbeats: a live kubelet renews its Lease in kube-node-lease every 10 s and posts node
// status at least every 5 minutes, so `kubectl describe node` shows the Lease and recent heartbeats.
import { Cluster } from '../../src/sim/cluster/index.js';
import { validateScenario } from '../../src/sim/scenario.js';
import { scenario, simulator, type SimHandle } from '../helpers/sim.js';
import { describeKubectl as maybe, kubectlOn } from '../helpers/kubectl.js';
import { rawRequest } from './helpers.js';

interface Lease {
  metadata: { name: string; resourceVersion: string; ownerReferences: { kind: string; name: string }[] };
  spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
}
interface NodeStatus {
  status: { conditions: { type: string; lastHeartbeatTime: string }[] };
}

let sim: SimHandle;
const kubectl = kubectlOn(() => sim);
beforeAll(async () => {
  sim = await simulator(scenario({ description: 'leases', count: 3 }));
});
afterAll(async () => {
  await sim?.stop();
  kubectl.dispose();
});

test('one Lease per node in kube-node-lease, held by the node and owned by its Node', async () => {
  const r = await rawRequest(sim, '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases');
  expect(r.status).toBe(200);
  const leases = (JSON.parse(r.body) as { items: Lease[] }).items;
  expect(leases.map((l) => l.metadata.name)).toEqual(['node-1', 'node-2', 'node-3']);
  for (const l of leases) {
    expect(l.spec.holderIdentity).toBe(l.metadata.name);
    expect(l.spec.leaseDurationSeconds).toBe(40);
    expect(l.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    // renewed within one lease duration of the simulator's clock
    expect(Date.now() - Date.parse(l.spec.renewTime)).toBeLessThan(40_000);
    expect(l.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Node', name: l.metadata.name })]);
  }
});

test('Node heartbeats are recent, not hours old', async () => {
  const node = JSON.parse((await rawRequest(sim, '/api/v1/nodes/node-2')).body) as NodeStatus;
  for (const c of node.status.conditions) expect(Date.now() - Date.parse(c.lastHeartbeatTime)).toBeLessThan(300_000);
});

test('a Lease is renewed once 10 s have passed, with a new resourceVersion; heartbeats after 5 minutes', () => {
  const c = new Cluster(validateScenario(scenario({ description: 'renew', count: 1 }), 'test'));
  try {
    const lease = () => c.store.get('leases.coordination.k8s.io', 'kube-node-lease', 'node-1') as unknown as Lease;
    const node = () => c.store.get('nodes', undefined, 'node-1') as unknown as NodeStatus;
    const before = structuredClone(lease());
    const beat = node().status.conditions[0]!.lastHeartbeatTime;
    c.heartbeat();
    expect(lease().spec.renewTime).toBe(before.spec.renewTime);
    const later = new Date(Date.parse(before.spec.renewTime) + 11_000);
    c.heartbeat(later);
    expect(Date.parse(lease().spec.renewTime)).toBe(later.getTime());
    expect(Number(lease().metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(node().status.conditions[0]!.lastHeartbeatTime).toBe(beat);
    c.heartbeat(new Date(Date.parse(beat) + 301_000));
    expect(Date.parse(node().status.conditions[0]!.lastHeartbeatTime)).toBe(Date.parse(beat) + 301_000);
  } finally {
    c.stop();
  }
});

maybe('kubectl', () => {
  test('describe node shows the Lease, no lease error', async () => {
    const r = await kubectl(['describe', 'node', 'node-1']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Lease:\n {2}HolderIdentity: {2}node-1\n/m);
    expect(r.stdout).not.toMatch(/Failed to get lease/);
  });

  test('get leases -n kube-node-lease prints the Holder column', async () => {
    const r = await kubectl(['get', 'leases', '-n', 'kube-node-lease']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+HOLDER\s+AGE$/);
    expect(lines[1]).toMatch(/^node-1\s+node-1\s+/);
  });

  test('deleting a Node takes its Lease with it', async () => {
    const d = await kubectl(['delete', 'node', 'node-3']);
    expect(d.exitCode).toBe(0);
    expect(sim.list('leases.coordination.k8s.io', 'kube-node-lease').map((l) => l.metadata.name)).toEqual([
      'node-1',
      'node-2',
    ]);
  });
});
