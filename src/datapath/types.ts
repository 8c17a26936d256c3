// One small interface per Service datapath (Cilium today; kube-proxy/iptables or Calico eBPF later), so the
// engine runs whichever is detected without knowing its internals: how to recognise it from the cluster
// facts, the checks that diagnose it, and how to read a node's load-balancer map.
import type { LbService } from '../cilium/types.js';
import type { CauseDef } from '../model/causes.js';
import type { Check, Evidence } from '../model/check.js';
import type { RestartAction, RestartTarget } from '../model/diagnosis.js';
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
  /** The pods `--fix` may restart here, one entry per kind a cause declares (`restarts` in src/model/causes.ts). */
  restarts: Restarts[];
}

/** Whose pod a restart deletes, as a cause declares it; the Cilium agent when the cause says nothing. */
export type RestartKind = NonNullable<CauseDef['restarts']>;

/** One node's pod to delete, and what it must still be when re-read before the delete. */
export interface RestartPod {
  namespace: string;
  name: string;
  target: RestartTarget;
}

/** Where a datapath's pods of one kind are, and which one on a node is safe to delete. */
export interface Restarts {
  kind: RestartKind;
  /** How the plan records the action (its `kind` in the JSON output). */
  action: RestartAction['kind'];
  /** The action also names the pod's workload (its DaemonSet and label) in the plan. */
  workload?: boolean;
  /** The pod on `node` to delete (owned by the DaemonSet the facts found), or why none may be. */
  pick(node: string, facts: Facts): RestartPod | string;
  /** The pod a refusal on `node` names, when the facts know it. */
  refusedPod?(node: string, facts: Facts): string | undefined;
}
