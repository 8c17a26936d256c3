// The running kernel, judged on the node itself: its release (os.release) against Cilium's minimums and
// its build config (/proc/config.gz or /boot/config-$(uname -r)) against the options Cilium's datapath needs.
// Version rules are the cluster check's (src/checks/kernel-version.ts); only the source differs.
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import {
  KPR_MIN,
  RECOMMENDED,
  baseMinimum,
  compareKernel,
  formatKernelAlts as fmt,
  parseKernelVersion,
} from '../cilium/kernel.js';
import { finding } from '../model/finding.js';
import { oneLine } from '../errors.js';
import type { Finding } from '../model/check.js';

export const KERNEL_VERSION_ID = 'node-kernel-version';
export const KERNEL_CONFIG_ID = 'node-kernel-config';

export interface KernelVersionOptions {
  /** Cilium minor (16 for 1.16); undefined: the 4.9 floor. */
  minor?: number;
  /** Socket LB / kube-proxy replacement is enabled (needs 4.19.57, 5.1.16 or 5.2). */
  kpr?: boolean;
  /** Override of os.release(), for a kernel other than this one. */
  release?: string;
}

export function judgeKernelVersion(node: string, opts: KernelVersionOptions = {}): Finding {
  const raw = opts.release ?? release();
  const evidence = [{ source: 'uname -r (os.release)', node, excerpt: raw }];
  const kv = parseKernelVersion(raw);
  const f = (reason: string, status: Finding['status'], message: string) =>
    finding(KERNEL_VERSION_ID, reason, { status, node, message, evidence });
  if (!kv) return f('unparseable', 'unknown', `cannot parse kernel release "${raw}"`);
  if (compareKernel(kv, [[4, 9, 0]]) === 'below')
    return f('below-minimum', 'fail', `kernel ${raw} is older than 4.9: no eBPF datapath possible`);
  const base = baseMinimum(opts.minor);
  const b = compareKernel(kv, base.alts);
  if (b === 'below')
    return f('below-minimum', 'fail', `kernel ${raw} is older than required (>= ${fmt(base.alts)}; ${base.source})`);
  if (opts.kpr) {
    const k = compareKernel(kv, KPR_MIN);
    if (k === 'below')
      return f(
        'feature-needs-newer',
        'fail',
        `kernel ${raw} is too old for kube-proxy replacement / socket LB (needs >= ${fmt(KPR_MIN)}; cilium/cilium#10537)`,
      );
    if (k === 'maybe')
      return f(
        'patch-unknown',
        'warn',
        `kernel ${raw} is a distro ABI name: cannot tell whether it meets >= ${fmt(KPR_MIN)} for kube-proxy replacement; check \`uname -v\``,
      );
  }
  if (b === 'maybe')
    return f(
      'patch-unknown',
      'warn',
      `kernel ${raw} is a distro ABI name: cannot tell whether it meets >= ${fmt(base.alts)}; check \`uname -v\``,
    );
  if (compareKernel(kv, RECOMMENDED) !== 'ok')
    return f('below-recommended', 'warn', `kernel ${raw} works but is older than the recommended 5.4`);
  return f(
    'ok',
    'pass',
    `kernel ${raw} meets the minimum (>= ${fmt(base.alts)}${opts.kpr ? `; >= ${fmt(KPR_MIN)} for kube-proxy replacement` : ''})`,
  );
}

/**
 * Options from Cilium's "Base Requirements" (docs.cilium.io operations/system_requirements, added in
 * cilium/cilium#18546): =y or =m. The first group stops the datapath from loading at all, so a missing one
 * fails; the second is listed there too but does not stop tc/socket-LB programs from loading, so it warns.
 */
export const REQUIRED_OPTIONS = [
  'CONFIG_BPF',
  'CONFIG_BPF_SYSCALL',
  'CONFIG_BPF_JIT',
  'CONFIG_NET_CLS_BPF',
  'CONFIG_NET_CLS_ACT',
  'CONFIG_NET_SCH_INGRESS',
  'CONFIG_CGROUPS',
  'CONFIG_CGROUP_BPF',
] as const;
export const RECOMMENDED_OPTIONS = [
  'CONFIG_PERF_EVENTS',
  'CONFIG_CRYPTO_SHA1',
  'CONFIG_CRYPTO_USER_API_HASH',
  'CONFIG_SCHEDSTATS',
  // BTF lets the agent and bpftool read type information (CO-RE, full program names).
  'CONFIG_DEBUG_INFO_BTF',
  // Hardening: no interpreter fallback (Spectre v2); not needed for function.
  'CONFIG_BPF_JIT_ALWAYS_ON',
] as const;

/** `CONFIG_X=y|m|"str"|n`; `# CONFIG_X is not set` is recorded as `n`. */
export function parseKernelConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (set) out.set(set[1]!, set[2]!.trim());
    const unset = /^# (CONFIG_[A-Za-z0-9_]+) is not set/.exec(line);
    if (unset) out.set(unset[1]!, 'n');
  }
  return out;
}

export interface KernelConfigSource {
  path: string;
  text: string;
}

/** The first readable of: `explicit`, /proc/config.gz (gunzip), /boot/config-$(uname -r). */
export async function readKernelConfig(
  explicit?: string,
  rel = release(),
): Promise<KernelConfigSource | { error: string }> {
  const candidates = explicit ? [explicit] : ['/proc/config.gz', `/boot/config-${rel}`];
  const errors: string[] = [];
  for (const path of candidates) {
    try {
      const buf = await readFile(path);
      const text = path.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
      return { path, text };
    } catch (e) {
      errors.push(`${path}: ${(e as NodeJS.ErrnoException).code ?? oneLine(e)}`);
    }
  }
  return { error: `no kernel config readable (${errors.join('; ')})` };
}

export function judgeKernelConfig(node: string, src: KernelConfigSource | { error: string }): Finding[] {
  if ('error' in src) {
    return [
      finding(KERNEL_CONFIG_ID, 'unknown', {
        status: 'unknown',
        node,
        message: `${src.error}; enable CONFIG_IKCONFIG_PROC, mount the host's /boot, or pass --kernel-config PATH`,
      }),
    ];
  }
  const cfg = parseKernelConfig(src.text);
  const state = (o: string): string => cfg.get(o) ?? 'absent';
  const on = (o: string): boolean => state(o) === 'y' || state(o) === 'm';
  const all = [...REQUIRED_OPTIONS, ...RECOMMENDED_OPTIONS];
  const evidence = [{ source: src.path, node, excerpt: all.map((o) => `${o}=${state(o)}`).join('\n') }];
  const missingReq = REQUIRED_OPTIONS.filter((o) => !on(o));
  const missingRec = RECOMMENDED_OPTIONS.filter((o) => !on(o));
  const out: Finding[] = [];
  if (missingReq.length) {
    out.push(
      finding(KERNEL_CONFIG_ID, 'missing-required', {
        status: 'fail',
        node,
        message: `kernel built without ${missingReq.join(', ')}: Cilium's eBPF datapath cannot load`,
        evidence,
      }),
    );
  }
  if (missingRec.length) {
    out.push(
      finding(KERNEL_CONFIG_ID, 'missing-recommended', {
        status: 'warn',
        node,
        message: `kernel built without ${missingRec.join(', ')} (listed in Cilium's system requirements; some features need them)`,
        evidence,
      }),
    );
  }
  if (!out.length)
    out.push(
      finding(KERNEL_CONFIG_ID, 'ok', {
        status: 'pass',
        node,
        message: `all ${all.length} checked options are =y or =m`,
        evidence,
      }),
    );
  return out;
}
