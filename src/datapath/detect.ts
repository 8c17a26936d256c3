// Which Service datapath this cluster runs, from what it shows: the Cilium DaemonSet and cilium-config
// (`kube-proxy-replacement`, `cni-chaining-mode`), kube-proxy's DaemonSet/pods and ConfigMap `mode`,
// calico-node (FELIX_BPFENABLED), FelixConfiguration `bpfEnabled` and the operator's `linuxDataplane`.
// Pure. A cluster showing none of them is `none`; one whose lookups failed is `unknown`, never a guess.
import { CONFIG_KEYS, readCiliumConfig } from '../cilium/config.js';
import type { Evidence } from '../model/check.js';
import { calicoBpfEnabled } from '../model/calico.js';
import type { DatapathSignals, DetectedDatapath, KubeProxyMode } from '../model/datapath.js';
import type { Facts, Gathered } from '../model/facts.js';

const CHAINING_KEY = 'cni-chaining-mode';

export function classifyDatapath(facts: Facts): DetectedDatapath {
  const evidence: Evidence[] = [];
  const gaps: string[] = [];
  const sig: DatapathSignals | undefined = facts.datapathSignals?.ok ? facts.datapathSignals.value : undefined;
  if (facts.datapathSignals) gapOf('Calico and kube-proxy config', facts.datapathSignals, gaps);
  gaps.push(...(sig?.errors ?? []));

  // Cilium: installed, and does it replace kube-proxy (or chain behind another CNI)?
  const cilium = facts.cilium.ok ? facts.cilium.value : undefined;
  if (cilium)
    evidence.push({ source: 'DaemonSet', excerpt: `${cilium.namespace}/${cilium.daemonSet} Cilium ${cilium.version}` });
  else if (!facts.cilium.ok && facts.cilium.kind === 'not-installed')
    evidence.push({ source: 'DaemonSet', excerpt: 'no Cilium agent DaemonSet' });
  else gapOf('Cilium DaemonSet', facts.cilium, gaps);
  let kprFull = false;
  let chaining: string | undefined;
  if (cilium && facts.config.ok) {
    const raw = facts.config.value[CONFIG_KEYS.kubeProxyReplacement];
    kprFull = readCiliumConfig(facts.config.value).kprEffect === 'full';
    chaining = facts.config.value[CHAINING_KEY];
    evidence.push({
      source: 'ConfigMap cilium-config',
      excerpt: `${CONFIG_KEYS.kubeProxyReplacement}=${raw ?? '(unset)'} ${CHAINING_KEY}=${chaining ?? '(unset)'}`,
    });
  } else if (cilium) gapOf('cilium-config', facts.config, gaps);

  // kube-proxy: running (DaemonSet or pods) and its mode.
  const kp = facts.kubeProxy.ok ? facts.kubeProxy.value : undefined;
  const kubeProxy = !!kp && (!!kp.daemonSet || kp.pods.length > 0);
  if (kp) {
    const ds = kp.daemonSet;
    evidence.push({
      source: 'kube-proxy',
      excerpt: ds
        ? `DaemonSet ${ds.namespace}/${ds.name} desired=${ds.desired} ready=${ds.ready}`
        : kp.pods.length
          ? `${kp.pods.length} pod(s) labelled k8s-app=kube-proxy, no DaemonSet`
          : 'no kube-proxy DaemonSet or pods',
    });
  } else gapOf('kube-proxy', facts.kubeProxy, gaps);
  let mode: KubeProxyMode | undefined;
  if (sig?.kubeProxyConfig) {
    const m = sig.kubeProxyConfig.mode.toLowerCase();
    // An empty mode is the platform default: iptables on Linux (pkg/proxy/apis/config, kube-proxy 1.29+).
    mode = m === '' ? 'iptables' : m === 'ipvs' || m === 'nftables' || m === 'iptables' ? m : undefined;
    evidence.push({
      source: 'ConfigMap kube-system/kube-proxy',
      excerpt: `mode: ${JSON.stringify(sig.kubeProxyConfig.mode)}`,
    });
  }

  // Calico: calico-node, and whether Felix runs its eBPF dataplane (which replaces kube-proxy).
  const calico = sig?.calico;
  if (calico) {
    evidence.push({
      source: 'DaemonSet',
      excerpt: `${calico.namespace}/${calico.name} ${calico.image}${calico.felixBpfEnabled !== undefined ? ` FELIX_BPFENABLED=${calico.felixBpfEnabled}` : ''}`,
    });
  }
  if (sig?.felixBpfEnabled !== undefined)
    evidence.push({ source: 'FelixConfiguration default', excerpt: `bpfEnabled: ${sig.felixBpfEnabled}` });
  if (sig?.linuxDataplane)
    evidence.push({ source: 'Installation default', excerpt: `linuxDataplane: ${sig.linuxDataplane}` });
  // The env var overrides the resource (Felix config precedence: env > FelixConfiguration).
  const calicoBpf = !!calico && calicoBpfEnabled(sig);

  const kpTitle = kubeProxy ? `kube-proxy (${mode ?? 'mode unknown'})` : 'kube-proxy (not found)';
  const base = { evidence, gaps };
  const viaKubeProxy = { services: 'kube-proxy' as const, ...(mode ? { kubeProxyMode: mode } : {}) };
  // Cilium whose config we could not read: who serves Services is not known, and we do not guess.
  if (cilium && !facts.config.ok)
    return { id: 'unknown', title: `Cilium ${cilium.version}; kube-proxy replacement not known`, ...base };
  if (cilium && calico) {
    const owner = kprFull ? 'cilium' : calicoBpf ? 'calico' : 'kube-proxy';
    const chain = chaining && chaining !== 'none' ? `${CHAINING_KEY}=${chaining}` : `${CHAINING_KEY} unset`;
    return {
      id: 'calico-cilium',
      title: `Calico networking with Cilium (${chain}); ${owner === 'cilium' ? 'Cilium (kube-proxy replacement)' : owner === 'calico' ? 'Calico eBPF' : kpTitle} serves Services`,
      ...(owner === 'kube-proxy' ? viaKubeProxy : { services: owner }),
      ...base,
    };
  }
  if (cilium && kprFull)
    return { id: 'cilium-kpr', title: 'Cilium eBPF with kube-proxy replacement', services: 'cilium', ...base };
  if (cilium)
    return {
      id: 'cilium-kube-proxy',
      title: `Cilium without kube-proxy replacement; ${kpTitle} serves Services`,
      ...viaKubeProxy,
      ...base,
    };
  if (calico && calicoBpf)
    return { id: 'calico-ebpf', title: 'Calico eBPF dataplane (replaces kube-proxy)', services: 'calico', ...base };
  if (calico) return { id: 'calico-kube-proxy', title: `Calico (iptables) + ${kpTitle}`, ...viaKubeProxy, ...base };
  if (kubeProxy) return { id: 'kube-proxy', title: `${kpTitle} without Cilium or Calico`, ...viaKubeProxy, ...base };
  if (gaps.length) return { id: 'unknown', title: 'not determined: some lookups failed', ...base };
  return { id: 'none', title: 'no Service datapath recognised (no Cilium, kube-proxy or Calico)', ...base };
}

/** A lookup that was tried and failed is a gap; one never tried (`not gathered`) is not. */
function gapOf(what: string, g: Gathered<unknown>, gaps: string[]): void {
  if (!g.ok && g.error !== 'not gathered') gaps.push(`${what}: ${g.error}`);
}

/** One line: what the detection saw, for messages. */
export function seenLine(d: DetectedDatapath): string {
  return [...d.evidence.map((e) => `${e.source}: ${e.excerpt}`), ...d.gaps].join('; ');
}
