// `kdiag doctor clusterip` end to end: the built CLI against the simulator, as a user runs it.
import { json, kdiag } from '../helpers/cli.js';
import { agentNames, podUids, withSim } from '../helpers/sim.js';

describe('doctor clusterip CLI', () => {
  test('healthy: exit 0, empty rootCauses in JSON', async () => {
    await withSim('healthy', async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(0);
      const d = json(r);
      expect(d.kind).toBe('Diagnosis');
      expect(d.rootCauses).toEqual([]);
    });
  });

  test('bpf-programs-not-loaded: table shows verdict, evidence and exact fix commands; exit 1', async () => {
    await withSim('bpf-programs-not-loaded', async (sim) => {
      const before = agentNames(sim);
      const r = await kdiag(['doctor', 'clusterip'], { sim });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/VERDICT: .*\[bpf-programs-not-loaded\]/);
      expect(r.stdout).toContain('affected: node-2, node-4');
      expect(r.stdout).toContain(`kubectl -n kube-system delete pod ${before.get('node-2')}`);
      expect(r.stdout).toContain(`kubectl -n kube-system delete pod ${before.get('node-4')}`);
      expect(r.stdout).not.toContain(before.get('node-1')!);
    });
  });

  test('--fix --dry-run prints the exact commands and changes nothing', async () => {
    await withSim('bpf-programs-not-loaded', async (sim) => {
      const before = podUids(sim);
      const r = await kdiag(['doctor', 'clusterip', '--fix', '--dry-run'], { sim });
      expect(r.stdout).toContain('DRY RUN');
      expect(r.stdout).toMatch(/kubectl -n kube-system delete pod cilium-\w+/);
      expect(podUids(sim)).toEqual(before);
    });
  });

  test('--fix --yes restarts only the affected agents, then reports healthy', async () => {
    await withSim('bpf-programs-not-loaded', async (sim) => {
      const before = agentNames(sim);
      const r = await kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json'], { sim });
      const d = json(r);
      expect(d.fix.applied).toBe(true);
      expect(d.fix.steps.map((s: any) => [s.node, s.outcome])).toEqual([
        ['node-2', 'recovered'],
        ['node-4', 'recovered'],
      ]);
      expect(d.fix.before.map((c: any) => c.id)).toContain('bpf-programs-not-loaded');
      expect(d.rootCauses).toEqual([]);
      expect(r.exitCode).toBe(0);
      const after = agentNames(sim);
      for (const n of ['node-1', 'node-3', 'node-5']) expect(after.get(n)).toBe(before.get(n));
      for (const n of ['node-2', 'node-4']) expect(after.get(n)).not.toBe(before.get(n));
    });
  });

  test('kernel-too-old: --fix --yes restarts nothing and says what must change', async () => {
    await withSim('kernel-too-old', async (sim) => {
      const before = podUids(sim);
      const r = await kdiag(['doctor', 'clusterip', '--fix', '--yes'], { sim });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/VERDICT: .*\[kernel-too-old\]/);
      expect(r.stdout).toMatch(/a restart will not fix this/);
      expect(r.stdout).toContain('--fix: nothing kdiag may safely fix');
      expect(podUids(sim)).toEqual(before);
    });
  });

  test('--fix without --yes refuses to prompt when stdin is not a terminal', async () => {
    await withSim('bpf-programs-not-loaded', async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', '--fix'], { sim });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/refusing to prompt.*not a terminal/);
      expect(r.stderr).toMatch(/--yes/);
    });
  });

  test('bad Service reference is a usage error (exit 2, one line, no stack)', async () => {
    const r = await kdiag(['doctor', 'clusterip', 'default/web;rm -rf /', '--kubeconfig', '/nonexistent']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/invalid Service/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('doctor clusterip --from', () => {
  test("judges the client node's agent only and says where the client runs", async () => {
    await withSim('service-map-stale', async (sim) => {
      // default/web's frontend is missing from node-2's map only (docs/scenarios.md).
      const client = sim
        .pods('default')
        .find((p: any) => p.spec.nodeName === 'node-2' && p.metadata.name.startsWith('api-'));
      const r = await kdiag(
        ['doctor', 'clusterip', 'default/web', '--from', `default/${client!.metadata.name}`, '-o', 'json'],
        { sim },
      );
      const d = json(r);
      expect(r.exitCode).toBe(1);
      expect(d.from).toMatchObject({ namespace: 'default', node: 'node-2', hostNetwork: false });
      expect(d.rootCauses[0]).toMatchObject({ id: 'service-map-stale', nodes: ['node-2'] });
      const mapNodes = d.findings.filter((f: any) => f.check === 'service-map' && f.node).map((f: any) => f.node);
      expect([...new Set(mapNodes)]).toEqual(['node-2']);
      expect(d.findings.map((f: any) => f.id)).toContain('client-placement/pod-netns');
    });
  });
});
