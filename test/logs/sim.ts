// Shared by the `kdiag logs` tests: a simulated cluster on loopback and the built CLI against it.
import { execa, type Result } from 'execa';
import { startSim, type ScenarioInput } from '../../src/sim/index.js';

export type Sim = Awaited<ReturnType<typeof startSim>>;

export function scenario(
  over: Partial<ScenarioInput> & {
    faults?: NonNullable<ScenarioInput['nodes']>['faults'];
    count?: number;
    version?: string;
  },
): ScenarioInput {
  const { faults = [], count = 3, version, ...rest } = over;
  return {
    description: 'kdiag logs test',
    ...(version ? { cilium: { version } } : {}),
    nodes: { count, faults },
    expect: { rootCause: null },
    ...rest,
  } as ScenarioInput;
}

export function kdiag(sim: Sim, args: string[]): Promise<Result<{ reject: false; env: Record<string, string> }>> {
  return execa('node', ['bin/run.js', 'logs', '--kubeconfig', sim.kubeconfigPath, ...args], {
    reject: false,
    env: { NO_COLOR: '1' },
  });
}

export const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');
