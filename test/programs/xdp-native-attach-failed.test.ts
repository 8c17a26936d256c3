// The shipped xdp-native-attach-failed scenario: bpf-lb-acceleration native, node-2's driver has no native
// XDP. doctor names xdp-attach-failed on node-2 (not bpf-programs-not-loaded, whose fix is a restart), the
// agent log says why, and the cause's own text says which helm value to change.
import { causeById } from '../../src/model/causes.js';
import { kdiag } from '../helpers/cli.js';
import { withSim } from '../helpers/sim.js';

test('the cause: not fixed by a restart, names the helm value, explains bpf-programs-not-loaded', () => {
  const c = causeById('xdp-attach-failed')!;
  expect(c.fixableByRestart).toBe(false);
  expect(c.whatToChange).toContain('--set loadBalancer.acceleration=best-effort');
  expect(c.explains).toContain('bpf-programs-not-loaded');
  expect(c.specificity).toBeGreaterThan(causeById('bpf-programs-not-loaded')!.specificity);
});

test('xdp-native-attach-failed: doctor names xdp-attach-failed on node-2; its agent logs the attach error', async () => {
  await withSim('xdp-native-attach-failed', async (sim) => {
    const doctor = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
    expect(doctor.exitCode).toBe(1);
    const d = JSON.parse(doctor.stdout);
    expect(d.rootCauses[0]).toMatchObject({ id: 'xdp-attach-failed', nodes: ['node-2'] });
    const out = JSON.stringify(d);
    expect(out).toContain('bpf-programs/xdp-not-attached');
    expect(out).not.toContain('bpf-programs/missing');
    const logs = await kdiag(['logs', '--node', 'node-2'], { sim });
    expect(logs.stdout).toContain('Failed to initialize datapath, retrying later');
    expect(logs.stdout).toContain('attaching XDP program to interface eth0');
  });
}, 120_000);
