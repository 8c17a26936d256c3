// Which Services an agent's LB map is judged against, and how strictly: shared by the gatherer (which
// compares each map as it arrives) and the service-map check.
import type { CompareOptions } from './lb-drift.js';
import { kprFull } from './kpr.js';
import { protocolDistinct } from './versions.js';
import type { Facts, ServiceFact } from '../model/facts.js';

/** The Services the map is judged against: the target only, when there is one. */
export function servicesInScope(facts: Facts): ServiceFact[] {
  if (!facts.services.ok) return [];
  const t = facts.target;
  return t
    ? facts.services.value.filter((s) => s.namespace === t.namespace && s.name === t.name)
    : facts.services.value;
}

/**
 * NodePort frontends are mandatory only under full kube-proxy replacement. Whether TCP and UDP of one IP:port
 * are separate frontends follows the agent version and config (protocolDistinct); unknown version: read from
 * each node's map.
 */
export function compareOptionsFor(facts: Facts): CompareOptions {
  const minor = facts.cilium.ok ? facts.cilium.value.minor : undefined;
  const config = facts.config.ok ? facts.config.value : undefined;
  return {
    target: facts.target,
    expect: { nodePort: kprFull(facts) },
    ...(minor !== undefined ? { protocolDistinct: protocolDistinct(minor, config) } : {}),
  };
}
