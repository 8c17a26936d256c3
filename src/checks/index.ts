// The check registry: an explicit, listable catalogue (after k8sgpt's coreAnalyzerMap). Order = run order.
import { agentLogs } from './agent-logs.js';
import { agentPods } from './agent-pods.js';
import { bpfPrograms } from './bpf-programs.js';
import { bpffs } from './bpffs.js';
import { capabilities } from './capabilities.js';
import { ciliumInstalled } from './cilium-installed.js';
import { clientPlacement } from './client-placement.js';
import { kernelVersion } from './kernel-version.js';
import { kubeProxyConflict } from './kube-proxy-conflict.js';
import { kubeProxyReplacement } from './kube-proxy-replacement.js';
import { serviceMap } from './service-map.js';
import type { Check } from '../engine/types.js';

export const CHECKS: Check[] = [
  ciliumInstalled,
  agentPods,
  agentLogs,
  kernelVersion,
  capabilities,
  bpffs,
  bpfPrograms,
  kubeProxyReplacement,
  kubeProxyConflict,
  serviceMap,
  clientPlacement,
];

export function checkById(id: string): Check | undefined {
  return CHECKS.find((c) => c.id === id);
}

/** Reasons every check may report: the engine's `unknown` (fact not gathered) and `error` (check threw). */
export const GENERIC_REASONS = ['unknown', 'error'] as const;

/** Every finding reason per check (ids are `check-id/reason`); docs/checks.md documents each. */
export const FINDING_REASONS: Record<string, readonly string[]> = {
  'cilium-installed': ['installed', 'not-installed'],
  'agent-pods': ['ready', 'missing', 'not-expected', 'crash-loop', 'not-ready', 'restarts'],
  'agent-logs': ['clean', 'known-error', 'unrecognised-errors'],
  'kernel-version': ['ok', 'below-minimum', 'feature-needs-newer', 'patch-unknown', 'below-recommended', 'unparseable'],
  capabilities: ['privileged', 'granted', 'missing', 'recommended-missing', 'eperm-in-logs'],
  bpffs: ['mounted', 'not-mounted'],
  'bpf-programs': ['loaded', 'missing', 'none-loaded'],
  'kube-proxy-replacement': ['mode', 'invalid-value', 'status-matches', 'status-mismatch'],
  'kube-proxy-conflict': ['not-replaced', 'no-kube-proxy', 'kube-proxy-running'],
  'service-map': [
    'in-sync',
    'not-in-map',
    'backends-differ',
    'stale-frontend',
    'no-ready-endpoints',
    'headless',
    'target-not-found',
  ],
  'client-placement': ['pod-netns', 'host-network', 'hairpin'],
};

/** All finding ids, generic ones included. */
export const FINDING_IDS: readonly string[] = CHECKS.flatMap((c) =>
  [...(FINDING_REASONS[c.id] ?? []), ...GENERIC_REASONS].map((r) => `${c.id}/${r}`),
);
