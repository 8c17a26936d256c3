// `kdiag doctor clusterip -o json` as the datapath suites run it: the run and its report, in one shape.
import type { SimHandle } from '../../src/sim/index.js';
import { json, kdiag, type Run } from './cli.js';

/** The parts of doctor's JSON report the datapath suites read. */
export interface DoctorDoc {
  datapath?: { id: string; services?: string; title: string; kubeProxyMode?: string };
  rootCauses: { id: string; nodes: string[] }[];
  findings: {
    id: string;
    check: string;
    status: string;
    node?: string;
    evidence: { command?: string[]; excerpt: string }[];
  }[];
  plan: { actions: { node: string; pod: string; namespace: string }[] };
  fix?: { applied: boolean; steps?: { node: string; outcome: string }[] };
}

/** Per-test timeout of the simulator suites that run several commands. */
export const SLOW = 240_000;

/** `doctor clusterip -o json [...more]` on the simulator: the run (exit code, stderr) and the parsed report. */
export async function doctorJson(sim: SimHandle, more: string[] = []): Promise<{ r: Run; d: DoctorDoc }> {
  const r = await kdiag(['doctor', 'clusterip', '-o', 'json', ...more], { sim });
  return { r, d: json<DoctorDoc>(r) };
}
