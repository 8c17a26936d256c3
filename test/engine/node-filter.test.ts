// Filter on the node (issue #13): with a target Service each agent prints only that Service's rows through
// a fixed in-container script, so the bytes per node stay small whatever the map size (asserted on the
// simulator's own counters); an image without a shell falls back to the full read with the same findings.
import { kdiag, json } from '../helpers/cli.js';
import { shipped, withSim } from '../helpers/sim.js';

const big = (faults: { kind: string }[] = []) => {
  const s = shipped('service-map-stale');
  return {
    ...s,
    nodes: { ...s.nodes, faults: [...(s.nodes?.faults ?? []), ...faults] },
    services: { ...s.services, generated: { count: 600, namespaces: ['shop', 'data'] } },
  } as typeof s;
};

const agentBytes = (st: { byPod: Record<string, { bytes: number }> }) =>
  Object.entries(st.byPod)
    .filter(([k]) => /^kube-system\/cilium-(?!operator)/.test(k))
    .map(([, v]) => v.bytes);

const findings = (out: { findings?: { id: string; node?: string; status: string }[] }) =>
  (out.findings ?? []).map((f) => `${f.id} ${f.node ?? ''} ${f.status}`).sort();

describe('doctor clusterip NS/SVC filters on the node', () => {
  test('bytes per agent stay bounded; the drift on node-2 is still found', async () => {
    const filtered = await withSim(big(), async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', 'default/web', '-o', 'json'], { sim });
      const bytes = agentBytes(sim.execStats());
      expect(bytes.length).toBe(3);
      // The whole map of 600+ Services is ~100 KB per node; the filtered answers are a few KB at most.
      for (const b of bytes) expect(b).toBeLessThan(16 * 1024);
      return r;
    });
    expect(filtered.stdout).toContain('node-2');
    expect(findings(json(filtered)).length).toBeGreaterThan(0);
    // The evidence names the exact command, so the user can run it with kubectl exec.
    const cmds = (o: { findings: { evidence?: { command?: string[] }[] }[] }) =>
      o.findings.flatMap((f) => f.evidence ?? []).flatMap((e) => (e.command ? [e.command] : []));
    const used = cmds(json(filtered));
    expect(used.length).toBeGreaterThan(0);
    expect(used[0]!.slice(0, 2)).toEqual(['sh', '-c']);
    expect(used[0]).toContain('ip=10.96.10.10');
    const full = await withSim(big([{ kind: 'no-shell' }]), async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', 'default/web', '-o', 'json'], { sim });
      // No shell in the image: the full read, so the bytes are the whole map's.
      for (const b of agentBytes(sim.execStats())) expect(b).toBeGreaterThan(50 * 1024);
      return r;
    });
    expect(filtered.exitCode).toBe(full.exitCode);
    expect(findings(json(filtered))).toEqual(findings(json(full)));
    expect(cmds(json(full))).toEqual([]);
  }, 240_000);
});
