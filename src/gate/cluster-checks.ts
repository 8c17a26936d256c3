// Which of the registered checks the cluster gate (`kdiag preflight`) runs.
import { CHECKS } from '../checks/index.js';
import type { Check } from '../model/check.js';

/**
 * Every check but those about one client pod (`doctor clusterip --from`): the gate includes the service
 * map of every agent against every Service ("service map in sync").
 */
export function preflightChecks(): Check[] {
  return CHECKS.filter((c) => !c.needs.includes('client'));
}
