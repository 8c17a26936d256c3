// One small interface per Service datapath (Cilium today; kube-proxy/iptables or Calico eBPF later), so the
// engine runs whichever is detected without knowing its internals: how to recognise it from the cluster
// facts, the checks that diagnose it, and how to read a node's load-balancer map.
import type { LbService } from '../cilium/types.js';
import type { Check, Evidence } from '../model/check.js';
import type { Facts } from '../model/facts.js';

export interface Detection {
  present: boolean;
  /** Why we think so (DaemonSet found, config key …), or the gather error. */
  evidence: Evidence[];
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The datapath's agent on one node: runs its CLI (the gatherer picks the binary and the timeout). */
export interface AgentCli {
  /** The binary in use, for messages (`cilium-dbg`). */
  readonly name: string;
  run(args: string[], onStdout?: (chunk: Buffer) => void): Promise<ExecResult>;
}

export interface Datapath {
  id: string;
  title: string;
  detect(facts: Facts): Detection;
  /** The checks that diagnose this datapath (a listable catalogue, src/checks/index.ts for Cilium). */
  checks: Check[];
  /** One node's LB map as the agent lists it; `keep` filters rows while reading (memory stays small). */
  readLbMap(agent: AgentCli, keep?: (s: LbService) => boolean): Promise<LbService[]>;
}
