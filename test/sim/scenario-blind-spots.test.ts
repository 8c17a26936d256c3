// What the scenario format can now express (issue #14, docs/scenarios.md): every root cause of the
// catalogue in expect.rootCause, an expected "unknown, exit 2", cilium-config metadata, and log lines only
// in the previous container's log.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { CAUSES } from '../../src/model/causes.js';
import { validateScenario } from '../../src/sim/scenario.js';
import { kdiag } from '../helpers/cli.js';
import { agentOn, scenario, withSim } from '../helpers/sim.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const maybe = existsSync(KUBECTL) || process.env.CI === 'true' ? test : test.skip;

test('expect.rootCause takes every id of the cause catalogue, and nothing else', () => {
  for (const c of CAUSES)
    expect(validateScenario(scenario({ expect: { rootCause: c.id } }), 'inline').expect.rootCause).toBe(c.id);
  expect(CAUSES.map((c) => c.id)).toEqual(expect.arrayContaining(['invalid-config', 'bpf-map-memory']));
  expect(() => validateScenario(scenario({ expect: { rootCause: 'no-such-cause' as any } }), 'inline')).toThrow(
    /expect\.rootCause/,
  );
});

test('expect.exitCode 2: an expected unknown (exec forbidden) is what doctor exits with', async () => {
  const input = scenario({
    rbac: { deny: [{ verb: 'create', resource: 'pods/exec', namespace: 'kube-system' }] },
    expect: { rootCause: null, exitCode: 2 },
  });
  expect(validateScenario(input, 'inline').expect.exitCode).toBe(2);
  expect(() => validateScenario(scenario({ expect: { rootCause: null, exitCode: 3 as any } }), 'inline')).toThrow(
    /expect\.exitCode/,
  );
  await withSim(input, async (sim) => {
    const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
    expect(r.exitCode).toBe(sim.scenario.expect.exitCode);
  });
});

test('cilium.configMetadata: labels and annotations on cilium-config', async () => {
  const meta = {
    labels: { 'app.kubernetes.io/managed-by': 'Helm' },
    annotations: { 'meta.helm.sh/release-name': 'cilium', 'meta.helm.sh/release-namespace': 'kube-system' },
  };
  await withSim(scenario({ cilium: { configMetadata: meta } }), async (sim) => {
    const cm = sim.list('configmaps', 'kube-system').find((c) => c.metadata.name === 'cilium-config')!;
    expect(cm.metadata.labels).toEqual(meta.labels);
    expect(cm.metadata.annotations).toEqual(meta.annotations);
  });
});

maybe('logs.previousOnly: the lines are in the previous container log only', async () => {
  const line = 'level=error msg="only in the previous container" subsys=daemon';
  const input = scenario({
    faults: [
      { kind: 'agent-not-ready', nodes: 'node-2', restarts: 1 },
      { kind: 'logs', nodes: 'node-2', lines: [line], previousOnly: true },
    ],
  });
  await withSim(input, async (sim) => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'kdiag-kubectl-'));
    const logs = async (previous: boolean) =>
      (
        await execa(KUBECTL, [
          ...['--kubeconfig', sim.kubeconfigPath, '--cache-dir', cacheDir, '-n', 'kube-system'],
          ...['logs', agentOn(sim, 'node-2')!.metadata.name, '-c', 'cilium-agent', ...(previous ? ['-p'] : [])],
        ])
      ).stdout;
    expect(await logs(true)).toContain(line);
    expect(await logs(false)).not.toContain(line);
  });
});
