// The shipped native-routing-xdp scenario (native routing, XDP acceleration, tcx on mixed 5.15/6.8 kernels)
// is healthy to every command: doctor, service-list, preflight and bpf progs exit 0 with nothing above info.
import { kdiag } from '../helpers/cli.js';
import { withSim } from '../helpers/sim.js';

test('doctor, service-list, preflight and bpf progs agree: healthy', async () => {
  await withSim('native-routing-xdp', async (sim) => {
    const doctor = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
    expect(doctor.exitCode).toBe(0);
    const preflight = await kdiag(['preflight', '-o', 'json'], { sim });
    expect(preflight.exitCode).toBe(0);
    const rows = JSON.stringify(JSON.parse(preflight.stdout));
    expect(rows).not.toMatch(/"status":\s*"(warn|fail|unknown)"/);
    const list = await kdiag(['service-list', '-o', 'json'], { sim });
    expect(list.exitCode).toBe(0);
    const progs = await kdiag(['bpf', 'progs', '--problems'], { sim });
    expect(progs.exitCode).toBe(0);
    expect(progs.stdout).not.toMatch(/cil_from_overlay|missing: [1-9]/);
  });
}, 120_000);

test('xdp-best-effort-fallback: healthy, node-2 without XDP is an info finding, its agent logs why', async () => {
  await withSim('xdp-best-effort-fallback', async (sim) => {
    const doctor = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
    expect(doctor.exitCode).toBe(0);
    const out = JSON.stringify(JSON.parse(doctor.stdout));
    expect(out).toContain('bpf-programs/xdp-fallback');
    expect(out).not.toContain('bpf-programs/xdp-not-attached');
    const logs = await kdiag(['logs', '--node', 'node-2'], { sim });
    expect(logs.stdout).toContain('Failed to attach XDP program, ignoring due to best-effort mode');
    // bpf progs agrees: best-effort XDP that is not there is not "missing"
    const progs = await kdiag(['bpf', 'progs', '-o', 'json'], { sim });
    expect(progs.exitCode).toBe(0);
  });
}, 120_000);
