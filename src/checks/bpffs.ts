// Detects nodes without a BPF filesystem at /sys/fs/bpf (source: /proc/mounts read inside the agent pod).
import { agentNodes, finding, perNode } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'bpffs';

export const bpffs: Check = {
  id: ID,
  title: 'BPF filesystem is mounted on every node',
  reasons: ['mounted', 'not-mounted'],
  needs: ['bpffs'],
  rbac: ['create pods/exec in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    return perNode(ID, 'bpffs mount', agentNodes(facts, facts.bpffs), facts.bpffs, (node, v) => {
      const evidence = [
        { source: 'cat /proc/mounts (agent pod)', node, excerpt: v.evidence || '(no bpf mount at /sys/fs/bpf)' },
      ];
      if (v.mounted)
        return [finding(ID, 'mounted', { status: 'pass', node, message: 'bpffs mounted at /sys/fs/bpf', evidence })];
      return [
        finding(ID, 'not-mounted', {
          status: 'fail',
          node,
          message:
            "no bpffs at /sys/fs/bpf: pinned maps do not survive an agent restart, so restarting would cut this node's Service traffic",
          evidence,
          cause: 'bpffs-not-mounted',
          remediation: {
            summary: 'mount bpffs on the host (and persist it), then restart the agent',
            commands: ['sudo mount bpffs /sys/fs/bpf -t bpf'],
            autoFixable: false,
          },
        }),
      ];
    });
  },
};
