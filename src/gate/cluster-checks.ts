// Which of the registered checks the cluster gate (`kdiag preflight`) runs.
import { allChecks } from '../datapath/index.js';
import type { Check } from '../model/check.js';

/**
 * Every datapath's checks but those about one client pod (`doctor clusterip --from`): the gate includes the service
 * map of every agent against every Service ("service map in sync").
 */
export function preflightChecks(): Check[] {
  return allChecks().filter((c) => !c.needs.includes('client'));
}
