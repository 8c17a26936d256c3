// Detects nodes where kube-proxy, the component serving Services on this datapath, has no Ready pod
// (source: kube-proxy DaemonSet and pods, label k8s-app=kube-proxy). Runs only where kube-proxy serves
// Services (src/datapath/kube-proxy.ts): Cilium without kube-proxy replacement, kube-proxy alone, Calico.
import { capped, finding, inScope } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding, Remediation } from '../model/check.js';

const ID = 'kube-proxy-pods';

export const kubeProxyPods: Check = {
  id: ID,
  title: 'kube-proxy runs and is Ready on every node (where it serves Services)',
  reasons: ['ready', 'not-ready', 'no-pod', 'not-deployed'],
  needs: ['kubeProxy', 'nodes'],
  rbac: ['list daemonsets in kube-system', 'list pods in kube-system'],
  run(facts: Facts): Finding[] {
    if (!facts.kubeProxy.ok || !facts.nodes.ok) return [];
    const kp = facts.kubeProxy.value;
    const ds = kp.daemonSet;
    const dsEv = ds
      ? { source: 'DaemonSet', excerpt: `${ds.namespace}/${ds.name} desired=${ds.desired} ready=${ds.ready}` }
      : { source: 'DaemonSet lookup', excerpt: 'no DaemonSet labelled k8s-app=kube-proxy' };
    if (!ds && kp.pods.length === 0)
      return [
        finding(ID, 'not-deployed', {
          status: 'fail',
          message:
            'no kube-proxy DaemonSet or pods, yet nothing else replaces it: ClusterIPs are not translated outside what the CNI handles itself',
          evidence: [dsEv],
          cause: 'kube-proxy-not-ready',
        }),
      ];
    const ns = ds?.namespace ?? 'kube-system';
    const out: Finding[] = [];
    for (const n of facts.nodes.value) {
      if (!inScope(facts, n.name)) continue;
      const pods = kp.pods.filter((p) => p.node === n.name);
      const ev = [
        dsEv,
        {
          source: 'kube-proxy pods',
          node: n.name,
          excerpt: capped(pods.map((p) => `${p.name} ready=${p.ready}`)) || '(none)',
        },
      ];
      if (pods.some((p) => p.ready)) {
        out.push(
          finding(ID, 'ready', {
            status: 'pass',
            node: n.name,
            message: `kube-proxy Ready (${pods.find((p) => p.ready)!.name})`,
            evidence: ev,
          }),
        );
        continue;
      }
      const pod = pods[0];
      const remediation: Remediation = pod
        ? {
            summary: `restart kube-proxy on ${n.name} (the DaemonSet recreates it), then check its log`,
            commands: [`kubectl -n ${ns} delete pod ${pod.name}`, `kubectl -n ${ns} logs ${pod.name} --previous`],
            autoFixable: false,
          }
        : {
            summary: `find why the kube-proxy DaemonSet has no pod on ${n.name} (taints, node selector)`,
            commands: [`kubectl -n ${ns} describe daemonset ${ds?.name ?? 'kube-proxy'}`],
            autoFixable: false,
          };
      out.push(
        finding(ID, pod ? 'not-ready' : 'no-pod', {
          status: 'fail',
          node: n.name,
          message: pod
            ? `kube-proxy ${pod.name} on ${n.name} is not Ready: Service rules on this node are not kept in sync`
            : `no kube-proxy pod on ${n.name}: nothing programs Service rules on this node`,
          evidence: ev,
          cause: 'kube-proxy-not-ready',
          remediation,
        }),
      );
    }
    return out;
  },
};
