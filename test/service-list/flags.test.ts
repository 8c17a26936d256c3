// `kdiag service-list` shared flags: --json, -n/-A as kubectl (one or the other).
import { withSim } from '../helpers/sim.js';
import { json, kdiag } from '../helpers/cli.js';

test('--json and -n; -n with -A is one usage line', async () => {
  await withSim('healthy', async (sim) => {
    const r = await kdiag(['service-list', '-n', 'default', '--json'], { kubeconfig: sim.kubeconfigPath });
    expect(r.exitCode).toBe(0);
    const rows: { namespace: string }[] = json(r).rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((x) => x.namespace))).toEqual(new Set(['default']));
    const both = await kdiag(['service-list', '-n', 'default', '-A'], { kubeconfig: sim.kubeconfigPath });
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toBe('Error: use either -n/--namespace or -A/--all-namespaces');
  });
});
