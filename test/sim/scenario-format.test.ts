// Scenario format additions of issue #14: Cilium 1.19, and a drift fault naming a Service that does not
// exist is a load error, not silently nothing.
import { validateScenario } from '../../src/sim/index.js';
import { KdiagError } from '../../src/errors.js';
import { scenario } from '../helpers/sim.js';

const load = (input: unknown): unknown => {
  try {
    return validateScenario(input, 'x.yaml');
  } catch (e) {
    return e;
  }
};

const drift = (service: string) =>
  scenario({ faults: [{ kind: 'service-map-drift', nodes: 'node-2', missingBackends: [{ service }] } as never] });

test('Cilium 1.19 loads; 1.20 is refused with the supported range', () => {
  expect((load(scenario({ version: '1.19.0' })) as { minor: number }).minor).toBe(19);
  const e = load(scenario({ version: '1.20.0' }));
  expect(e).toBeInstanceOf(KdiagError);
  expect((e as Error).message).toMatch(/cilium\.version: expected a Cilium version 1\.12\.x to 1\.19\.x/);
});

test('a drift fault naming a Service that does not exist is a load error naming the fault and the Service', () => {
  const e = load(drift('default/nope'));
  expect(e).toBeInstanceOf(KdiagError);
  expect((e as KdiagError).kind).toBe('config');
  expect((e as Error).message).toBe('x.yaml: nodes.faults[0]: Service "default/nope" does not exist in this scenario');
});

test('built-in, explicit and generated Services can be named by a drift fault', () => {
  expect(load(drift('kube-system/kube-dns'))).not.toBeInstanceOf(Error);
  expect(load(drift('default/kubernetes'))).not.toBeInstanceOf(Error);
  const gen = scenario({
    services: { generated: { count: 12, namespaces: ['a', 'b'] }, explicit: [{ name: 'web' }] },
    faults: [
      {
        kind: 'service-map-drift',
        nodes: 'all',
        missingFrontends: ['default/web', 'b/svc-012'],
        wrongBackends: [{ service: 'a/svc-011', backends: [{ ip: '10.0.0.9', port: 80 }] }],
      } as never,
    ],
  });
  expect(load(gen)).not.toBeInstanceOf(Error);
});
