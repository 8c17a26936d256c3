// `kdiag preflight node`: the node-local prerequisites of Cilium's datapath, read on the node itself
// (no cluster): kernel release and build config, BTF, bpffs, this process's capabilities, and the
// programs loaded right now (real bpftool) against what the Cilium config needs.
import { hostname } from 'node:os';
import { finding, capped } from '../checks/util.js';
import { programLine } from '../checks/bpf-programs.js';
import { readCiliumConfig } from '../cilium/config.js';
import { isCiliumProgram } from '../cilium/programs.js';
import { KdiagError, oneLine } from '../errors.js';
import type { Finding } from '../engine/types.js';
import type { GateCheck } from '../gate/gate.js';
import {
  judgeKernelConfig,
  judgeKernelVersion,
  readKernelConfig,
  KERNEL_CONFIG_ID,
  KERNEL_VERSION_ID,
} from './kernel.js';
import { comparePrograms, expectationFor, localPrograms, type ProgramRow } from './programs.js';
import { BPFFS_ID, BTF_ID, CAPS_ID, judgeBpffs, judgeBtf, judgeCapabilities, readCapEff } from './system.js';

export const PROGRAMS_ID = 'node-bpf-programs';

export interface NodeCheck extends GateCheck {
  /** What it needs on the node (for `preflight list`). */
  requires: string;
}

export const NODE_CHECKS: NodeCheck[] = [
  {
    id: KERNEL_VERSION_ID,
    title: "The kernel release meets Cilium's minimum (4.9; 5.4 recommended; more for enabled features)",
    requires: 'none',
  },
  {
    id: KERNEL_CONFIG_ID,
    title: 'The kernel is built with the options the eBPF datapath needs',
    requires: 'read /proc/config.gz or /boot/config-$(uname -r)',
  },
  { id: BTF_ID, title: 'Kernel BTF is available (/sys/kernel/btf/vmlinux)', requires: 'read /sys/kernel/btf' },
  {
    id: BPFFS_ID,
    title: 'A BPF filesystem is mounted at /sys/fs/bpf',
    requires: 'read /proc/1/mounts (hostPID) or /proc/self/mounts',
  },
  {
    id: CAPS_ID,
    title: 'kdiag runs with the capabilities needed to inspect eBPF state',
    requires: 'read /proc/self/status',
  },
  {
    id: PROGRAMS_ID,
    title: "Cilium's eBPF programs are loaded on this node",
    requires: 'bpftool; root or CAP_SYS_ADMIN (or CAP_BPF+CAP_PERFMON)',
  },
];

export interface NodePreflightOptions {
  node?: string;
  only?: string[];
  skip?: string[];
  /** cilium-config data (flags and/or a mounted ConfigMap). */
  config: Record<string, string>;
  minor?: number;
  kernelConfig?: string;
  bpftool?: string;
  timeoutMs?: number;
}

export function selectNodeChecks(only?: string[], skip?: string[]): NodeCheck[] {
  const ids = new Set(NODE_CHECKS.map((c) => c.id));
  for (const id of [...(only ?? []), ...(skip ?? [])]) {
    if (!ids.has(id))
      throw new KdiagError('usage', `unknown node check id: ${id}`, { hint: `node checks: ${[...ids].join(', ')}` });
  }
  return NODE_CHECKS.filter((c) => (!only?.length || only.includes(c.id)) && !skip?.includes(c.id));
}

export interface NodePreflightResult {
  node: string;
  checks: NodeCheck[];
  findings: Finding[];
  programs?: ProgramRow[];
}

export async function runNodePreflight(opts: NodePreflightOptions): Promise<NodePreflightResult> {
  const node = opts.node ?? hostname();
  const checks = selectNodeChecks(opts.only, opts.skip);
  const want = new Set(checks.map((c) => c.id));
  const kpr = hasKpr(opts.config);
  const findings: Finding[] = [];
  let programs: ProgramRow[] | undefined;
  for (const c of checks) {
    switch (c.id) {
      case KERNEL_VERSION_ID:
        findings.push(judgeKernelVersion(node, { minor: opts.minor, kpr }));
        break;
      case KERNEL_CONFIG_ID:
        findings.push(...judgeKernelConfig(node, await readKernelConfig(opts.kernelConfig)));
        break;
      case BTF_ID:
        findings.push(await judgeBtf(node));
        break;
      case BPFFS_ID:
        findings.push(await judgeBpffs(node));
        break;
      case CAPS_ID:
        findings.push(judgeCapabilities(node, await readCapEff()));
        break;
      case PROGRAMS_ID: {
        const r = await judgePrograms(node, opts);
        findings.push(r.finding);
        programs = r.rows;
        break;
      }
    }
  }
  if (!want.has(PROGRAMS_ID)) programs = undefined;
  return { node, checks, findings, programs };
}

/** Socket LB / full KPR in effect: the cluster check's rule (src/checks/kernel-version.ts). */
function hasKpr(config: Record<string, string>): boolean {
  const v = readCiliumConfig(config);
  return v.kprEffect === 'full' || v.socketLb;
}

async function judgePrograms(
  node: string,
  opts: NodePreflightOptions,
): Promise<{ finding: Finding; rows?: ProgramRow[] }> {
  let progs;
  try {
    progs = await localPrograms({ bpftool: opts.bpftool, timeoutMs: opts.timeoutMs });
  } catch (e) {
    return { finding: finding(PROGRAMS_ID, 'unknown', { status: 'unknown', node, message: oneLine(e) }) };
  }
  const rows = comparePrograms(progs, expectationFor(opts.config, opts.minor));
  const cilium = progs.filter(isCiliumProgram);
  const listing = {
    source: 'bpftool prog show',
    node,
    excerpt: cilium.length ? capped(cilium.map(programLine), 30) : '(no Cilium programs loaded)',
  };
  const required = rows.filter((r) => r.state === 'loaded' || r.state === 'missing');
  const missing = rows.filter((r) => r.state === 'missing');
  if (!missing.length) {
    return {
      rows,
      finding: finding(PROGRAMS_ID, 'loaded', {
        status: 'pass',
        node,
        message: `all ${required.length} required programs loaded`,
        evidence: [listing],
      }),
    };
  }
  const none = cilium.length === 0;
  return {
    rows,
    finding: finding(PROGRAMS_ID, none ? 'none-loaded' : 'missing', {
      status: 'fail',
      node,
      message: none
        ? `no Cilium eBPF programs are loaded on ${node} (is the agent running here?)`
        : `${missing.length} of ${required.length} required program(s) not loaded: ${missing.map((m) => m.name).join(', ')}`,
      evidence: [
        listing,
        {
          source: 'required by config',
          node,
          excerpt: missing.map((r) => `${r.type} ${r.name} — ${r.reason}`).join('\n'),
        },
      ],
      cause: 'bpf-programs-not-loaded',
    }),
  };
}
