// The same drift on every node is not a reason to restart every agent (issue #14): the cluster-wide
// explanation is named, no restart is proposed, and --fix refuses a whole-cluster restart unless the
// user names the nodes.
import { json, kdiag } from '../helpers/cli.js';
import { scenario, withSim } from '../helpers/sim.js';

test('cluster-wide-drift: one cluster-wide finding naming the label, no restart, --fix restarts nothing', async () => {
  await withSim('cluster-wide-drift', async (sim) => {
    const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
    expect(r.exitCode).toBe(1);
    const d = json(r);
    expect(d.rootCauses[0].id).toBe('service-map-cluster-wide');
    const f = (d.findings as any[]).find((x) => x.id === 'service-map/cluster-wide');
    expect(f.message).toContain('default/legacy has label service.kubernetes.io/service-proxy-name=kube-proxy');
    expect((d.findings as any[]).filter((x) => x.id === 'service-map/not-in-map')).toEqual([]);
    const fix = json(await kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json'], { sim }));
    expect(fix.fix?.steps ?? []).toEqual([]);
    const uids = sim.pods('kube-system').map((p) => p.metadata.uid);
    const sl = json(await kdiag(['service-list', '-A', '--problems', '-o', 'json'], { sim }));
    expect(sl.rows.map((x: any) => `${x.namespace}/${x.name} ${x.status} ${x.nodes.length}`)).toEqual([
      'default/legacy NOT_IN_MAP 3',
    ]);
    expect(sim.pods('kube-system').map((p) => p.metadata.uid)).toEqual(uids);
  });
});

test('a restart-fixable fault on every node: --fix refuses unless --node names the nodes', async () => {
  const all = scenario({ count: 3, faults: [{ kind: 'bpf-programs-not-loaded', nodes: 'all' }] });
  await withSim(all, async (sim) => {
    const r = json(await kdiag(['doctor', 'clusterip', '--fix', '--dry-run', '-o', 'json'], { sim }));
    expect(r.plan.actions).toEqual([]);
    expect(r.plan.refused.map((x: any) => x.node)).toEqual(['node-1', 'node-2', 'node-3']);
    expect(r.plan.refused[0].reason).toContain('name the nodes with --node');
    const named = json(
      await kdiag(['doctor', 'clusterip', '--fix', '--dry-run', '--node', 'node-1', '-o', 'json'], { sim }),
    );
    expect(named.plan.actions.map((a: any) => a.node)).toEqual(['node-1']);
  });
});
