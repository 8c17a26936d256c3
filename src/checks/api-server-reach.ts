// Detects agents that cannot reach the Kubernetes API server (source: the agent log: "Unable to contact
// k8s api-server" with its ipAddr, pkg/k8s/client; cilium/cilium#28823, #20679, #35440, #8310). Without
// kube-proxy, an agent told to use the `kubernetes` Service's ClusterIP has nothing to translate it yet.
import { agentNodes, agentPodName, capped, ciliumNamespace, finding, perNode } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'api-server-reach';
const UNREACHABLE = /Unable to contact k8s api-server/;
// Go's crypto/x509 HostnameError ("certificate is valid for A, B, not C") and UnknownAuthorityError, as the
// agent logs them inside the error field (cilium/cilium#34153, #8310; rancher/rke2#8106).
const X509_NAME = /x509: certificate is valid for (.+?), not ([\w.:-]+)/;
const X509_CA = /x509: certificate signed by unknown authority/;
const REFUSED = /connect: connection refused/;

/** Why the dial failed, in words, and what to change: the address, the port, or the certificate. */
function diagnose(error: string, target: string): { why: string; change: string } {
  const name = X509_NAME.exec(error);
  if (name)
    return {
      why: `the API server's certificate is valid for ${name[1]}, not ${name[2]}`,
      change: `set k8sServiceHost to an address the certificate names (one of ${name[1]}; the ClusterIP only works while kube-proxy runs), or add ${name[2]} to the API server's certificate SANs`,
    };
  if (X509_CA.test(error))
    return {
      why: `the API server at ${target} presents a certificate the agent's CA bundle does not trust`,
      change: "point k8sServiceHost/k8sServicePort at the cluster's own API server (not a proxy or another cluster)",
    };
  if (REFUSED.test(error))
    return {
      why: `nothing listens at ${target}: the port is wrong`,
      change: 'set k8sServicePort to the port the API server listens on (kubeadm: 6443)',
    };
  return {
    why: `the dial to ${target} timed out`,
    change:
      "without kube-proxy set k8sServiceHost/k8sServicePort to the real API server, not the kubernetes Service's ClusterIP",
  };
}

/**
 * The API server's own address: the ready endpoint of the `default/kubernetes` Service, which the API server
 * itself keeps (its advertise address and secure port), when this run listed the Services.
 */
function apiEndpoint(facts: Facts): { host: string; port: number } | undefined {
  if (!facts.services.ok) return undefined;
  const svc = facts.services.value.find((s) => s.namespace === 'default' && s.name === 'kubernetes');
  const e = svc?.endpoints.find((x) => x.ready && x.protocol === 'TCP');
  return e ? { host: e.ip, port: e.port } : undefined;
}

export const apiServerReach: Check = {
  id: ID,
  title: 'Agents reach the Kubernetes API server',
  reasons: ['reached', 'unreachable'],
  needs: ['agentLogs'],
  rbac: ['get pods/log in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    const ns = ciliumNamespace(facts);
    const api = apiEndpoint(facts);
    return perNode(ID, 'agent logs', agentNodes(facts, facts.agentLogs), facts.agentLogs, (node, logs) => {
      const recs = logs.records.filter((r) => UNREACHABLE.test(r.msg) || UNREACHABLE.test(r.raw));
      if (!recs.length)
        return [
          finding(ID, 'reached', {
            status: 'pass',
            node,
            message: 'no failed API server contact in the agent log',
            evidence: [],
          }),
        ];
      const last = recs[recs.length - 1]!;
      const target = last.fields.ipAddr ?? last.fields.host ?? 'the API server';
      const { why, change } = diagnose(last.fields.error ?? last.raw, target);
      const pod = agentPodName(facts, node);
      const source = `kubectl -n ${ns} logs ${pod ?? '<agent>'} -c cilium-agent${logs.previous ? ' --previous' : ''}`;
      return [
        finding(ID, 'unreachable', {
          status: 'fail',
          node,
          message: `the agent cannot contact the API server at ${target} (${why}): it never programs Services; ${change}`,
          evidence: [
            {
              source,
              node,
              pod,
              excerpt: capped(
                recs.map((r) => r.raw),
                5,
              ),
            },
          ],
          cause: 'api-server-unreachable',
          remediation: {
            summary:
              'point the agents at the real API server endpoint (helm k8sServiceHost / k8sServicePort, e.g. the control-plane address and 6443), then roll the agents',
            commands: [
              "kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes -o jsonpath='{.items[*].endpoints[*].addresses[*]}'",
              // the address the API server publishes for itself; a placeholder when the Services were not listed
              `helm upgrade cilium cilium/cilium -n ${ns} --reuse-values --set k8sServiceHost=${api?.host ?? '<API server address>'} --set k8sServicePort=${api?.port ?? '<port>'}`,
              `kubectl -n ${ns} rollout restart ds/cilium`,
            ],
            autoFixable: false,
          },
        }),
      ];
    });
  },
};
