// Which of the datapath's drop reasons concern a Service, and what each one means for ClusterIP traffic.
// Reason texts are those of Cilium's drop-reason table, pkg/monitor/api/drop.go (shared with
// bpf/lib/common.h and api/v1/flow/flow.proto); older agents print "Policy denied (L3)"/"(L4)"/"(CIDR)"
// (the v1.x table in the same file). The hairpin source address is the agent's
// ipv4-service-loopback-address (default 169.254.42.1, pkg/option/config.go): a pod reaching itself
// through its own Service is SNATed to it (cilium/cilium#27709 "Loopback SNAT from=… to=169.254.42.1").
import type { DropEvent } from '../model/drops.js';

export const DEFAULT_SERVICE_LOOPBACK = '169.254.42.1';

export type DropClass =
  'backend-not-found' | 'hairpin-policy-denied' | 'policy-denied' | 'ct-map-full' | 'nat-map-full' | 'other';

/** The Service an observation is about: its frontends, its backends, and the client when --from named one. */
export interface DropScope {
  frontends: string[];
  backends: string[];
  client?: string;
  /** cilium-config ipv4-service-loopback-address, when set. */
  loopback?: string;
}

const BACKEND_NOT_FOUND = new Set([
  'Service backend not found',
  // socket LB (cil_sock*_connect) finds no backend slot/entry for the frontend
  'LB, sock cgroup: No backend slot entry found',
  'LB, sock cgroup: No backend entry found',
]);
const POLICY = /^Policy denied(?: \((?:L3|L4|CIDR)\)| by denylist)?$/;

const scopeIps = new WeakMap<DropScope, Set<string>>();

/** Does this drop concern the Service (its frontend, a backend, or the named client)? */
export function concernsService(ev: DropEvent, scope: DropScope): boolean {
  // Built once per scope: preflight's scope holds every Service's addresses.
  let ips = scopeIps.get(scope);
  if (!ips)
    scopeIps.set(
      scope,
      (ips = new Set([...scope.frontends, ...scope.backends, ...(scope.client ? [scope.client] : [])])),
    );
  return (ev.dst !== undefined && ips.has(ev.dst)) || (ev.src !== undefined && ips.has(ev.src));
}

/** Pod → own Service → same pod: the packet reaches the backend from the loopback address, or from itself. */
export function isHairpin(ev: DropEvent, scope: DropScope): boolean {
  if (ev.dst === undefined || !(backendSets.get(scope) ?? setOf(scope)).has(ev.dst)) return false;
  return ev.src === (scope.loopback || DEFAULT_SERVICE_LOOPBACK) || ev.src === ev.dst;
}

const backendSets = new WeakMap<DropScope, Set<string>>();
function setOf(scope: DropScope): Set<string> {
  const s = new Set(scope.backends);
  backendSets.set(scope, s);
  return s;
}

export function classifyDrop(ev: DropEvent, scope: DropScope): DropClass {
  if (BACKEND_NOT_FOUND.has(ev.reason)) return 'backend-not-found';
  if (POLICY.test(ev.reason)) return isHairpin(ev, scope) ? 'hairpin-policy-denied' : 'policy-denied';
  if (ev.reason === 'CT: Map insertion failed') return 'ct-map-full';
  if (ev.reason === 'No mapping for NAT masquerade') return 'nat-map-full';
  return 'other';
}
