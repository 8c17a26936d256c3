// Detects clients with a service-mesh sidecar (istio-proxy, linkerd-proxy) while socket LB runs in pod
// namespaces (bpf-lb-sock-hostns-only not true): cil_sock4_connect (bpf/bpf_sock.c) rewrites the ClusterIP
// to a backend at connect(), before the sidecar's iptables redirect, so the mesh never sees the Service
// (cilium/cilium#16583, #28304; Cilium's Istio docs require socketLB.hostNamespaceOnly=true).
// Source: the `--from` client Pod's containers and init containers (native sidecars), or on a cluster-wide
// run (preflight) every pod-network pod with a sidecar (one pods list); cilium-config.
import { readCiliumConfig } from '../cilium/config.js';
import { ciliumNamespace, configValue, finding } from './util.js';
import { MESH_SIDECAR_CONTAINERS, type Facts } from '../model/facts.js';
import type { Check, Evidence, Finding, Remediation } from '../model/check.js';

const ID = 'mesh-sidecar';
/** Pods named in the cluster-wide message; the evidence lists what the fact kept. */
const NAMED = 3;

export const meshSidecar: Check = {
  id: ID,
  title: 'Clients with a mesh sidecar keep their ClusterIP for the sidecar (socket LB host namespace only)',
  reasons: ['no-sidecar', 'host-namespace-only', 'bypassed'],
  // The `--from` client when there is one (gathered whenever --from is given), else `meshPods`.
  needs: ['config', 'meshPods'],
  rbac: ['get pods in <client-ns>', 'list pods (cluster-wide)', 'get configmaps in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    if (!facts.config.ok) return [];
    if (!facts.client && facts.meshPods?.ok) return clusterWide(facts);
    const c = facts.client?.ok ? facts.client.value : undefined;
    if (!c || c.hostNetwork) return [];
    const subject = `${c.namespace}/${c.name}`;
    const sidecars = (c.containers ?? []).filter((n) => MESH_SIDECAR_CONTAINERS.includes(n));
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
          cfgEvidence(facts),
        ],
        cause: 'sidecar-bypassed-by-socket-lb',
        remediation: hostnsOnlyRemediation(ns),
      }),
    ];
  },
};

/** The one fix for both findings: socket LB in the host namespace only, then roll the agents in `ns`. */
const hostnsOnlyRemediation = (ns: string): Remediation => ({
  summary:
    'run socket LB in the host namespace only (helm socketLB.hostNamespaceOnly=true, cilium-config bpf-lb-sock-hostns-only=true) so pods keep their ClusterIP for the sidecar, then roll the agents',
  commands: [
    `helm upgrade cilium cilium/cilium -n ${ns} --reuse-values --set socketLB.hostNamespaceOnly=true`,
    `kubectl -n ${ns} rollout restart ds/cilium`,
  ],
  autoFixable: false,
});

const cfgEvidence = (facts: Facts): Evidence => ({
  source: `kubectl -n ${ciliumNamespace(facts)} get cm cilium-config`,
  excerpt: ['kube-proxy-replacement', 'bpf-lb-sock', 'bpf-lb-sock-hostns-only']
    .map((k) => `${k}: ${configValue(facts, k) ?? '(unset)'}`)
    .join('\n'),
});

/** No `--from` client: every pod-network pod with a sidecar is a client the socket LB setting applies to. */
function clusterWide(facts: Facts): Finding[] {
  const m = facts.meshPods!.ok ? facts.meshPods!.value : undefined;
  if (!m) return [];
  if (!m.total)
    return [
      finding(ID, 'no-sidecar', {
        status: 'pass',
        message: `no pod with a mesh sidecar (${MESH_SIDECAR_CONTAINERS.join(', ')}) among ${m.listed} pods`,
        evidence: [],
      }),
    ];
  const cfg = readCiliumConfig(facts.config.ok ? facts.config.value : {});
  const meshes = [...new Set(m.pods.flatMap((p) => p.sidecars))].join(', ');
  if (!cfg.socketLb || cfg.socketLbHostnsOnly)
    return [
      finding(ID, 'host-namespace-only', {
        status: 'pass',
        message: `${m.total} pod(s) run ${meshes}; socket LB ${cfg.socketLb ? 'runs in the host namespace only' : 'is off'}, so their sidecars see the ClusterIP`,
        evidence: [],
      }),
    ];
  const ns = ciliumNamespace(facts);
  const named = m.pods.slice(0, NAMED).map((p) => `${p.namespace}/${p.name}`);
  const more = m.total > named.length ? ` and ${m.total - named.length} more` : '';
  return [
    finding(ID, 'bypassed', {
      status: 'fail',
      message: `${m.total} pod(s) run a mesh sidecar (${meshes}: ${named.join(', ')}${more}), but socket LB runs in every pod's namespace (bpf-lb-sock-hostns-only=${configValue(facts, 'bpf-lb-sock-hostns-only') ?? 'unset'}): their connect() to a ClusterIP is rewritten to a backend pod IP before the sidecar sees it, so the mesh's routing, mTLS and policy for Services are bypassed`,
      evidence: [
        {
          source: 'kubectl get pods -A',
          excerpt: m.pods
            .map((p) => `${p.namespace}/${p.name} node=${p.node} sidecars: ${p.sidecars.join(', ')}`)
            .join('\n'),
        },
        cfgEvidence(facts),
      ],
      cause: 'sidecar-bypassed-by-socket-lb',
      remediation: hostnsOnlyRemediation(ns),
    }),
  ];
}
