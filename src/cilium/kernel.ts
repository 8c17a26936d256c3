// Cilium's kernel minimums, shared by the cluster check (src/checks/kernel-version.ts) and the node check
// (src/node/checks/node-kernel-version.ts): one rule, two sources of the kernel release.
//
// Minimums (docs.cilium.io operations/system_requirements and the PRs that changed it):
//   <= 1.12: 4.9.17 (cilium/cilium#10537) · 1.13–1.15: 4.19.57 or equivalent (#23124, #23951)
//   1.16–1.17: 5.4 or RHEL 8.6's 4.18 (#30456, #36386) · 1.18+: 5.10 (#42081)
//   kube-proxy replacement / socket LB (host-reachable services): 4.19.57, 5.1.16 or 5.2 (#10537)
//   Recommended: 5.4 (PLAYBOOK; the seed's "4.9+ (5.4+ recommended)").
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

export type Triple = [number, number, number];
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

/** `4.19.57, 5.1.16, 5.2.0`: alternatives as the messages print them. */
export const formatKernelAlts = (alts: Triple[]): string => alts.map((a) => a.join('.')).join(', ');

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
