// Says where the `--from` client runs (pod netns, hostNetwork, or a backend of the Service it calls) and which node's agent serves it (source: client Pod spec/status, cilium-config, EndpointSlices).
import { configValue, finding } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Evidence, Finding } from '../model/check.js';

const ID = 'client-placement';
const CONFIG_KEYS = [
  'kube-proxy-replacement',
  'bpf-lb-sock',
  'bpf-lb-sock-hostns-only',
  'enable-socket-lb',
  'bpf-lb-sock-terminate-pod-connections',
];

export const clientPlacement: Check = {
  id: ID,
  title: 'Where the client runs, and what serves its ClusterIP traffic',
  reasons: ['pod-netns', 'host-network', 'hairpin'],
  needs: ['client'],
  rbac: ['get pods in <client-ns>'],
  run(facts: Facts): Finding[] {
    const g = facts.client;
    if (!g) return [];
    if (!g.ok) return [finding(ID, 'unknown', { status: 'unknown', message: `client pod not gathered: ${g.error}` })];
    const c = g.value;
    const subject = `${c.namespace}/${c.name}`;
    const cfg: Evidence[] = CONFIG_KEYS.filter((k) => configValue(facts, k) !== undefined).map((k) => ({
      source: 'ConfigMap cilium-config',
      excerpt: `${k}=${configValue(facts, k)}`,
    }));
    const podEv: Evidence = {
      source: 'Pod',
      node: c.node,
      pod: c.name,
      excerpt: `${subject} node=${c.node} ip=${c.ip ?? '-'} hostNetwork=${c.hostNetwork}`,
    };
    const out: Finding[] = [];
    if (c.hostNetwork) {
      const hostnsOnly = configValue(facts, 'bpf-lb-sock-hostns-only');
      out.push(
        finding(ID, 'host-network', {
          status: 'info',
          subject,
          node: c.node,
          message:
            `client uses the host network namespace of ${c.node}: its ClusterIP connections are translated by socket LB in the host namespace` +
            (hostnsOnly === 'true' ? ' (bpf-lb-sock-hostns-only=true: socket LB runs only there)' : '') +
            ', or by kube-proxy rules when socket LB is off',
          evidence: [podEv, ...cfg],
        }),
      );
    } else {
      out.push(
        finding(ID, 'pod-netns', {
          status: 'info',
          subject,
          node: c.node,
          message: `client runs in its own pod network namespace on ${c.node}: the agent on ${c.node} translates its ClusterIP traffic`,
          evidence: [podEv, ...cfg],
        }),
      );
    }
    const t = facts.target;
    if (t && facts.services.ok && c.ip) {
      const svc = facts.services.value.find((s) => s.namespace === t.namespace && s.name === t.name);
      const self = svc?.endpoints.filter(
        (e) => e.ip === c.ip || (e.targetPod === c.name && svc.namespace === c.namespace),
      );
      if (svc && self && self.length) {
        out.push(
          finding(ID, 'hairpin', {
            status: 'info',
            subject,
            node: c.node,
            message: `client is itself a backend of ${t.namespace}/${t.name}: connections may be load-balanced back to the client (hairpin)`,
            evidence: [
              podEv,
              {
                source: 'EndpointSlices',
                excerpt: self
                  .map((e) => `${t.namespace}/${t.name} endpoint ${e.ip}:${e.port}/${e.protocol} ready=${e.ready}`)
                  .join('\n'),
              },
            ],
          }),
        );
      }
    }
    return out;
  },
};
