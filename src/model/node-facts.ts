// Facts about one node, read on the node itself (src/node/gather.ts) for `kdiag preflight node`. A read
// that failed keeps its reason (`{ error }`), so the node check reports `unknown` with it, never a pass.
import type { BpfProgram } from './cilium.js';

export type Read<T> = T | { error: string };

export interface NodeFacts {
  node: string;
  /** cilium-config data (flags and/or a mounted ConfigMap). */
  config: Record<string, string>;
  /** Cilium minor (16 for 1.16), when known. */
  minor?: number;
  /** os.release() */
  kernelRelease?: string;
  /** /proc/config.gz or /boot/config-$(uname -r), as read. */
  kernelConfig?: Read<{ path: string; text: string }>;
  /** Does /sys/kernel/btf/vmlinux exist? An error other than ENOENT is kept as `code`. */
  btf?: { path: string; present: boolean; code?: string };
  /** The first readable mount table (/proc/1/mounts, else /proc/self/mounts), or why none was. */
  mounts?: Read<{ file: string; text: string }>;
  /** This process's effective capabilities. */
  capEff?: Read<{ hex: string; caps: string[] }>;
  /** Programs loaded now (bpftool prog show). */
  programs?: Read<BpfProgram[]>;
}
