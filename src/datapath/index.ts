// Known datapaths, in detection order; the engine does not change when one is added.
import { calicoDatapath } from './calico.js';
import { ciliumDatapath } from './cilium.js';
import { kubeProxyDatapath, kubeProxyOnlyDatapath } from './kube-proxy.js';
import type { Datapath } from './types.js';
import type { Facts } from '../model/facts.js';

// Cilium first: it is also the fallback whose checks say what is missing when nothing is detected.
export const DATAPATHS: Datapath[] = [ciliumDatapath, kubeProxyDatapath, kubeProxyOnlyDatapath, calicoDatapath];

/**
 * The first datapath detected in the facts. When none is (nothing installed), the first one: its checks
 * then say what is missing (`cilium-installed/not-installed`).
 */
export function detectDatapath(facts: Facts, datapaths: Datapath[] = DATAPATHS): Datapath {
  return datapaths.find((d) => d.detect(facts).present) ?? datapaths[0]!;
}

/** Every datapath's checks, once each: what the engine may need to gather before it can detect. */
export function allChecks(datapaths: Datapath[] = DATAPATHS): Datapath['checks'] {
  return [...new Set(datapaths.flatMap((d) => d.checks))];
}

export { classifyDatapath, seenLine } from './detect.js';
export type { AgentCli, Datapath, Detection, ExecResult } from './types.js';
