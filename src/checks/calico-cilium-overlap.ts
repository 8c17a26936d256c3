// Detects Calico and Cilium both taking over Service handling: Cilium's kube-proxy replacement on while
// Calico's eBPF dataplane (which also replaces kube-proxy) is on, and both installed without Cilium chained
// behind Calico. Source: cilium-config (`kube-proxy-replacement`, `cni-chaining-mode`), the calico-node
// DaemonSet env FELIX_BPFENABLED, FelixConfiguration `bpfEnabled`, the operator's `linuxDataplane`.
// Silent on clusters without both.
import { CONFIG_KEYS, readCiliumConfig } from '../cilium/config.js';
import { finding } from './util.js';
import { calicoBpfEnabled } from '../model/calico.js';
import type { Check, Evidence, Finding } from '../model/check.js';
import type { Facts } from '../model/facts.js';

const ID = 'calico-cilium-overlap';
const CHAINING_KEY = 'cni-chaining-mode';

export const calicoCiliumOverlap: Check = {
  id: ID,
  title: 'Calico and Cilium together: one of them owns Services, Cilium chained behind Calico',
  reasons: ['one-owner', 'both-replace-kube-proxy', 'not-chained'],
  // cilium and config are read when present (doctor gathers them on every run); missing, the check is silent.
  needs: ['datapathSignals'],
  rbac: ['list daemonsets (cluster-wide)', 'get configmaps in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    const sig = facts.datapathSignals?.ok ? facts.datapathSignals.value : undefined;
    const calico = sig?.calico;
    if (!calico || !facts.cilium.ok || !facts.config.ok) return [];
    const cfg = facts.config.value;
    const kpr = readCiliumConfig(cfg).kprEffect === 'full';
    const calicoBpf = calicoBpfEnabled(sig);
    const chaining = cfg[CHAINING_KEY];
    const evidence: Evidence[] = [
      {
        source: 'ConfigMap cilium-config',
        excerpt: `${CONFIG_KEYS.kubeProxyReplacement}=${cfg[CONFIG_KEYS.kubeProxyReplacement] ?? '(unset)'} ${CHAINING_KEY}=${chaining ?? '(unset)'}`,
      },
      {
        source: 'calico-node DaemonSet',
        excerpt: `${calico.namespace}/${calico.name} ${calico.image} FELIX_BPFENABLED=${calico.felixBpfEnabled ?? '(unset)'}`,
      },
      ...(sig.felixBpfEnabled !== undefined
        ? [{ source: 'FelixConfiguration default', excerpt: `bpfEnabled: ${sig.felixBpfEnabled}` }]
        : []),
      ...(sig.linuxDataplane
        ? [{ source: 'Installation default', excerpt: `linuxDataplane: ${sig.linuxDataplane}` }]
        : []),
    ];
    const out: Finding[] = [];
    if (kpr && calicoBpf)
      out.push(
        finding(ID, 'both-replace-kube-proxy', {
          status: 'fail',
          message:
            "Cilium's kube-proxy replacement and Calico's eBPF dataplane both translate ClusterIPs on every node: two eBPF load balancers race on the same traffic, and which one answers depends on attach order",
          evidence,
          cause: 'calico-cilium-service-conflict',
          remediation: {
            summary:
              'keep one Service datapath: with Cilium chained behind Calico, turn Calico eBPF off (bpfEnabled: false, kube-proxy or Cilium serves Services), or turn Cilium kube-proxy replacement off',
            commands: [
              `kubectl patch felixconfiguration default --type merge -p '{"spec":{"bpfEnabled":false}}'`,
              `kubectl -n ${facts.cilium.value.namespace} get configmap cilium-config -o jsonpath='{.data.kube-proxy-replacement}'`,
            ],
            autoFixable: false,
          },
        }),
      );
    if (!chaining || chaining === 'none')
      out.push(
        finding(ID, 'not-chained', {
          status: 'warn',
          message: `calico-node and Cilium both run, but ${CHAINING_KEY} is ${chaining ?? 'unset'}: both act as the primary CNI, so pod networking and policy enforcement depend on which CNI config the kubelet reads first`,
          evidence,
        }),
      );
    if (!out.length)
      out.push(
        finding(ID, 'one-owner', {
          status: 'pass',
          message: `Cilium chained (${CHAINING_KEY}=${chaining}); ${kpr ? 'Cilium kube-proxy replacement' : calicoBpf ? 'Calico eBPF' : 'kube-proxy'} alone serves Services`,
          evidence,
        }),
      );
    return out;
  },
};
