// Known datapaths, in detection order. Add Calico or kube-proxy/iptables here; the engine does not change.
import { ciliumDatapath } from './cilium.js';
import type { Datapath } from './types.js';
import type { Facts } from '../model/facts.js';

export const DATAPATHS: Datapath[] = [ciliumDatapath];

/** The first datapath whose detection succeeds, or undefined. */
export function detectDatapath(facts: Facts, datapaths: Datapath[] = DATAPATHS): Datapath | undefined {
  return datapaths.find((d) => d.detect(facts).present);
}

export type { Datapath, DatapathProgram, Detection } from './types.js';
