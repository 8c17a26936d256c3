// Reads kube-proxy's view on each node where it serves Services in iptables mode: the nat table through
// the node's kube-proxy pod (`iptables-save -t nat`, an argv array: the kube-proxy image ships iptables)
// and the sync errors in the pod's log. Per node, on the client's bounded pool; a node that fails keeps
// its error and never hides the others.
import type { KubeClient } from '../cluster/client.js';
import { execFailed } from '../datapath/cilium.js';
import { parseIptablesNat } from '../datapath/kube-proxy/iptables.js';
import { KdiagError, ParseError, oneLine } from '../errors.js';
import { failed, got, type Facts, type Gathered } from '../model/facts.js';
import {
  IPTABLES_SAVE_NAT,
  KUBE_PROXY_SYNC_ERROR,
  type KubeProxyLogFact,
  type KubeProxyRulesFact,
} from '../model/kube-proxy.js';

export const KUBE_PROXY_CONTAINER = 'kube-proxy';
export { IPTABLES_SAVE_NAT };
/** Log lines read per kube-proxy pod, and sync-error lines kept. */
export const KUBE_PROXY_LOG_TAIL = 2000;
const MAX_LOG_LINES = 20;

/** Fills facts.kubeProxyRules and facts.kubeProxyLogs for the nodes in scope (iptables mode only). */
export async function gatherKubeProxyRules(client: KubeClient, facts: Facts, onlyNodes?: string[]): Promise<void> {
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
        rules.set(n.name, await settle(readRules(client, ns, pod.name)));
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
