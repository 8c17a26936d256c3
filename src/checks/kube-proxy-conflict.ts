// Detects kube-proxy still running while Cilium replaces it fully (strict/true): two Service datapaths fight (source: kube-proxy DaemonSet/pods, cilium-config `kube-proxy-replacement`).
import { CONFIG_KEYS, readCiliumConfig } from '../cilium/config.js';
import { capped, finding } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'kube-proxy-conflict';

export const kubeProxyConflict: Check = {
  id: ID,
  title: 'kube-proxy is not running beside a full kube-proxy replacement',
  reasons: ['not-replaced', 'no-kube-proxy', 'kube-proxy-running'],
  needs: ['config', 'kubeProxy'],
  rbac: ['get configmaps in <cilium-ns>', 'list daemonsets in kube-system', 'list pods in kube-system'],
  run(facts: Facts): Finding[] {
    if (!facts.config.ok || !facts.kubeProxy.ok) return [];
    const key = CONFIG_KEYS.kubeProxyReplacement;
    const raw = facts.config.value[key];
    const view = readCiliumConfig(facts.config.value);
    const kp = facts.kubeProxy.value;
    const cfgEv = { source: 'ConfigMap cilium-config', excerpt: `${key}=${raw ?? '(unset)'}` };
    const running = kp.pods.filter((p) => p.ready);
    const present = !!kp.daemonSet || kp.pods.length > 0;
    if (view.kprEffect !== 'full') {
      return [
        finding(ID, 'not-replaced', {
          status: 'pass',
          message: `kube-proxy replacement is ${view.kprEffect}: kube-proxy ${present ? 'runs' : 'is absent'}, as expected${present ? '' : ' (check that something else serves Services)'}`,
          evidence: [cfgEv],
        }),
      ];
    }
    if (!present) {
      return [
        finding(ID, 'no-kube-proxy', {
          status: 'pass',
          message: 'no kube-proxy beside full kube-proxy replacement',
          evidence: [cfgEv],
        }),
      ];
    }
    const lines = kp.pods.map((p) => `${p.name} node=${p.node} ready=${p.ready}${p.mode ? ` mode=${p.mode}` : ''}`);
    const ds = kp.daemonSet;
    const ev = [cfgEv];
    if (ds)
      ev.push({ source: 'DaemonSet', excerpt: `${ds.namespace}/${ds.name} desired=${ds.desired} ready=${ds.ready}` });
    if (lines.length) ev.push({ source: 'kube-proxy pods', excerpt: capped(lines) });
    const ns = ds?.namespace ?? 'kube-system';
    const remediation = {
      summary: 'remove kube-proxy and its rules (or set kube-proxy-replacement to false)',
      commands: [
        `kubectl -n ${ns} delete daemonset ${ds?.name ?? 'kube-proxy'}`,
        '# on each node: iptables-save | grep -v KUBE | iptables-restore',
      ],
      autoFixable: false,
    };
    const message = (where: string) =>
      `kube-proxy ${where} while ${key}=${raw}: its iptables/ipvs rules and Cilium's eBPF load balancer both handle Services`;
    // One finding per node where kube-proxy runs, so the cause names the affected nodes.
    if (running.length)
      return running.map((p) =>
        finding(ID, 'kube-proxy-running', {
          status: 'fail',
          subject: `node/${p.node}`,
          node: p.node,
          message: message(`runs on ${p.node} (${p.name})`),
          evidence: [
            ...ev.filter((e) => e.source !== 'kube-proxy pods'),
            {
              source: 'kube-proxy pod',
              node: p.node,
              pod: p.name,
              excerpt: `${p.name} node=${p.node} ready=${p.ready}`,
            },
          ],
          cause: 'kube-proxy-conflict',
          remediation,
        }),
      );
    return [
      finding(ID, 'kube-proxy-running', {
        status: ds && ds.ready > 0 ? 'fail' : 'warn',
        message: message('is deployed'),
        evidence: ev,
        cause: 'kube-proxy-conflict',
        remediation,
      }),
    ];
  },
};
