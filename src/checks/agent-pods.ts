// Detects nodes without a Ready Cilium agent (missing, not Ready, CrashLoopBackOff, restarting); source: Pods of the agent DaemonSet and Nodes.
import { ciliumNamespace, finding, inScope, restartRemediation } from './util.js';
import type { AgentPodFact, Facts } from '../model/facts.js';
import type { Check, Evidence, Finding } from '../model/check.js';
import { naturalCompare } from '../util/natural-sort.js';

const ID = 'agent-pods';
/** Restarts at or above this on a Ready agent are worth a warning (one after a node reboot is normal). */
export const RESTART_WARN = 3;

function podLine(p: AgentPodFact): string {
  const a = p.agent;
  const parts = [
    `${p.namespace}/${p.name}`,
    `node=${p.node}`,
    `phase=${p.phase}`,
    `ready=${p.ready}`,
    `restarts=${a.restartCount}`,
  ];
  if (a.waitingReason) parts.push(`waiting=${a.waitingReason}`);
  if (a.lastTermination) parts.push(`lastTermination=${a.lastTermination}`);
  if (p.deleting) parts.push('deleting=true');
  return parts.join(' ');
}

export const agentPods: Check = {
  id: ID,
  title: 'A Ready Cilium agent runs on every schedulable node',
  reasons: ['ready', 'missing', 'not-expected', 'crash-loop', 'not-ready', 'restarts'],
  needs: ['nodes', 'agents'],
  rbac: ['list nodes', 'list pods in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    if (!facts.nodes.ok || !facts.agents.ok) return [];
    const agents = facts.agents.value;
    const ns = ciliumNamespace(facts);
    const out: Finding[] = [];
    for (const node of [...facts.nodes.value].sort((a, b) => naturalCompare(a.name, b.name))) {
      if (!inScope(facts, node.name)) continue;
      const pod = agents.get(node.name);
      if (!pod) {
        if (!node.schedulable || !node.ready || node.taints.length) {
          out.push(
            finding(ID, 'not-expected', {
              status: 'info',
              node: node.name,
              message: `no agent expected: node ${[!node.ready && 'NotReady', !node.schedulable && 'cordoned', node.taints.length && `taints ${node.taints.join(',')}`].filter(Boolean).join(', ')}`,
              evidence: [
                {
                  source: 'Node',
                  node: node.name,
                  excerpt: `ready=${node.ready} schedulable=${node.schedulable} taints=${node.taints.join(',') || '-'}`,
                },
              ],
            }),
          );
          continue;
        }
        out.push(
          finding(ID, 'missing', {
            status: 'fail',
            node: node.name,
            message: `no Cilium agent pod on schedulable Ready node ${node.name}`,
            evidence: [
              {
                source: 'Node',
                node: node.name,
                excerpt: `ready=${node.ready} schedulable=${node.schedulable} taints=-`,
              },
              {
                source: `kubectl -n ${ns} get pods -o wide`,
                node: node.name,
                excerpt: `no agent pod scheduled on ${node.name}`,
              },
            ],
            cause: 'agent-not-ready',
            remediation: {
              summary: 'find out why the DaemonSet did not schedule a pod here (nodeSelector, affinity, tolerations)',
              commands: [
                facts.cilium.ok
                  ? `kubectl -n ${ns} describe daemonset ${facts.cilium.value.daemonSet}`
                  : `kubectl -n ${ns} get daemonsets`,
              ],
              autoFixable: false,
            },
          }),
        );
        continue;
      }
      out.push(judgePod(facts, pod));
    }
    // Agent pods on nodes the Node list does not have (deleted nodes) are ignored: nothing routes through them.
    return out;
  },
};

function judgePod(facts: Facts, pod: AgentPodFact): Finding {
  const ev: Evidence[] = [{ source: 'Pod status', node: pod.node, pod: pod.name, excerpt: podLine(pod) }];
  const logs = `kubectl -n ${pod.namespace} logs ${pod.name} -c cilium-agent --previous`;
  const a = pod.agent;
  if (a.waitingReason === 'CrashLoopBackOff') {
    const r = restartRemediation(facts, [pod.node], 'read the previous logs, then restart the agent');
    return finding(ID, 'crash-loop', {
      status: 'fail',
      node: pod.node,
      message: `agent ${pod.name} is in CrashLoopBackOff (restarts ${a.restartCount}${a.lastTermination ? `, last termination ${a.lastTermination}` : ''})`,
      evidence: ev,
      cause: 'agent-not-ready',
      remediation: r ? { ...r, commands: [logs, ...r.commands] } : undefined,
    });
  }
  if (!pod.ready || !a.ready) {
    return finding(ID, 'not-ready', {
      status: 'fail',
      node: pod.node,
      message: `agent ${pod.name} is not Ready (phase ${pod.phase}${a.waitingReason ? `, ${a.waitingReason}` : ''})`,
      evidence: ev,
      cause: 'agent-not-ready',
      remediation: restartRemediation(facts, [pod.node], 'restart the agent on this node'),
    });
  }
  if (a.restartCount >= RESTART_WARN) {
    return finding(ID, 'restarts', {
      status: 'warn',
      node: pod.node,
      message: `agent ${pod.name} is Ready but restarted ${a.restartCount} times${a.lastTermination ? ` (last: ${a.lastTermination})` : ''}`,
      evidence: ev,
      remediation: { summary: 'read why it restarted', commands: [logs], autoFixable: false },
    });
  }
  return finding(ID, 'ready', { status: 'pass', node: pod.node, message: `agent ${pod.name} is Ready`, evidence: ev });
}
