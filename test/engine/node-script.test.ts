// Fewer execs per node (issue #13): doctor's small per-node reads (bpftool, status, mounts, and the map's
// filter or digest) are one exec of a fixed script per node (src/engine/gather-combined.ts). Asserted on
// the simulator's own exec counter, not on timing; an image without a shell falls back to today's separate
// execs with the same findings, and every shipped scenario's diagnosis is the same on both paths.
import { listScenarios } from '../../src/sim/index.js';
import { KubeClient } from '../../src/cluster/client.js';
import { diagnose } from '../../src/engine/doctor.js';
import { NODE_SCRIPT, splitSections } from '../../src/engine/gather-combined.js';
import { kdiag, json } from '../helpers/cli.js';
import { scenario, shipped, simulator, withSim, type SimHandle } from '../helpers/sim.js';

const SERVICES = {
  explicit: [{ name: 'web', clusterIP: '10.96.10.10', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }],
  generated: { count: 40, namespaces: ['shop', 'data'] },
};

/** Execs per agent pod since `before` (the simulator's counter). */
function agentExecs(sim: SimHandle, before: Record<string, { execs: number }> = {}): number[] {
  return Object.entries(sim.execStats().byPod)
    .filter(([k]) => /^kube-system\/cilium-(?!operator)/.test(k))
    .map(([k, v]) => v.execs - (before[k]?.execs ?? 0));
}

/**
 * Findings as a user reads them, evidence by source, node and pod: two simulators differ in what time makes
 * (program IDs, log timestamps), and the map's argv names the path taken.
 */
const findings = (out: { findings?: { id: string; node?: string; status: string; evidence?: object[] }[] }) =>
  JSON.stringify(
    (out.findings ?? []).map((f) => ({
      ...f,
      evidence: (f.evidence ?? []).map((e) => {
        const { source, node, pod } = e as { source: string; node?: string; pod?: string };
        return { source, node, pod };
      }),
    })),
  );

describe('doctor runs one script per node', () => {
  test('splitSections reads back each section and its exit code, and refuses a broken frame', () => {
    const out =
      '--- kdiag-section progs\n[]\n\n--- kdiag-end progs exit=0\n' +
      '--- kdiag-section status\n\n--- kdiag-end status exit=127\n';
    const s = splitSections(out, ['progs', 'status']);
    expect(s?.get('progs')).toEqual({ exitCode: 0, stdout: '[]\n' });
    expect(s?.get('status')).toEqual({ exitCode: 127, stdout: '' });
    expect(splitSections(out.slice(0, -3), ['progs', 'status'])).toBeUndefined();
    expect(splitSections(out, ['progs', 'mounts'])).toBeUndefined();
    expect(splitSections('', ['progs'])).toBeUndefined();
    // The frontends are arguments, never part of the script text.
    expect(NODE_SCRIPT).not.toMatch(/10\.96\./);
  });

  test('a healthy 20-node cluster: one exec per node (targeted) and one plus the digest group reads', async () => {
    await withSim(scenario({ count: 20, services: SERVICES as never }), async (sim) => {
      let before = sim.execStats().byPod;
      const target = await kdiag(['doctor', 'clusterip', 'default/web', '-o', 'json'], { sim, timeout: 300_000 });
      expect(target.exitCode).toBe(0);
      // Before: bpftool, status, mounts and the filter were four execs per node.
      const t = agentExecs(sim, before);
      expect(t.length).toBe(20);
      expect(t.every((n) => n === 1)).toBe(true);
      // The evidence would name the exact script; the healthy run has none to show, so check the argv shape.
      before = sim.execStats().byPod;
      const wide = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim, timeout: 300_000 });
      expect(wide.exitCode).toBe(0);
      // Cluster-wide: the script (with the digest) on every node, and one full map read for the one group.
      const w = agentExecs(sim, before);
      expect(w.reduce((a, b) => a + b, 0)).toBe(21);
      expect(Math.max(...w)).toBe(2);
    });
  }, 600_000);

  test('no shell in the image: the separate execs give the same findings', async () => {
    const base = shipped('service-map-stale');
    const run = (extra: object[]) =>
      withSim(
        {
          ...base,
          nodes: {
            ...base.nodes,
            faults: [...(base.nodes?.faults ?? []), { kind: 'bpffs-not-mounted', nodes: 'node-1' }, ...extra],
          },
        } as typeof base,
        async (sim) => {
          const before = sim.execStats().byPod;
          const r = await kdiag(['doctor', 'clusterip', 'default/web', '-o', 'json'], { sim, timeout: 300_000 });
          return { r, execs: agentExecs(sim, before) };
        },
      );
    const one = await run([]);
    const none = await run([{ kind: 'no-shell', nodes: 'all' }]);
    expect(one.execs.every((n) => n === 1)).toBe(true);
    expect(none.execs.every((n) => n > 1)).toBe(true);
    expect(one.r.exitCode).toBe(none.r.exitCode);
    expect(findings(json(one.r))).toEqual(findings(json(none.r)));
    // The map's evidence names the filter that prints exactly its rows (the script's filter section, and
    // the same command from a bundle); without a shell, nothing but the plain list.
    const cmds = (o: { findings: { evidence?: { command?: string[] }[] }[] }) =>
      o.findings.flatMap((f) => f.evidence ?? []).flatMap((e) => (e.command ? [e.command] : []));
    const used = cmds(json(one.r));
    expect(used.length).toBeGreaterThan(0);
    expect(used[0]!.slice(0, 2)).toEqual(['sh', '-c']);
    expect(used[0]![3]).toBe('kdiag-filter');
    expect(used[0]).toContain('ip=10.96.10.10');
    expect(cmds(json(none.r))).toEqual([]);
  }, 600_000);
});

// Every shipped scenario: the same diagnosis with the script as with the separate execs (no shell).
const names = listScenarios()
  .map((s) => s.name)
  .filter((n) => n !== 'large');

async function diagnosis(name: string, noShell: boolean) {
  const data = shipped(name);
  const sim = await simulator(
    noShell
      ? ({
          ...data,
          nodes: { ...data.nodes, faults: [...(data.nodes?.faults ?? []), { kind: 'no-shell', nodes: 'all' }] },
        } as typeof data)
      : data,
  );
  let client: KubeClient | undefined;
  try {
    client = await KubeClient.connect({ kubeconfig: sim.kubeconfigPath, requestTimeoutMs: 15_000, concurrency: 8 });
    const exp = sim.scenario.expect;
    const [ns, svc] = exp.services?.[0]?.split('/') ?? [];
    const [fromNs, fromPod] = exp.from ? exp.from.split('/') : [];
    const out: Record<string, unknown> = {};
    for (const target of ns ? [undefined, { namespace: ns, name: svc! }] : [undefined]) {
      const { diagnosis: d } = await diagnose(client, {
        target,
        ...(fromNs ? { from: { namespace: fromNs, name: fromPod! } } : {}),
      });
      out[target ? 'target' : 'wide'] = JSON.parse(findings(d as never)) as unknown;
      out[`${target ? 'target' : 'wide'}-causes`] = d.rootCauses.map((c) => [c.id, c.nodes]);
      out[`${target ? 'target' : 'wide'}-unknowns`] = d.unknowns;
    }
    return out;
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    client?.close();
    await sim.stop();
  }
}

describe.each(names.map((n) => [n]))('shipped scenario %s', (name) => {
  test('the same diagnosis with one script per node as with the separate execs', async () => {
    const a = await diagnosis(name, false);
    const b = await diagnosis(name, true);
    expect(a).toEqual(b);
  }, 300_000);
});
