// Detects agents that cannot reach the Kubernetes API server (source: the agent log: "Unable to contact
// k8s api-server" with its ipAddr, pkg/k8s/client; cilium/cilium#28823, #20679, #35440, #8310). Without
// kube-proxy, an agent told to use the `kubernetes` Service's ClusterIP has nothing to translate it yet.
import { agentNodes, agentPodName, capped, ciliumNamespace, finding, perNode } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'api-server-reach';
const UNREACHABLE = /Unable to contact k8s api-server/;

export const apiServerReach: Check = {
  id: ID,
  title: 'Agents reach the Kubernetes API server',
  reasons: ['reached', 'unreachable'],
  needs: ['agentLogs'],
  rbac: ['get pods/log in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    const ns = ciliumNamespace(facts);
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
      const target = recs[recs.length - 1]!.fields.ipAddr ?? recs[recs.length - 1]!.fields.host ?? 'the API server';
      const pod = agentPodName(facts, node);
      const source = `kubectl -n ${ns} logs ${pod ?? '<agent>'} -c cilium-agent${logs.previous ? ' --previous' : ''}`;
      return [
        finding(ID, 'unreachable', {
          status: 'fail',
          node,
          message: `the agent cannot contact the API server at ${target}: it never programs Services; without kube-proxy set k8sServiceHost/k8sServicePort to the real API server, not the kubernetes Service's ClusterIP`,
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
              `helm upgrade cilium cilium/cilium -n ${ns} --reuse-values --set k8sServiceHost=<API server address> --set k8sServicePort=<port>`,
              `kubectl -n ${ns} rollout restart ds/cilium`,
            ],
            autoFixable: false,
          },
        }),
      ];
    });
  },
};
