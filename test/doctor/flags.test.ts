// The shared flags on `kdiag doctor clusterip`, as a kubectl user types them: -n, -o wide, --show-passed,
// -v (API trace only), and one-line errors for unknown values.
import type { SimHandle } from '../../src/sim/index.js';
import { startSim } from '../../src/sim/index.js';
import { json, kdiag } from '../helpers/cli.js';

describe('doctor clusterip shared flags', () => {
  let sim: SimHandle;
  beforeAll(async () => {
    sim = await startSim({ scenario: 'bpf-programs-not-loaded', port: 0 });
  });
  afterAll(async () => sim?.stop());
  const run = (args: string[]) => kdiag(['doctor', 'clusterip', ...args], { kubeconfig: sim.kubeconfigPath });

  test('-n default web means default/web (as kubectl), for the Service and --from', async () => {
    const r = await run(['-n', 'default', 'web', '--json']);
    expect(r.stderr).not.toMatch(/Nonexistent flag/);
    expect(json(r).target).toEqual({ namespace: 'default', name: 'web' });
    const other = await run(['-n', 'kube-system', 'default/web', '-o', 'json']);
    expect(other.exitCode).toBe(2);
    expect(other.stderr.trim().split('\n')).toHaveLength(1);
    expect(other.stderr).toMatch(/^Error: Service default\/web is in namespace default, not -n kube-system/);
  });

  test('-o wide lists passed findings and full evidence; the table hides passed ones', async () => {
    const table = await run([]);
    expect(table.exitCode).toBe(1);
    expect(table.stdout).not.toMatch(/✔ PASS/);
    expect(table.stdout).toMatch(/check result\(s\) passed \(--show-passed to show them\)/);
    const wide = await run(['-o', 'wide']);
    expect(wide.exitCode).toBe(1);
    expect(wide.stdout).toMatch(/✔ PASS/);
    expect(wide.stdout).not.toMatch(/more line\(s\)|more \(-o wide/);
  });

  test('--show-passed shows passed checks; -v only traces API calls', async () => {
    const shown = await run(['--show-passed']);
    expect(shown.stdout).toMatch(/✔ PASS/);
    expect(shown.stderr).not.toMatch(/\[api\]/);
    const verbose = await run(['-v']);
    expect(verbose.stderr).toMatch(/\[api\] GET /);
    expect(verbose.stdout).not.toMatch(/✔ PASS/);
  });

  test('an unknown -o value is one line with the help hint, exit 2', async () => {
    const r = await run(['-o', 'xml']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      'Error: Expected --output=xml to be one of: table, wide, json, yaml',
      'See more help with --help',
    ]);
  });
});
