// What the node offers the datapath besides the kernel build: BTF, the BPF filesystem, and the
// capabilities of this process (which decide whether kdiag itself may list programs).
import { access, readFile } from 'node:fs/promises';
import { missingCapabilities } from '../cilium/capabilities.js';
import { finding } from '../model/finding.js';
import { bpffsFromMounts } from '../cilium/mounts.js';
import { oneLine } from '../errors.js';
import type { Finding } from '../model/check.js';
import type { NodeFacts } from '../model/node-facts.js';

export const BTF_ID = 'node-btf';
export const BPFFS_ID = 'node-bpffs';
export const CAPS_ID = 'node-capabilities';

export const BTF_PATH = '/sys/kernel/btf/vmlinux';

/** Does the BTF file exist? ENOENT is an answer (absent); any other error leaves it unknown. */
export async function probeBtf(path = BTF_PATH): Promise<NonNullable<NodeFacts['btf']>> {
  try {
    await access(path);
    return { path, present: true };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { path, present: false } : { path, present: false, code: code ?? oneLine(e) };
  }
}

export function judgeBtf(node: string, btf: NonNullable<NodeFacts['btf']>): Finding {
  const { path } = btf;
  if (btf.present)
    return finding(BTF_ID, 'present', {
      status: 'pass',
      node,
      message: `kernel BTF present (${path})`,
      evidence: [{ source: 'filesystem', node, excerpt: `${path} exists` }],
    });
  if (btf.code)
    return finding(BTF_ID, 'unknown', {
      status: 'unknown',
      node,
      message: `cannot check ${path}: ${btf.code}`,
    });
  return finding(BTF_ID, 'missing', {
    status: 'warn',
    node,
    message: `no kernel BTF (${path}): features that need CO-RE/BTF are unavailable (kernel built without CONFIG_DEBUG_INFO_BTF)`,
    evidence: [{ source: 'filesystem', node, excerpt: `${path}: ENOENT` }],
  });
}

/**
 * /proc/1/mounts first: with hostPID (the DaemonSet in docs/ci.md) that is the host's mount table; on a
 * plain host it is the same as ours. /proc/self/mounts when pid 1's is not readable.
 */
export async function readMounts(
  files = ['/proc/1/mounts', '/proc/self/mounts'],
): Promise<NonNullable<NodeFacts['mounts']>> {
  const errors: string[] = [];
  for (const file of files) {
    try {
      return { file, text: await readFile(file, 'utf8') };
    } catch (e) {
      errors.push(`${file}: ${(e as NodeJS.ErrnoException).code ?? oneLine(e)}`);
    }
  }
  return { error: `cannot read the mount table (${errors.join('; ')})` };
}

export function judgeBpffs(node: string, mounts: NonNullable<NodeFacts['mounts']>): Finding {
  if ('error' in mounts) return finding(BPFFS_ID, 'unknown', { status: 'unknown', node, message: mounts.error });
  const m = bpffsFromMounts(mounts.text);
  const evidence = [{ source: mounts.file, node, excerpt: m.evidence }];
  return m.mounted
    ? finding(BPFFS_ID, 'mounted', {
        status: 'pass',
        node,
        message: 'BPF filesystem mounted at /sys/fs/bpf',
        evidence,
      })
    : finding(BPFFS_ID, 'not-mounted', {
        status: 'fail',
        node,
        message: 'no BPF filesystem at /sys/fs/bpf: pinned maps and programs do not survive an agent restart',
        evidence,
        cause: 'bpffs-not-mounted',
        remediation: {
          summary: 'mount bpffs on the host (and persist it in /etc/fstab or a systemd mount unit)',
          commands: ['mount -t bpf bpf /sys/fs/bpf'],
          autoFixable: false,
        },
      });
}

/** Capability numbers from include/uapi/linux/capability.h. */
export const CAP_BITS = { NET_ADMIN: 12, SYS_ADMIN: 21, PERFMON: 38, BPF: 39 } as const;

/** Names of the capabilities kdiag cares about that are set in a CapEff hex mask. */
export function capsFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim()}`);
  return Object.entries(CAP_BITS)
    .filter(([, bit]) => (mask >> BigInt(bit)) & 1n)
    .map(([name]) => name);
}

export async function readCapEff(
  statusFile = '/proc/self/status',
): Promise<{ hex: string; caps: string[] } | { error: string }> {
  try {
    const text = await readFile(statusFile, 'utf8');
    const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(text);
    if (!m) return { error: `no CapEff line in ${statusFile}` };
    return { hex: m[1]!, caps: capsFromMask(m[1]!) };
  } catch (e) {
    return { error: `${statusFile}: ${(e as NodeJS.ErrnoException).code ?? oneLine(e)}` };
  }
}

/**
 * This process's effective capabilities. Listing programs needs CAP_SYS_ADMIN (or CAP_BPF+CAP_PERFMON on
 * 5.8+): without them the program check is `unknown`, not a node failure, so this finding only warns.
 */
export function judgeCapabilities(node: string, cap: { hex: string; caps: string[] } | { error: string }): Finding {
  if ('error' in cap)
    return finding(CAPS_ID, 'unknown', {
      status: 'unknown',
      node,
      message: `cannot read effective capabilities: ${cap.error}`,
    });
  const evidence = [
    {
      source: '/proc/self/status CapEff',
      node,
      excerpt: `CapEff=${cap.hex} (${cap.caps.map((c) => `CAP_${c}`).join(', ') || 'none of NET_ADMIN/SYS_ADMIN/PERFMON/BPF'})`,
    },
  ];
  const missing = missingCapabilities(cap.caps);
  if (!missing.length)
    return finding(CAPS_ID, 'ok', {
      status: 'pass',
      node,
      message: `kdiag runs with ${cap.caps.map((c) => `CAP_${c}`).join(', ')}`,
      evidence,
    });
  return finding(CAPS_ID, 'missing', {
    status: 'warn',
    node,
    message: `kdiag runs without ${missing.map((c) => `CAP_${c}`).join(', ')}: it cannot inspect eBPF state; run as root or privileged`,
    evidence,
  });
}
