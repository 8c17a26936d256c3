// Digest on the node (issue #13 item 2): cluster-wide, every agent digests its map; equal maps are read in
// full once. A node whose map differs is never reported in sync, whatever the drift; when every node is
// equally wrong the representative is compared with the API, not with the majority; without a shell the
// full read per node gives the same result. Asserted on the simulator's own counters, not on timing.
import { kdiag, json } from '../helpers/cli.js';
import { scenario, withSim, type SimHandle } from '../helpers/sim.js';

const SERVICES = {
  explicit: [
    { name: 'web', clusterIP: '10.96.10.10', ports: [{ name: 'http', port: 80, targetPort: 8080 }], backends: 2 },
    { name: 'api', clusterIP: '10.96.10.20', ports: [{ name: 'http', port: 8080, targetPort: 8080 }], backends: 2 },
    { name: 'db', clusterIP: '10.96.10.30', ports: [{ name: 'pg', port: 5432, targetPort: 5432 }], backends: 2 },
  ],
  generated: { count: 150, namespaces: ['shop', 'data'] },
};

/** Per node: the drift statuses service-list -A reports (empty: in sync). */
const driftByNode = (out: { nodes: { node: string; status: string; drift: Record<string, number> }[] }) =>
  Object.fromEntries(out.nodes.map((n) => [n.node, n.status === 'ok' ? Object.keys(n.drift).sort() : [n.status]]));

const agentBytes = (sim: SimHandle) =>
  Object.entries(sim.execStats().byPod)
    .filter(([k]) => /^kube-system\/cilium-(?!operator)/.test(k))
    .map(([, v]) => v.bytes);

describe('cluster-wide views digest on the node', () => {
  test('each drift kind on one node of 200 is found; the in-sync nodes send a digest, not their map', async () => {
    const drifts: Record<string, unknown> = {
      'node-17': { missingFrontends: ['default/web'] },
      'node-42': { staleFrontends: [{ ip: '10.96.200.200', port: 80, backends: [{ ip: '10.0.3.99', port: 8080 }] }] },
      'node-99': { wrongBackends: [{ service: 'default/api', backends: [{ ip: '10.0.3.250', port: 8080 }] }] },
      'node-150': { missingBackends: [{ service: 'default/db', count: 1 }] },
      'node-188': { extraBackends: [{ service: 'default/db', backends: [{ ip: '10.0.9.9', port: 5432 }] }] },
    };
    const faults = Object.entries(drifts).map(([node, d]) => ({
      kind: 'service-map-drift',
      nodes: node,
      ...(d as object),
    }));
    await withSim(scenario({ count: 200, faults: faults as never, services: SERVICES as never }), async (sim) => {
      const r = await kdiag(['service-list', '-A', '-o', 'json'], { sim, timeout: 600_000 });
      const by = driftByNode(json(r));
      expect(Object.keys(by).length).toBe(200);
      expect(by['node-17']).toEqual(['NOT_IN_MAP']);
      expect(by['node-42']).toEqual(['STALE']);
      expect(by['node-99']).toEqual(['BACKENDS_DIFFER']);
      expect(by['node-150']).toEqual(['BACKENDS_DIFFER']);
      expect(by['node-188']).toEqual(['BACKENDS_DIFFER']);
      const drifted = Object.entries(by)
        .filter(([, v]) => v.length > 0)
        .map(([n]) => n)
        .sort();
      expect(drifted).toEqual(Object.keys(drifts).sort());
      // A full map is ~20 KB here; one in-sync node and the five drifted ones are read in full, the
      // other 194 send their digest and bpftool's programs only.
      const full = agentBytes(sim).filter((b) => b > 16 * 1024);
      expect(full.length).toBe(6);
    });
  }, 600_000);

  test('every node equally wrong: each is compared with the API, and without a shell the result is the same', async () => {
    const all = {
      kind: 'service-map-drift',
      missingFrontends: ['default/web'],
      wrongBackends: [{ service: 'default/api', backends: [{ ip: '10.0.3.250', port: 8080 }] }],
    };
    const run = (extra: object[]) =>
      withSim(scenario({ count: 12, faults: [all, ...extra] as never, services: SERVICES as never }), async (sim) => {
        const list = await kdiag(['service-list', '-A', '-o', 'json'], { sim });
        const doctor = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
        return { list, doctor };
      });
    const digested = await run([]);
    const fallback = await run([{ kind: 'no-shell' }]);
    for (const r of [digested, fallback]) {
      const by = driftByNode(json(r.list));
      expect(Object.keys(by).length).toBe(12);
      for (const v of Object.values(by)) expect(v).toEqual(['BACKENDS_DIFFER', 'NOT_IN_MAP']);
    }
    const mapFindings = (o: { findings: { id: string; node?: string; status: string }[] }) =>
      o.findings
        .filter((f) => f.id.startsWith('service-map/'))
        .map((f) => `${f.id} ${f.node} ${f.status}`)
        .sort();
    const d = mapFindings(json(digested.doctor));
    // All agents agree with each other, not with the API: the check names it cluster-wide.
    expect(d).toContain('service-map/cluster-wide undefined fail');
    expect(d).toEqual(mapFindings(json(fallback.doctor)));
    // Same report, up to the order the nodes answered in.
    const canon = (o: { nodes: { node: string }[]; rows?: { nodes?: { node: string }[] }[] }) =>
      JSON.parse(
        JSON.stringify({
          ...o,
          nodes: [...o.nodes].sort((a, b) => a.node.localeCompare(b.node)),
          rows: o.rows?.map((s) => ({
            ...s,
            nodes: [...(s.nodes ?? [])].sort((a, b) => a.node.localeCompare(b.node)),
          })),
        }),
      ) as unknown;
    expect(canon(json(digested.list))).toEqual(canon(json(fallback.list)));
    expect(digested.doctor.exitCode).toBe(fallback.doctor.exitCode);
  }, 600_000);
});
