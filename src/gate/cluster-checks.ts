// Which of the registered checks the cluster gate (`kdiag preflight`) runs.
import { CHECKS } from '../checks/index.js';
import type { Check } from '../engine/types.js';

/** Checks that need a target (a Service, a client pod) belong to `doctor clusterip`, not the cluster gate. */
export function preflightChecks(): Check[] {
  return CHECKS.filter((c) => !c.needs.includes('client') && !c.needs.includes('services'));
}
