// `kdiag bpf progs` against the simulator: bpftool output from every agent, classified per node.
import { withSim } from '../helpers/sim.js';
import { json, kdiag } from '../helpers/cli.js';

test('bpf progs shows the missing programs on the affected nodes only', async () => {
  await withSim('bpf-programs-not-loaded', async (sim) => {
    const r = await kdiag(['bpf', 'progs', '-o', 'json'], { sim });
    expect(r.exitCode).toBe(1);
    const nodes: any[] = json(r);
    const missingBy = Object.fromEntries(
      nodes.map((n) => [n.node, n.rows.filter((x: any) => x.state === 'missing').map((x: any) => x.name)]),
    );
    expect(Object.keys(missingBy).sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-4', 'node-5']);
    for (const n of ['node-1', 'node-3', 'node-5']) expect(missingBy[n]).toEqual([]);
    for (const n of ['node-2', 'node-4']) {
      expect(missingBy[n]).toContain('cil_sock4_connect');
      expect(missingBy[n]).toContain('cil_from_container');
    }
    const loaded = nodes.find((n) => n.node === 'node-1').rows.find((x: any) => x.name === 'cil_sock4_connect');
    expect(loaded).toMatchObject({ state: 'loaded', type: 'cgroup_sock_addr', category: 'socket-lb' });
    expect(loaded.programs[0].id).toEqual(expect.any(Number));
  });
});

test('bpf progs: a crash-looping agent is unknown with the reason; the other nodes are judged', async () => {
  await withSim('agent-crashloop', async (sim) => {
    const r = await kdiag(['bpf', 'progs', '-o', 'json'], { sim });
    const nodes: any[] = json(r);
    const n1 = nodes.find((n) => n.node === 'node-1');
    expect(n1.judged).toBe(false);
    expect(JSON.stringify(n1)).toMatch(/not running|CrashLoopBackOff/);
    for (const n of nodes.filter((x) => x.node !== 'node-1'))
      expect(n.rows.filter((x: any) => x.state === 'missing')).toEqual([]);
  });
});
