// Detects host-namespace clients whose ClusterIP connects nothing translates: socket LB is off (bpf-lb-sock
// false and kube-proxy-replacement not "true"), so only pods get Cilium's per-packet Service LB (bpf_lxc),
// and no kube-proxy runs to translate for the host namespace. Source: cilium-config, kube-proxy's
// DaemonSet/pods, the `--from` client Pod (hostNetwork). cilium/cilium#22375 (hostNetwork pods reached
// Services only after socketLB.enabled=true), #44324, #42659, #31718; Cilium's "host-reachable services"
// (socket LB) is what makes Services reachable from the host namespace (Documentation/gettingstarted/host-services.rst).
import { readCiliumConfig } from '../cilium/config.js';
import { ciliumNamespace, configValue, finding } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Evidence, Finding } from '../model/check.js';

const ID = 'hostns-service-lb';
const KEYS = ['kube-proxy-replacement', 'bpf-lb-sock', 'bpf-lb-sock-hostns-only', 'enable-host-reachable-services'];

export const hostnsServiceLb: Check = {
  id: ID,
  title: 'Something translates ClusterIPs for clients in the host network namespace',
  reasons: ['translated', 'not-translated'],
  // Not 'client': without one it still judges the cluster, so preflight (which skips client checks) runs it.
  needs: ['config', 'kubeProxy'],
  rbac: ['get configmaps in <cilium-ns>', 'list daemonsets in kube-system', 'list pods in kube-system'],
  run(facts: Facts): Finding[] {
    if (!facts.cilium.ok || !facts.config.ok || !facts.kubeProxy.ok) return [];
    const cfg = readCiliumConfig(facts.config.value);
    const client = facts.client?.ok ? facts.client.value : undefined;
    // A pod-network client is translated by bpf_lxc whatever the socket LB settings: not this check's case.
    if (client && !client.hostNetwork) return [];
    const kp = facts.kubeProxy.value;
    // kube-proxy deployed but not Ready on a node is kube-proxy-pods' finding, not this one.
    const kubeProxyOn = !!kp.daemonSet || kp.pods.length > 0;
    const node = client?.node;
    if (cfg.socketLb || kubeProxyOn)
      return [
        finding(ID, 'translated', {
          status: 'pass',
          ...(node ? { node } : {}),
          message: cfg.socketLb
            ? `socket LB is on (${cfg.socketLbSource}): host-namespace connects to a ClusterIP are translated at connect()`
            : 'kube-proxy is deployed: its rules translate host-namespace ClusterIP traffic',
          evidence: [],
        }),
      ];
    const ns = ciliumNamespace(facts);
    const cfgEv: Evidence = {
      source: `kubectl -n ${ns} get cm cilium-config`,
      excerpt: KEYS.map((k) => `${k}: ${configValue(facts, k) ?? '(unset)'}`).join('\n'),
    };
    const kpEv: Evidence = {
      source: 'kubectl -n kube-system get ds,pods -l k8s-app=kube-proxy',
      excerpt: 'no kube-proxy DaemonSet or pods',
    };
    const remediation = {
      summary:
        'turn socket LB on so the host namespace gets Service translation at connect(): helm socketLB.enabled=true (with socketLB.hostNamespaceOnly=true to keep pods on the per-packet LB), or run kube-proxy; then roll the agents',
      commands: [
        `helm upgrade cilium cilium/cilium -n ${ns} --reuse-values --set socketLB.enabled=true --set socketLB.hostNamespaceOnly=true`,
        `kubectl -n ${ns} rollout restart ds/cilium`,
      ],
      autoFixable: false,
    };
    if (client) {
      const subject = `${client.namespace}/${client.name}`;
      return [
        finding(ID, 'not-translated', {
          status: 'fail',
          subject,
          node: client.node,
          message: `${subject} runs in the host network namespace of ${client.node}, where nothing translates a ClusterIP: socket LB is off (bpf-lb-sock=${configValue(facts, 'bpf-lb-sock') ?? 'unset'}, kube-proxy-replacement=${configValue(facts, 'kube-proxy-replacement') ?? 'unset'}) and no kube-proxy runs there; pods still reach Services through bpf_lxc`,
          evidence: [
            {
              source: 'Pod',
              node: client.node,
              pod: client.name,
              excerpt: `${subject} node=${client.node} hostNetwork=true`,
            },
            cfgEv,
            kpEv,
          ],
          cause: 'hostns-client-no-socket-lb',
          remediation,
        }),
      ];
    }
    return [
      finding(ID, 'not-translated', {
        status: 'warn',
        message:
          'no kube-proxy and socket LB is off: pods reach ClusterIPs through bpf_lxc, but hostNetwork pods and node processes have nothing translating them',
        evidence: [cfgEv, kpEv],
        cause: 'hostns-client-no-socket-lb',
        remediation,
      }),
    ];
  },
};
