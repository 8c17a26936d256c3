// Detects kube-proxy still running beside Calico's eBPF dataplane while Felix removes kube-proxy's iptables
// rules (bpfKubeProxyIptablesCleanupEnabled, default true): Calico's troubleshoot-ebpf docs ("Debug high CPU
// usage") say to disable kube-proxy or set the setting to false, else Felix keeps removing the rules
// kube-proxy keeps writing. Source: kube-proxy DaemonSet/pods, the calico-node env and FelixConfiguration.
import { capped, finding } from './util.js';
import { calicoBpfEnabled, felixKubeProxyCleanup } from '../model/calico.js';
import type { Check, Finding } from '../model/check.js';
import type { Facts } from '../model/facts.js';

const ID = 'calico-kube-proxy-cleanup';

export const calicoKubeProxyCleanup: Check = {
  id: ID,
  title: "kube-proxy does not run beside Calico eBPF while Felix removes kube-proxy's rules",
  reasons: ['no-kube-proxy', 'cleanup-disabled', 'fighting'],
  needs: ['datapathSignals', 'kubeProxy'],
  rbac: ['list daemonsets (cluster-wide)', 'list pods in kube-system', 'get felixconfigurations (cluster-wide)'],
  run(facts: Facts): Finding[] {
    const sig = facts.datapathSignals?.ok ? facts.datapathSignals.value : undefined;
    if (!sig?.calico || !calicoBpfEnabled(sig) || !facts.kubeProxy.ok) return [];
    const kp = facts.kubeProxy.value;
    const running = kp.pods.filter((p) => p.ready);
    if (!kp.daemonSet && !running.length)
      return [
        finding(ID, 'no-kube-proxy', {
          status: 'pass',
          message: 'no kube-proxy runs beside Calico eBPF',
          evidence: [{ source: 'kube-proxy DaemonSet and pods', excerpt: '(none)' }],
        }),
      ];
    const cleanup = felixKubeProxyCleanup(sig);
    const evidence = [
      {
        source: 'kube-proxy DaemonSet and pods',
        excerpt: capped([
          kp.daemonSet
            ? `DaemonSet ${kp.daemonSet.namespace}/${kp.daemonSet.name} desired=${kp.daemonSet.desired} ready=${kp.daemonSet.ready}`
            : 'no DaemonSet',
          ...running.map((p) => `${p.name} on ${p.node} Ready`),
        ]),
      },
      { source: 'Felix configuration', excerpt: cleanup.source },
    ];
    if (!cleanup.on)
      return [
        finding(ID, 'cleanup-disabled', {
          status: 'info',
          message:
            "kube-proxy runs beside Calico eBPF with bpfKubeProxyIptablesCleanupEnabled false: Felix leaves kube-proxy's rules alone (Calico's BPF programs translate ClusterIPs before iptables sees them)",
          evidence,
        }),
      ];
    return [
      finding(ID, 'fighting', {
        status: 'fail',
        message: `kube-proxy runs (${running.length} Ready pod(s)) beside Calico eBPF while Felix removes kube-proxy's iptables rules: the two keep rewriting the same tables`,
        evidence,
        cause: 'calico-kube-proxy-fight',
        remediation: {
          summary:
            "disable kube-proxy on Calico eBPF nodes, or set bpfKubeProxyIptablesCleanupEnabled to false (Calico's troubleshoot-ebpf docs)",
          commands: [
            'kubectl patch felixconfiguration default --type=merge -p \'{"spec":{"bpfKubeProxyIptablesCleanupEnabled":false}}\'',
            `kubectl -n ${kp.daemonSet?.namespace ?? 'kube-system'} patch ds ${kp.daemonSet?.name ?? 'kube-proxy'} -p '{"spec":{"template":{"spec":{"nodeSelector":{"non-calico":"true"}}}}}'`,
          ],
          autoFixable: false,
        },
      }),
    ];
  },
};
