// One small interface per Service datapath (Cilium today; Calico eBPF or kube-proxy/iptables later), so the
// engine runs whichever is detected without knowing its internals.
import type { Facts } from '../model/facts.js';
import type { Check, Evidence } from '../model/check.js';

export interface Detection {
  present: boolean;
  /** Why we think so (DaemonSet found, config key …), or the gather error. */
  evidence: Evidence[];
}

/** A kernel program the datapath needs on a node, as `bpftool prog show` would list it. */
export interface DatapathProgram {
  name: string;
  type: string;
  reason: string;
}

export interface Datapath {
  id: string;
  title: string;
  detect(facts: Facts): Detection;
  /** The checks that diagnose this datapath (a listable catalogue). */
  checks: Check[];
  /** Programs required on every node given the gathered config; empty when the datapath loads none. */
  requiredPrograms(facts: Facts): DatapathProgram[];
}
