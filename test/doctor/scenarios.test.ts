// Every shipped scenario: the diagnosis names the scenario's root cause first, on the right nodes.
// Runs the engine in-process over real HTTP/WebSocket to the simulator (the CLI itself is covered by
// doctor-cli.test.ts).
import { listScenarios } from '../../src/sim/index.js';
import { KubeClient } from '../../src/cluster/client.js';
import { diagnose } from '../../src/engine/doctor.js';
import { simulator } from '../helpers/sim.js';
import { parseDuration } from '../../src/util/duration.js';

const scenarios = listScenarios().filter((s) => s.name !== 'large');

describe.each(scenarios.map((s) => [s.name]))('doctor clusterip on scenario %s', (name) => {
  test('names the expected root cause first, on the expected nodes', async () => {
    const sim = await simulator(name);
    const client = await KubeClient.connect({
      kubeconfig: sim.kubeconfigPath,
      requestTimeoutMs: 15_000,
      concurrency: 8,
    });
    try {
      const exp = sim.scenario.expect;
      // A Service without ready endpoints is only a root cause for the Service the user asks about.
      // A cause only `--observe` sees is looked for the way the user would: on the Service, observing.
      const [ns, svc] = exp.rootCause === 'no-ready-endpoints' || exp.observe ? exp.services[0].split('/') : [];
      // A client-side cause (hostNetwork client, mesh sidecar) shows from the scenario's `--from` pod.
      const [fromNs, fromPod] = exp.from ? exp.from.split('/') : [];
      const { diagnosis } = await diagnose(client, {
        target: ns ? { namespace: ns, name: svc } : undefined,
        ...(exp.observe ? { observeMs: parseDuration(exp.observe) } : {}),
        ...(fromNs ? { from: { namespace: fromNs, name: fromPod } } : {}),
      });
      if (exp.rootCause === null) {
        expect(diagnosis.rootCauses).toEqual([]);
        expect(diagnosis.findings.filter((f) => f.status !== 'pass' && f.status !== 'info').map((f) => f.id)).toEqual(
          [],
        );
        expect(diagnosis.unknowns).toEqual([]);
      } else {
        expect(diagnosis.rootCauses[0]?.id).toBe(exp.rootCause);
        expect(diagnosis.rootCauses[0].nodes).toEqual(exp.nodes);
      }
    } finally {
      client.close();
      await sim.stop();
    }
  });
});
