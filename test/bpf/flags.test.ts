// `kdiag bpf progs` shared flags: --request-timeout parsed once by the base command, --json as -o json.
import { withSim } from '../helpers/sim.js';
import { json, kdiag } from '../helpers/cli.js';

test('a bad --request-timeout is one usage line before anything runs (cluster and --local alike)', async () => {
  for (const extra of [[], ['--local']]) {
    const r = await kdiag(['bpf', 'progs', '--request-timeout', 'soon', ...extra]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('Error: invalid --request-timeout "soon": use a duration such as 30s, 5m or 1h30m');
  }
});

test('--json prints what -o json prints', async () => {
  await withSim('healthy', async (sim) => {
    const a = await kdiag(['bpf', 'progs', '--json'], { kubeconfig: sim.kubeconfigPath });
    expect(a.exitCode).toBe(0);
    const b = await kdiag(['bpf', 'progs', '-o', 'json'], { kubeconfig: sim.kubeconfigPath });
    const strip = (v: any[]) => v.map((n) => ({ node: n.node, rows: n.rows.map((x: any) => [x.name, x.state]) }));
    expect(strip(json(a))).toEqual(strip(json(b)));
  });
});
