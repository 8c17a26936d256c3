// `kdiag preflight --wait`: re-runs until the gate is green. The agents on the broken nodes are
// restarted while it waits (the simulator clears a fixedByRestart fault), so the gate turns green.
import { KubeClient } from '../../src/cluster/client.js';
import { ended, kdiag, spawnKdiag } from '../helpers/cli.js';
import { simulator, withSim } from '../helpers/sim.js';

test('--wait re-runs until green after the affected agents are restarted', async () => {
  const sim = await simulator('bpf-programs-not-loaded');
  const client = await KubeClient.connect({ kubeconfig: sim.kubeconfigPath, requestTimeoutMs: 10_000, concurrency: 4 });
  try {
    const run = spawnKdiag(['preflight', '--wait', '60s', '-o', 'json'], { sim });
    // Wait until the first attempt has reported red, then fix the two nodes the seed's way.
    await new Promise<void>((resolve) => {
      run.stderr!.on('data', (d: Buffer) => {
        if (/re-running/.test(d.toString())) resolve();
      });
    });
    for (const node of ['node-2', 'node-4']) {
      const [pod] = await client.listAll('/api/v1/namespaces/kube-system/pods', {
        labelSelector: 'k8s-app=cilium',
        fieldSelector: `spec.nodeName=${node}`,
      });
      await client.deletePod('kube-system', pod.metadata!.name!);
    }
    const r = await ended(run);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).summary.status).toBe('passed');
    expect(r.stderr).toMatch(/failed \(\d+ failed/);
  } finally {
    client.close();
    await sim.stop();
  }
});

test('the gate includes the service map: service-map-stale fails on exactly the drifted nodes', async () => {
  await withSim('service-map-stale', async (sim) => {
    const r = await kdiag(['preflight', '-o', 'json'], { sim });
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout);
    const failed = report.findings
      .filter((f: any) => f.check === 'service-map' && f.status === 'fail')
      .map((f: any) => `${f.id}@${f.node}`)
      .sort();
    expect(failed).toEqual(['service-map/backends-differ@node-3', 'service-map/not-in-map@node-2']);
  });
});
