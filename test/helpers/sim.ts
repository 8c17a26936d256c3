// A simulator for the length of one test: started on a free loopback port, always stopped.
import { startSim, type SimHandle, type SimOptions } from '../../src/sim/index.js';

export async function withSim<T>(scenario: SimOptions['scenario'], fn: (sim: SimHandle) => Promise<T>): Promise<T> {
  const sim = await startSim({ scenario, port: 0 });
  try {
    return await fn(sim);
  } finally {
    await sim.stop();
  }
}

/** Every pods/exec in kube-system is forbidden (403), as for a user without `create pods/exec`. */
export const EXEC_DENIED = {
  description: 'exec denied',
  expect: { rootCause: null },
  rbac: { deny: [{ verb: 'create' as const, resource: 'pods/exec', namespace: 'kube-system' }] },
};
