// The unknowns a doctor run lists are facts it could not gather, named in words; bookkeeping it keeps
// beside the facts (the argv that read each node's filtered LB map) is never one of them.
import { kdiag, json } from '../helpers/cli.js';
import { EXEC_DENIED, withSim } from '../helpers/sim.js';

interface Doctor {
  unknowns: { fact: string; node?: string; reason: string }[];
}

test('doctor clusterip NS/SVC on a healthy cluster: no unknowns, none in the text', async () => {
  await withSim('healthy', async (sim) => {
    const j = json<Doctor>(await kdiag(['doctor', 'clusterip', 'default/web', '-o', 'json'], { sim }));
    expect(j.unknowns).toEqual([]);
    const text = await kdiag(['doctor', 'clusterip', 'default/web'], { sim });
    expect(text.stdout).not.toMatch(/Could not check|serviceMapCommand/);
  });
});

test('exec forbidden: each unknown names the fact in words and the node, with its reason', async () => {
  await withSim(EXEC_DENIED, async (sim) => {
    const r = await kdiag(['doctor', 'clusterip'], { sim });
    expect(r.stdout).toMatch(/^Could not check \d+ thing\(s\):$/m);
    expect(r.stdout).toMatch(/^ {2}the eBPF program list of node-\d: .+$/m);
    expect(r.stdout).not.toMatch(/bpfPrograms|serviceMap of|agentLogs/);
  });
});
