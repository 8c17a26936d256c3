// Detects nodes whose kernel is older than this Cilium version or its enabled features need (source: Node.status.nodeInfo.kernelVersion vs Cilium's system requirements).
//
// Minimums (docs.cilium.io operations/system_requirements and the PRs that changed it):
//   <= 1.12: 4.9.17 (cilium/cilium#10537) · 1.13–1.15: 4.19.57 or equivalent (#23124, #23951)
//   1.16–1.17: 5.4 or RHEL 8.6's 4.18 (#30456, #36386) · 1.18+: 5.10 (#42081)
//   kube-proxy replacement / socket LB (host-reachable services): 4.19.57, 5.1.16 or 5.2 (#10537)
//   Recommended: 5.4 (PLAYBOOK; the seed's "4.9+ (5.4+ recommended)").
import { readCiliumConfig } from '../cilium/config.js';
import { finding, inScope } from './util.js';
import type { Facts, NodeFact } from '../engine/facts.js';
import type { Check, Finding } from '../engine/types.js';

const ID = 'kernel-version';

export interface KernelVersion {
  major: number;
  minor: number;
  patch: number;
  /** false when a distro ABI name hides the upstream patch level (`4.19.0-27-amd64`, `5.4.0-42-generic`). */
  patchKnown: boolean;
  /** RHEL-family build (`4.18.0-372.9.1.el8_6.x86_64` -> el 8, build 372). */
  rhel?: { el: number; build: number };
  raw: string;
}

export function parseKernelVersion(raw: string): KernelVersion | undefined {
  const m = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?([-+~_].*)?$/.exec(raw);
  if (!m) return undefined;
  const patch = Number(m[3] ?? 0);
  const rest = m[4] ?? '';
  const kv: KernelVersion = {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch,
    patchKnown: !(patch === 0 && /^-\d/.test(rest)),
    raw: raw.trim(),
  };
  const el = /^-(\d+)[^]*\.el(\d+)/.exec(rest);
  if (el) kv.rhel = { el: Number(el[2]), build: Number(el[1]) };
  return kv;
}

type Triple = [number, number, number];
export type KernelCompare = 'ok' | 'below' | 'maybe';

/** Compare against alternatives (any satisfied = ok), e.g. [[4,19,57],[5,1,16],[5,2,0]]. */
export function compareKernel(kv: KernelVersion, alts: Triple[]): KernelCompare {
  const sorted = [...alts].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const last = sorted[sorted.length - 1]!;
  const mm = (a: number, b: number) => a * 1000 + b;
  const v = mm(kv.major, kv.minor);
  if (v > mm(last[0], last[1]) || (v === mm(last[0], last[1]) && last[2] === 0)) return 'ok';
  for (const a of sorted) {
    if (v !== mm(a[0], a[1])) continue;
    if (kv.patch >= a[2]) return 'ok';
    return kv.patchKnown ? 'below' : 'maybe';
  }
  // Below the highest line and on none of the listed ones (e.g. 5.0 for [4.19.57, 5.1.16, 5.2]).
  return 'below';
}

const fmt = (alts: Triple[]): string => alts.map((a) => a.join('.')).join(', ');

/** Base minimum for a Cilium minor (undefined minor: the absolute 4.9 floor). */
export function baseMinimum(minor: number | undefined): { alts: Triple[]; source: string } {
  if (minor === undefined) return { alts: [[4, 9, 0]], source: 'eBPF datapath floor (Linux 4.9)' };
  if (minor <= 12) return { alts: [[4, 9, 17]], source: 'Cilium <= 1.12 system requirements (cilium/cilium#10537)' };
  if (minor <= 15) return { alts: [[4, 19, 57]], source: 'Cilium 1.13–1.15 system requirements (cilium/cilium#23124)' };
  if (minor <= 17)
    return { alts: [[5, 4, 0]], source: 'Cilium 1.16+ system requirements (cilium/cilium#30456, #36386)' };
  return { alts: [[5, 10, 0]], source: 'Cilium 1.18+ system requirements (cilium/cilium#42081)' };
}

export const KPR_MIN: Triple[] = [
  [4, 19, 57],
  [5, 1, 16],
  [5, 2, 0],
];
export const RECOMMENDED: Triple[] = [[5, 4, 0]];

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
