// Reads kube-proxy's view on each node where it serves Services: its rules through the node's kube-proxy pod
// (argv arrays, never a shell) and the sync errors in the pod's log. Per mode:
// - iptables: `iptables-save -t nat` (the kube-proxy image ships iptables);
// - ipvs: `ipvsadm -Ln`; the stock image (distroless-iptables: kubernetes build/common.sh
//   KUBE_PROXY_BASE_IMAGE; kubernetes/release images/build/distroless-iptables/*/Dockerfile stages iptables,
//   ipset, kmod, nft, cat … but no ipvsadm) has none, so then `cat /proc/net/ip_vs`, the kernel's own listing
//   (kube-proxy runs in the host network namespace);
// - nftables: `nft list table ip kube-proxy` (the same images ship nft).
// Per node, on the client's bounded pool; a node that fails keeps its error and never hides the others.
import type { KubeClient } from '../cluster/client.js';
import { execFailed } from '../datapath/cilium.js';
import { parseIptablesNat } from '../datapath/kube-proxy/iptables.js';
import { parseIpvsadm } from '../datapath/kube-proxy/ipvsadm.js';
import { parseNftKubeProxy } from '../datapath/kube-proxy/nftables.js';
import { parseProcIpVs } from '../datapath/kube-proxy/proc-ip-vs.js';
import { KdiagError, ParseError, oneLine } from '../errors.js';
import { failed, got, type Facts, type Gathered } from '../model/facts.js';
import {
  CAT_PROC_IP_VS,
  IPTABLES_SAVE_NAT,
  IPVSADM_LN,
  KUBE_PROXY_SYNC_ERROR,
  NFT_LIST_KUBE_PROXY,
  type KubeProxyLogFact,
  type KubeProxyRulesFact,
} from '../model/kube-proxy.js';

export const KUBE_PROXY_CONTAINER = 'kube-proxy';
export { CAT_PROC_IP_VS, IPTABLES_SAVE_NAT, IPVSADM_LN, NFT_LIST_KUBE_PROXY };
export type KubeProxyRulesMode = NonNullable<KubeProxyRulesFact['mode']>;
/** Log lines read per kube-proxy pod, and sync-error lines kept. */
export const KUBE_PROXY_LOG_TAIL = 2000;
const MAX_LOG_LINES = 20;

/** Fills facts.kubeProxyRules and facts.kubeProxyLogs for the nodes in scope, read in kube-proxy's `mode`. */
export async function gatherKubeProxyRules(
  client: KubeClient,
  facts: Facts,
  onlyNodes?: string[],
  mode: KubeProxyRulesMode = 'iptables',
): Promise<void> {
  if (!facts.kubeProxy.ok || !facts.nodes.ok) return;
  const kp = facts.kubeProxy.value;
  const ns = kp.daemonSet?.namespace || 'kube-system';
  const rules = (facts.kubeProxyRules = new Map<string, Gathered<KubeProxyRulesFact>>());
  const logs = (facts.kubeProxyLogs = new Map<string, Gathered<KubeProxyLogFact>>());
  const tasks: Promise<void>[] = [];
  for (const n of facts.nodes.value) {
    if (onlyNodes && !onlyNodes.includes(n.name)) continue;
    const pod = kp.pods.find((p) => p.node === n.name && p.ready) ?? kp.pods.find((p) => p.node === n.name);
    // No pod or a pod that is not Ready: kube-proxy-pods reports it; its rules cannot be read through it.
    if (!pod) continue;
    if (!pod.ready) {
      rules.set(n.name, failed(`kube-proxy pod ${ns}/${pod.name} is not Ready: its rules were not read`));
      continue;
    }
    tasks.push(
      client.pool(async () => {
        rules.set(n.name, await settle(READERS[mode](client, ns, pod.name)));
      }),
      client.pool(async () => {
        logs.set(n.name, await settle(readSyncErrors(client, ns, pod.name)));
      }),
    );
  }
  await Promise.all(tasks);
}

async function readRules(client: KubeClient, namespace: string, pod: string): Promise<KubeProxyRulesFact> {
  const r = await client.exec(namespace, pod, KUBE_PROXY_CONTAINER, IPTABLES_SAVE_NAT);
  if (r.exitCode !== 0) throw execFailed(IPTABLES_SAVE_NAT.join(' '), r);
  // A real nat table always has its `*nat` header and COMMIT: anything less proves nothing.
  if (!/^\*nat\s*$/m.test(r.stdout) || !/^COMMIT\s*$/m.test(r.stdout))
    throw new ParseError(IPTABLES_SAVE_NAT.join(' '), 'no *nat … COMMIT block: output empty or truncated');
  const t = parseIptablesNat(r.stdout);
  return {
    namespace,
    pod,
    command: IPTABLES_SAVE_NAT,
    frontends: t.frontends,
    unreferencedChains: t.unreferencedServiceChains,
    warnings: t.warnings.length,
  };
}

async function readIpvs(client: KubeClient, namespace: string, pod: string): Promise<KubeProxyRulesFact> {
  let command = IPVSADM_LN;
  let r = await client.exec(namespace, pod, KUBE_PROXY_CONTAINER, command);
  // 126/127: the image has no ipvsadm (the stock one): the kernel's /proc listing says the same.
  const viaProc = r.exitCode === 126 || r.exitCode === 127;
  if (viaProc) {
    command = CAT_PROC_IP_VS;
    r = await client.exec(namespace, pod, KUBE_PROXY_CONTAINER, command);
  }
  if (r.exitCode !== 0) throw execFailed(command.join(' '), r);
  // Both print the `IP Virtual Server version` header first: without it the output proves nothing.
  if (!/^IP Virtual Server version/m.test(r.stdout))
    throw new ParseError(
      command.join(' '),
      'no "IP Virtual Server version" header: output empty, truncated or ip_vs not loaded',
    );
  const t = viaProc ? parseProcIpVs(r.stdout) : parseIpvsadm(r.stdout);
  return {
    namespace,
    pod,
    mode: 'ipvs',
    command,
    frontends: t.frontends.map((f) => ({ ip: f.ip, port: f.port, protocol: f.protocol, backends: f.backends })),
    unreferencedChains: [],
    warnings: t.warnings.length,
  };
}

async function readNft(client: KubeClient, namespace: string, pod: string): Promise<KubeProxyRulesFact> {
  const r = await client.exec(namespace, pod, KUBE_PROXY_CONTAINER, NFT_LIST_KUBE_PROXY);
  if (r.exitCode !== 0) throw execFailed(NFT_LIST_KUBE_PROXY.join(' '), r);
  // kube-proxy's table always has its service-ips map (pkg/proxy/nftables/proxier.go serviceIPsMap).
  if (!/^table ip kube-proxy \{/m.test(r.stdout) || !/^\s*map service-ips \{/m.test(r.stdout))
    throw new ParseError(NFT_LIST_KUBE_PROXY.join(' '), 'no `table ip kube-proxy` with a service-ips map');
  const t = parseNftKubeProxy(r.stdout);
  return {
    namespace,
    pod,
    mode: 'nftables',
    command: NFT_LIST_KUBE_PROXY,
    frontends: t.frontends,
    unreferencedChains: [],
    warnings: t.warnings.length,
  };
}

const READERS: Record<KubeProxyRulesMode, (c: KubeClient, ns: string, pod: string) => Promise<KubeProxyRulesFact>> = {
  iptables: readRules,
  ipvs: readIpvs,
  nftables: readNft,
};

async function readSyncErrors(client: KubeClient, namespace: string, pod: string): Promise<KubeProxyLogFact> {
  const text = await client.logs(namespace, pod, { container: KUBE_PROXY_CONTAINER, tailLines: KUBE_PROXY_LOG_TAIL });
  const all = text.split('\n');
  const lines = all.filter((l) => KUBE_PROXY_SYNC_ERROR.test(l)).slice(-MAX_LOG_LINES);
  return { namespace, pod, lines, read: all.length };
}

async function settle<T>(p: Promise<T>): Promise<Gathered<T>> {
  try {
    return got(await p);
  } catch (e) {
    return e instanceof KdiagError ? failed(oneLine(e), { kind: e.kind, hint: e.hint }) : failed(oneLine(e));
  }
}
