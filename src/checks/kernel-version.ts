// Detects nodes whose kernel is older than this Cilium version or its enabled features need (source: Node.status.nodeInfo.kernelVersion vs Cilium's system requirements).
//
// Minimums (docs.cilium.io operations/system_requirements and the PRs that changed it):
//   <= 1.12: 4.9.17 (cilium/cilium#10537) · 1.13–1.15: 4.19.57 or equivalent (#23124, #23951)
//   1.16–1.17: 5.4 or RHEL 8.6's 4.18 (#30456, #36386) · 1.18+: 5.10 (#42081)
//   kube-proxy replacement / socket LB (host-reachable services): 4.19.57, 5.1.16 or 5.2 (#10537)
//   Recommended: 5.4 (PLAYBOOK; the seed's "4.9+ (5.4+ recommended)").
import { readCiliumConfig } from '../cilium/config.js';
import {
  KPR_MIN,
  RECOMMENDED,
  baseMinimum,
  compareKernel,
  formatKernelAlts as fmt,
  type KernelCompare,
  parseKernelVersion,
} from '../cilium/kernel.js';
import { finding, inScope } from './util.js';
import type { Facts, NodeFact } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'kernel-version';

function judge(
  node: NodeFact,
  minor: number | undefined,
  kprSource: string | undefined,
  version: string | undefined,
): Finding {
  const ev = [
    {
      source: 'Node.status.nodeInfo.kernelVersion',
      node: node.name,
      excerpt: `kernelVersion=${node.kernelVersion}${node.osImage ? ` osImage=${node.osImage}` : ''}`,
    },
  ];
  const kv = parseKernelVersion(node.kernelVersion);
  if (!kv)
    return finding(ID, 'unparseable', {
      status: 'unknown',
      node: node.name,
      message: `cannot parse kernel version "${node.kernelVersion}"`,
      evidence: ev,
    });
  const remedy = (min: string) => ({
    summary: `upgrade the kernel on ${node.name} to >= ${min}; restarting the agent cannot fix this`,
    commands: [
      `kubectl drain ${node.name} --ignore-daemonsets --delete-emptydir-data`,
      `# upgrade the kernel on ${node.name}, reboot, then: kubectl uncordon ${node.name}`,
    ],
    autoFixable: false,
  });
  // RHEL 8's 4.18 is Cilium's documented equivalent of 4.19.57, and RHEL 8.6 (4.18.0-372+) of 5.4.
  const rhel8 = !!kv.rhel && kv.rhel.el >= 8 && kv.major === 4 && kv.minor === 18;
  const rhelEquiv = rhel8;
  const cv = version ? `Cilium ${version}` : 'Cilium';
  if (compareKernel(kv, [[4, 9, 0]]) === 'below') {
    return finding(ID, 'below-minimum', {
      status: 'fail',
      node: node.name,
      message: `kernel ${kv.raw} is older than 4.9: no eBPF datapath possible`,
      evidence: ev,
      cause: 'kernel-too-old',
      remediation: remedy('5.4'),
    });
  }
  const base = baseMinimum(minor);
  const need = base.alts[0]!;
  const b: KernelCompare = rhel8
    ? need[0] === 4 || (need[0] === 5 && need[1] <= 4 && kv.rhel!.build >= 372)
      ? 'ok'
      : 'maybe'
    : compareKernel(kv, base.alts);
  if (b === 'below') {
    return finding(ID, 'below-minimum', {
      status: 'fail',
      node: node.name,
      message: `kernel ${kv.raw} is older than ${cv} requires (>= ${fmt(base.alts)}; ${base.source})`,
      evidence: ev,
      cause: 'kernel-too-old',
      remediation: remedy(fmt(base.alts)),
    });
  }
  if (kprSource && !rhelEquiv) {
    const k = compareKernel(kv, KPR_MIN);
    if (k === 'below') {
      return finding(ID, 'feature-needs-newer', {
        status: 'fail',
        node: node.name,
        message: `kernel ${kv.raw} is too old for ${kprSource} (socket LB / kube-proxy replacement need >= ${fmt(KPR_MIN)}; cilium/cilium#10537)`,
        evidence: [...ev, { source: 'ConfigMap cilium-config', excerpt: kprSource }],
        cause: 'kernel-too-old',
        remediation: remedy(fmt(KPR_MIN)),
      });
    }
    if (k === 'maybe') {
      return finding(ID, 'patch-unknown', {
        status: 'warn',
        node: node.name,
        message: `kernel ${kv.raw} is a distro ABI name: the upstream patch level (needs >= ${fmt(KPR_MIN)} for ${kprSource}) cannot be read from it; check \`uname -v\``,
        evidence: ev,
      });
    }
  }
  if (b === 'maybe') {
    return finding(ID, 'patch-unknown', {
      status: 'warn',
      node: node.name,
      message: `kernel ${kv.raw} is a distro ABI name: cannot tell whether it meets >= ${fmt(base.alts)} (${base.source}); check \`uname -v\``,
      evidence: ev,
    });
  }
  if (!rhelEquiv && compareKernel(kv, RECOMMENDED) !== 'ok') {
    return finding(ID, 'below-recommended', {
      status: 'warn',
      node: node.name,
      message: `kernel ${kv.raw} works but is older than the recommended 5.4`,
      evidence: ev,
    });
  }
  return finding(ID, 'ok', {
    status: 'pass',
    node: node.name,
    message: `kernel ${kv.raw} meets ${cv}'s requirements`,
    evidence: ev,
  });
}

export const kernelVersion: Check = {
  id: ID,
  title: "Node kernels meet Cilium's minimum for its version and enabled features",
  reasons: ['ok', 'below-minimum', 'feature-needs-newer', 'patch-unknown', 'below-recommended', 'unparseable'],
  needs: ['nodes'],
  rbac: ['list nodes'],
  run(facts: Facts): Finding[] {
    if (!facts.nodes.ok) return [];
    const minor = facts.cilium.ok ? facts.cilium.value.minor : undefined;
    const version = facts.cilium.ok ? facts.cilium.value.version : undefined;
    let kprSource: string | undefined;
    if (facts.config.ok) {
      const v = readCiliumConfig(facts.config.value);
      if (v.kprEffect === 'full') kprSource = `kube-proxy-replacement=${facts.config.value['kube-proxy-replacement']}`;
      else if (v.socketLb) kprSource = `${v.socketLbSource}=true (socket LB)`;
    }
    return [...facts.nodes.value]
      .filter((n) => inScope(facts, n.name))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((n) => judge(n, minor, kprSource, version));
  },
};
