// Detects a cilium-agent container without the Linux capabilities its version needs, and agents logging EPERM (source: agent DaemonSet securityContext vs the Cilium helm chart's securityContext.capabilities.ciliumAgent; agent logs).
//
// The chart (install/kubernetes/cilium/values.yaml, securityContext.capabilities.ciliumAgent) grants
// CHOWN, KILL, NET_ADMIN, NET_RAW, IPC_LOCK, SYS_ADMIN, SYS_RESOURCE, DAC_OVERRIDE, FOWNER, SETGID, SETUID
// (SYS_MODULE up to the iptables-era charts); "PERFMON and BPF require kernel 5.8 … If available,
// SYS_ADMIN can be removed". BPF work needs CAP_SYS_ADMIN or CAP_BPF+CAP_PERFMON; routing/tc needs NET_ADMIN.
import { RECOMMENDED_CAPS, missingCapabilities, normCap } from '../cilium/capabilities.js';
import { agentNodes, capped, finding } from './util.js';
import type { Facts } from '../model/facts.js';
import type { Check, Evidence, Finding } from '../model/check.js';

const ID = 'capabilities';
const EPERM = /operation not permitted|EPERM/i;

function epermEvidence(facts: Facts): Map<string, Evidence> {
  const out = new Map<string, Evidence>();
  for (const node of agentNodes(facts, facts.agentLogs)) {
    const g = facts.agentLogs.get(node);
    if (!g?.ok) continue;
    const lines = g.value.records.filter((r) => EPERM.test(r.raw)).map((r) => r.raw);
    if (lines.length) {
      const pod = facts.agents.ok ? facts.agents.value.get(node)?.name : undefined;
      out.set(node, {
        source: `kubectl logs${g.value.previous ? ' --previous' : ''}`,
        node,
        pod,
        excerpt: capped(lines, 5),
      });
    }
  }
  return out;
}

export const capabilities: Check = {
  id: ID,
  title: 'The cilium-agent container has the capabilities it needs',
  reasons: ['privileged', 'granted', 'missing', 'recommended-missing', 'eperm-in-logs'],
  needs: ['cilium'],
  rbac: ['list daemonsets (cluster-wide)', 'get pods/log in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    if (!facts.cilium.ok) return [];
    const c = facts.cilium.value;
    const subject = `${c.namespace}/${c.daemonSet}`;
    const dsEv: Evidence = {
      source: `DaemonSet ${subject} container cilium-agent securityContext`,
      excerpt: `privileged=${c.privileged ?? '(unset)'} capabilities.add=[${(c.capabilities ?? []).join(',')}]`,
    };
    const eperm = epermEvidence(facts);
    const patch = `kubectl -n ${c.namespace} edit daemonset ${c.daemonSet}`;
    const out: Finding[] = [];
    if (c.privileged === true) {
      out.push(
        finding(ID, 'privileged', {
          status: 'pass',
          subject,
          message: 'cilium-agent runs privileged (all capabilities)',
          evidence: [dsEv],
        }),
      );
    } else {
      const caps = c.capabilities ?? [];
      const missing = missingCapabilities(caps);
      if (missing.length) {
        out.push(
          finding(ID, 'missing', {
            status: 'fail',
            subject,
            message: `cilium-agent lacks ${missing.join(', ')}: it cannot load eBPF programs or program routes`,
            evidence: [dsEv, ...eperm.values()],
            cause: 'missing-capabilities',
            remediation: {
              summary: `add ${missing.join(', ')} to securityContext.capabilities.add of cilium-agent (helm: securityContext.capabilities.ciliumAgent), or privileged: true`,
              commands: [patch],
              autoFixable: false,
            },
          }),
        );
        return out;
      }
      const have = new Set(caps.map(normCap));
      const rec = RECOMMENDED_CAPS.filter((r) => !have.has(r));
      out.push(
        rec.length
          ? finding(ID, 'recommended-missing', {
              status: 'warn',
              subject,
              message: `cilium-agent lacks ${rec.join(', ')} which the official chart grants (raw sockets, mmap of the perf ring, memlock/rlimits)`,
              evidence: [dsEv],
            })
          : finding(ID, 'granted', {
              status: 'pass',
              subject,
              message: 'cilium-agent has the capabilities the chart grants',
              evidence: [dsEv],
            }),
      );
    }
    // Granted on paper, refused in practice: seccomp/LSM/PodSecurity or a runtime that drops capabilities.
    for (const [node, ev] of eperm) {
      out.push(
        finding(ID, 'eperm-in-logs', {
          status: 'fail',
          node,
          message: `agent on ${node} logs "operation not permitted" although the DaemonSet grants the capabilities: check seccomp/AppArmor/SELinux and PodSecurity admission`,
          evidence: [ev, dsEv],
          cause: 'missing-capabilities',
        }),
      );
    }
    return out;
  },
};
