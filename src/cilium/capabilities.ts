// The capabilities the cilium-agent needs (the helm chart's securityContext.capabilities.ciliumAgent; see
// src/checks/capabilities.ts for the citation). Shared by the cluster check and `preflight node`.

export const RECOMMENDED_CAPS = ['NET_RAW', 'IPC_LOCK', 'SYS_RESOURCE'] as const;

export const normCap = (c: string): string => c.trim().toUpperCase().replace(/^CAP_/, '');

/** Hard-required capabilities the set lacks (SYS_ADMIN may be replaced by BPF+PERFMON). */
export function missingCapabilities(caps: string[]): string[] {
  const have = new Set(caps.map(normCap));
  if (have.has('ALL')) return [];
  const missing: string[] = [];
  if (!have.has('NET_ADMIN')) missing.push('NET_ADMIN');
  if (!have.has('SYS_ADMIN') && !(have.has('BPF') && have.has('PERFMON'))) {
    missing.push(
      have.has('BPF') || have.has('PERFMON') ? (have.has('BPF') ? 'PERFMON' : 'BPF') : 'SYS_ADMIN (or BPF+PERFMON)',
    );
  }
  return missing;
}
