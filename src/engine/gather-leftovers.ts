// Reads kube-proxy's chains left in a node's nat table after kube-proxy was removed: `iptables-save -t nat`
// (an argv array) in the cilium-agent container, which ships iptables and shares the host's network
// namespace. Only asked where it can matter and costs one exec per node: Cilium replaces kube-proxy and no
// kube-proxy DaemonSet or pod exists (with kube-proxy running, its chains are expected).
import type { KubeClient } from '../cluster/client.js';
import { AGENT_CONTAINER } from '../cilium/discovery.js';
import { readCiliumConfig } from '../cilium/config.js';
import { execFailed } from '../datapath/cilium.js';
import { parseIptablesNat } from '../datapath/kube-proxy/iptables.js';
import { ParseError } from '../errors.js';
import type { AgentPodFact, Facts } from '../model/facts.js';
import type { KubeProxyLeftoversFact } from '../model/kube-proxy.js';
import { IPTABLES_SAVE_NAT } from './gather-kube-proxy.js';

/** Is kube-proxy gone (no DaemonSet, no pod) while Cilium replaces it? Only then are its chains leftovers. */
export function leftoversApply(facts: Facts): boolean {
  if (!facts.config.ok || !facts.kubeProxy.ok) return false;
  const kp = facts.kubeProxy.value;
  return readCiliumConfig(facts.config.value).kprEffect === 'full' && !kp.daemonSet && kp.pods.length === 0;
}

const DECLARED = /^:(KUBE-(?:SVC|SVL)-\S+)\s/;

export async function readKubeProxyLeftovers(client: KubeClient, a: AgentPodFact): Promise<KubeProxyLeftoversFact> {
  const r = await client.exec(a.namespace, a.name, AGENT_CONTAINER, IPTABLES_SAVE_NAT);
  if (r.exitCode !== 0) throw execFailed(IPTABLES_SAVE_NAT.join(' '), r);
  return leftoversFromNat(a, r.stdout);
}

/** The fact from `iptables-save -t nat`'s stdout (also its section in gather-combined.ts). */
export function leftoversFromNat(a: AgentPodFact, stdout: string): KubeProxyLeftoversFact {
  // A real nat table always has its `*nat` header and COMMIT: anything less proves nothing.
  if (!/^\*nat\s*$/m.test(stdout) || !/^COMMIT\s*$/m.test(stdout))
    throw new ParseError(IPTABLES_SAVE_NAT.join(' '), 'no *nat … COMMIT block: output empty or truncated');
  const t = parseIptablesNat(stdout);
  const lines = stdout.split('\n').map((l) => l.trim());
  const chains = new Set<string>([
    ...t.unreferencedServiceChains,
    ...t.frontends.flatMap((f) => (f.source ? [f.source] : [])),
  ]);
  for (const l of lines) {
    const m = DECLARED.exec(l);
    if (m) chains.add(m[1]!);
  }
  return {
    namespace: a.namespace,
    pod: a.name,
    command: IPTABLES_SAVE_NAT,
    serviceChains: [...chains].filter((c) => /^KUBE-(SVC|SVL)-/.test(c)).sort(),
    serviceRules: lines.filter((l) => l.startsWith('-A KUBE-SERVICES ') && / -j KUBE-(SVC|SVL)-/.test(l)),
  };
}
