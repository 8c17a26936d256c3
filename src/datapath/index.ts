// Known datapaths, in detection order; the engine does not change when one is added.
import { calicoDatapath } from './calico.js';
import { ciliumAgentTarget, ciliumDatapath } from './cilium.js';
import { kubeProxyDatapath, kubeProxyOnlyDatapath } from './kube-proxy.js';
import type { Datapath, RestartKind, Restarts } from './types.js';
import type { RestartAction, RestartTarget } from '../model/diagnosis.js';
import type { CiliumInstallFact, Facts } from '../model/facts.js';

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

/**
 * Where pods of `kind` are restarted: the detected datapath's own entry, else the first known datapath
 * that has one (a cause a check outside this datapath's list found still names its pods).
 */
export function restartsFor(
  kind: RestartKind,
  datapath?: Datapath,
  datapaths: Datapath[] = DATAPATHS,
): Restarts | undefined {
  const own = datapath?.restarts.find((r) => r.kind === kind);
  return own ?? datapaths.flatMap((d) => d.restarts).find((r) => r.kind === kind);
}

/**
 * What a planned action's pod must still be when re-read: the target the plan recorded; for a plan made
 * by hand, a Cilium agent of `install`. A string says why it cannot be known.
 */
export function restartTargetOf(a: RestartAction, install?: CiliumInstallFact): RestartTarget | string {
  if (a.target) return a.target;
  if (!install) return 'Cilium installation not known: cannot verify pod ownership';
  return ciliumAgentTarget(install);
}

export { classifyDatapath, seenLine } from './detect.js';
export type { AgentCli, Datapath, Detection, ExecResult, RestartKind, RestartPod, Restarts } from './types.js';
