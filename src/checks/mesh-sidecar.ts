// Detects a `--from` client with a service-mesh sidecar (istio-proxy, linkerd-proxy) while socket LB runs in
// pod namespaces (bpf-lb-sock-hostns-only not true): cil_sock4_connect (bpf/bpf_sock.c) rewrites the
// ClusterIP to a backend at connect(), before the sidecar's iptables redirect, so the mesh never sees the
// Service (cilium/cilium#16583, #28304; Cilium's Istio docs require socketLB.hostNamespaceOnly=true).
// Source: the client Pod's containers and init containers (native sidecars), cilium-config.
import { readCiliumConfig } from '../cilium/config.js';
import { ciliumNamespace, configValue, finding } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'mesh-sidecar';
/** The proxy containers Istio's and Linkerd's injectors add. */
const SIDECARS = ['istio-proxy', 'linkerd-proxy'];

export const meshSidecar: Check = {
  id: ID,
  title: 'A client with a mesh sidecar keeps its ClusterIP for the sidecar (socket LB host namespace only)',
  reasons: ['no-sidecar', 'host-namespace-only', 'bypassed'],
  needs: ['config', 'client'],
  rbac: ['get pods in <client-ns>', 'get configmaps in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    const c = facts.client?.ok ? facts.client.value : undefined;
    if (!c || c.hostNetwork || !facts.config.ok) return [];
    const subject = `${c.namespace}/${c.name}`;
    const sidecars = (c.containers ?? []).filter((n) => SIDECARS.includes(n));
    if (!sidecars.length)
      return [
        finding(ID, 'no-sidecar', {
          status: 'pass',
          subject,
          node: c.node,
          message: 'no mesh sidecar in the client pod',
          evidence: [],
        }),
      ];
    const cfg = readCiliumConfig(facts.config.value);
    if (!cfg.socketLb || cfg.socketLbHostnsOnly)
      return [
        finding(ID, 'host-namespace-only', {
          status: 'pass',
          subject,
          node: c.node,
          message: cfg.socketLb
            ? `socket LB runs in the host namespace only: ${sidecars.join(', ')} sees the ClusterIP`
            : `socket LB is off: ${sidecars.join(', ')} sees the ClusterIP`,
          evidence: [],
        }),
      ];
    const ns = ciliumNamespace(facts);
    return [
      finding(ID, 'bypassed', {
        status: 'fail',
        subject,
        node: c.node,
        message: `${subject} has the mesh sidecar ${sidecars.join(', ')}, but socket LB runs in every pod's namespace (bpf-lb-sock-hostns-only=${configValue(facts, 'bpf-lb-sock-hostns-only') ?? 'unset'}): its connect() to a ClusterIP is rewritten to a backend pod IP before the sidecar sees it, so the mesh's routing, mTLS and policy for the Service are bypassed`,
        evidence: [
          {
            source: 'Pod',
            node: c.node,
            pod: c.name,
            excerpt: `${subject} containers: ${(c.containers ?? []).join(', ')}`,
          },
          {
            source: `kubectl -n ${ns} get cm cilium-config`,
            excerpt: ['kube-proxy-replacement', 'bpf-lb-sock', 'bpf-lb-sock-hostns-only']
              .map((k) => `${k}: ${configValue(facts, k) ?? '(unset)'}`)
              .join('\n'),
          },
        ],
        cause: 'sidecar-bypassed-by-socket-lb',
        remediation: {
          summary:
            'run socket LB in the host namespace only (helm socketLB.hostNamespaceOnly=true, cilium-config bpf-lb-sock-hostns-only=true) so pods keep their ClusterIP for the sidecar, then roll the agents',
          commands: [
            `helm upgrade cilium cilium/cilium -n ${ns} --reuse-values --set socketLB.hostNamespaceOnly=true`,
            `kubectl -n ${ns} rollout restart ds/cilium`,
          ],
          autoFixable: false,
        },
      }),
    ];
  },
};
