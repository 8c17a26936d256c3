// A false all-clear (issue #14): an agent with no programs loaded, or not Ready, may print a matching
// map, but the map is not in use there. service-list names those nodes and never says "all OK".
import { json, kdiag } from '../helpers/cli.js';
import { scenario, withSim } from '../helpers/sim.js';

test('bpf-programs-not-loaded: rows are not OK on node-2 and node-4, and the summary says why', async () => {
  await withSim('bpf-programs-not-loaded', async (sim) => {
    const r = await kdiag(['service-list', '-A', '-o', 'json'], { sim });
    expect(r.exitCode).toBe(0);
    const rep = json(r);
    expect(rep.nodes.filter((n: any) => n.datapath === 'down').map((n: any) => n.node)).toEqual(['node-2', 'node-4']);
    expect(rep.summary.nodesDatapathDown).toBe(2);
    const web = rep.rows.find((x: any) => x.name === 'web');
    expect(web.status).toBe('NODE_UNKNOWN');
    expect(web.nodesOk).toBe(3);
    expect(web.nodes.map((n: any) => n.node)).toEqual(['node-2', 'node-4']);
    expect(web.nodes[0].reason).toContain('no Cilium eBPF programs loaded');
    const table = await kdiag(['service-list', '-A'], { sim });
    expect(table.stdout).not.toContain('all OK');
    expect(table.stdout).toContain('datapath down on 2 node(s)');
    expect(table.stdout).toMatch(/node-2: datapath down: no Cilium eBPF programs loaded/);
    expect((await kdiag(['service-list', '-A', '--fail-on-drift'], { sim })).exitCode).toBe(1);
  });
});

test('an agent that is not Ready: its node is named, its rows are not OK', async () => {
  await withSim(scenario({ count: 3, faults: [{ kind: 'agent-not-ready', nodes: [3] }] }), async (sim) => {
    const rep = json(await kdiag(['service-list', '-A', '-o', 'json'], { sim }));
    expect(rep.nodes.filter((n: any) => n.datapath === 'down').map((n: any) => n.node)).toEqual(['node-3']);
    expect(rep.nodes.find((n: any) => n.node === 'node-3').reason).toMatch(/agent cilium-\w+ is not Ready/);
    expect(rep.rows.every((x: any) => !x.name || x.status !== 'OK')).toBe(true);
  });
});
