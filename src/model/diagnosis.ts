// What `doctor clusterip` reports: ranked root causes, the fix plan, what a fix did, and the whole diagnosis.
// The engine builds these (src/engine/rank.ts, fix-plan.ts, apply-fix.ts, doctor.ts); renderers print them.
import type { Evidence, Finding, Status } from './check.js';
import type { DetectedDatapath } from './datapath.js';

export type Confidence = 'high' | 'medium' | 'low';

export interface RootCause {
  id: string;
  title: string;
  /** Affected nodes, sorted; empty for a cluster-wide cause. */
  nodes: string[];
  confidence: Confidence;
  /** What the confidence rests on: the current state (live), log lines, or both. */
  basis?: 'live' | 'log' | 'live+log';
  fixableByRestart: boolean;
  /** For causes a restart cannot fix. */
  whatToChange?: string;
  /**
   * The commands the supporting findings' remediations name that `whatToChange` does not already spell out
   * (filled in from this cluster, e.g. the API server's real address), unique, in finding order.
   */
  commands?: string[];
  /** Ids of the supporting findings (unique). */
  findings: string[];
  evidence: Evidence[];
  /** Nodes on which a more specific cause explains this one, by that cause id. */
  explainedBy?: Record<string, string[]>;
}

export interface RestartAction {
  /** The Cilium agent (or calico-node), or kube-proxy where it serves Services (src/datapath/kube-proxy.ts). */
  kind: 'restart-agent' | 'restart-kube-proxy';
  node: string;
  namespace: string;
  pod: string;
  /** Causes this restart addresses. */
  causes: string[];
  /** Exact command, as shown by --dry-run. */
  command: string;
  argv: string[];
  /** Set when the pod is not a Cilium agent (calico-node): the DaemonSet and label it must still have. */
  workload?: { daemonSet: string; label: string };
  /**
   * What the pod must still be when re-read before the delete, from the datapath's restart target
   * (src/datapath/restart.ts). Absent in a plan made by hand: then the Cilium agents of the install.
   */
  target?: RestartTarget;
}

/** The pods a restart deletes: the DaemonSet that recreates them, the label they carry, their container. */
export interface RestartTarget {
  namespace: string;
  daemonSet: string;
  /** The pods' label selector, `key=value`. */
  label: string;
  container: string;
}

export interface RefusedNode {
  node: string;
  pod?: string;
  cause: string;
  reason: string;
}

export interface NotFixable {
  cause: string;
  title: string;
  nodes: string[];
  whatToChange: string;
  /** The cause's exact commands for this cluster (RootCause.commands), printed under what to change. */
  commands?: string[];
}

export interface FixPlan {
  /** One entry per pod, in order. */
  actions: RestartAction[];
  /** Actions grouped by at most maxUnavailable pods; wait for Ready between batches. */
  batches: RestartAction[][];
  /** One `kubectl delete pod` per batch (what --dry-run prints). */
  commands: string[];
  refused: RefusedNode[];
  notFixable: NotFixable[];
  /** Agents restarted per batch: the requested --max-unavailable, capped unless forced. */
  maxUnavailable: number;
  /** Why the batch is smaller than asked (the cap), when it is. */
  capped?: string;
}

export interface StepResult {
  node: string;
  oldPod: string;
  newPod?: string;
  /** deleted → replaced (Ready) → recovered (node re-checked clean). */
  /** `not-verified`: the new agent is Ready but the re-check could not see everything (never "clean"). */
  outcome: 'recovered' | 'not-verified' | 'not-recovered' | 'not-ready' | 'refused' | 'failed' | 'skipped';
  detail: string;
}

export interface FixResult {
  steps: StepResult[];
  completed: boolean;
  stoppedReason?: string;
}

export interface Diagnosis {
  apiVersion: 'kdiag/v1';
  kind: 'Diagnosis';
  target?: { namespace: string; name: string };
  from?: { namespace: string; name: string; node?: string; hostNetwork?: boolean };
  cilium?: { namespace: string; version: string; cli: string };
  /** The Service datapath detected from what the cluster shows (src/datapath/detect.ts). */
  datapath?: DetectedDatapath;
  nodes: number;
  /** The nodes judged when narrowed by --node or --from; absent = every node. */
  scope?: string[];
  /** Worst status across findings. */
  status: Status;
  /** Ranked, most specific first; empty when healthy. */
  rootCauses: RootCause[];
  findings: Finding[];
  plan: FixPlan;
  /** Facts that could not be gathered, per source and node, with what to do where known. */
  unknowns: { fact: string; node?: string; reason: string; hint?: string }[];
}
