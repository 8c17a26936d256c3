// The eBPF programs on one node, sorted into what Cilium's config needs: loaded, missing, unexpected
// (a Cilium program the config does not call for), and with --all everything else. Shared by
// `kdiag bpf progs` (per agent pod), `kdiag bpf progs --local` and `kdiag preflight node` (this machine).
import { execa } from 'execa';
import { readCiliumConfig } from '../cilium/config.js';
import { parseBpftoolProgJson, parseBpftoolProgText, type BpfProgramDetail } from '../cilium/formats/bpftool.js';
import {
  classifyProgram,
  isCiliumProgram,
  matchesProgram,
  requiredPrograms,
  type RequiredProgram,
} from '../cilium/programs.js';
import type { BpfProgram } from '../cilium/types.js';
import { missingPrograms } from '../cilium/programs.js';
import { KdiagError, oneLine } from '../errors.js';

export type ProgramState = 'loaded' | 'missing' | 'unexpected' | 'other';

export interface ProgramInstance {
  id: number;
  name: string;
  tag?: string;
  loadedAt?: string;
}

export interface ProgramRow {
  /** The expected name (loaded/missing), or the name as bpftool printed it. */
  name: string;
  type: string;
  /** socket-lb, tc, xdp, cgroup, or other (not Cilium's). */
  category: string;
  state: ProgramState;
  /** Why the config needs it (loaded/missing rows). */
  reason?: string;
  programs: ProgramInstance[];
}

export interface Expectation {
  /** Required programs for the config; undefined when the config is unknown (nothing is judged missing). */
  required?: RequiredProgram[];
  /** The other naming (≤1.12 vs 1.13+), index-aligned with `required`, when the Cilium version is unknown. */
  alt?: RequiredProgram[];
}

/**
 * What a Cilium config (ConfigMap data) and minor version need; minor undefined accepts either naming.
 * `kernel` is the node's release: it decides the getpeername hooks (socketLbPeer in src/cilium/programs.ts).
 */
export function expectationFor(
  config: Record<string, string>,
  minor: number | undefined,
  kernel?: string,
): Expectation {
  const cfg = readCiliumConfig(config);
  return {
    required: requiredPrograms(cfg, minor ?? 13, kernel),
    alt: minor === undefined ? requiredPrograms(cfg, 12, kernel) : undefined,
  };
}

const instance = (p: BpfProgram): ProgramInstance => ({ id: p.id, name: p.name, tag: p.tag, loadedAt: p.loadedAt });
const isMatch = (p: BpfProgram, r: RequiredProgram | undefined): boolean =>
  !!r && p.type === r.type && matchesProgram(p.name, r.name);

export function comparePrograms(progs: BpfProgram[], exp: Expectation, opts: { all?: boolean } = {}): ProgramRow[] {
  const rows: ProgramRow[] = [];
  const claimed = new Set<number>();
  const required = exp.required ?? [];
  const missing = new Set(missingPrograms(progs, required, exp.alt));
  required.forEach((r, i) => {
    const found = progs.filter((p) => isMatch(p, r) || isMatch(p, exp.alt?.[i]));
    for (const p of found) claimed.add(p.id);
    // an optional program (best-effort XDP) that is not there is no row: neither loaded nor missing
    if (r.optional && missing.has(r)) return;
    rows.push({
      name: r.name,
      type: r.type,
      category: r.category,
      state: missing.has(r) ? 'missing' : 'loaded',
      reason: r.reason,
      programs: found.map(instance),
    });
  });
  // Cilium's programs the config does not call for, grouped by name; loaded as-is when the config is unknown.
  const groups = new Map<string, ProgramRow>();
  for (const p of progs) {
    if (claimed.has(p.id)) continue;
    const cilium = isCiliumProgram(p);
    if (!cilium && !opts.all) continue;
    const state: ProgramState = !cilium ? 'other' : exp.required ? 'unexpected' : 'loaded';
    const key = `${state}\0${p.type}\0${p.name}`;
    let row = groups.get(key);
    if (!row) {
      row = {
        name: p.name || '(unnamed)',
        type: p.type,
        category: cilium ? classifyProgram(p) : 'other',
        state,
        programs: [],
      };
      groups.set(key, row);
    }
    row.programs.push(instance(p));
  }
  rows.push(...[...groups.values()].sort((a, b) => a.state.localeCompare(b.state) || a.name.localeCompare(b.name)));
  return rows;
}

export interface BpftoolOptions {
  /** Path or name of bpftool (default: `bpftool` on PATH). */
  bpftool?: string;
  timeoutMs?: number;
}

/**
 * Runs the real bpftool on this machine: `-j prog show`, the text format when the JSON is unreadable.
 * Throws a KdiagError whose message says why (not installed, no permission, timed out).
 */
export async function localPrograms(opts: BpftoolOptions = {}): Promise<BpfProgramDetail[]> {
  const bin = opts.bpftool ?? 'bpftool';
  const timeout = opts.timeoutMs ?? 15_000;
  const run = async (args: string[]) => {
    const r = await execa(bin, args, { timeout, reject: false, stripFinalNewline: false });
    if (r.failed && (r as { code?: string }).code === 'ENOENT') {
      throw new KdiagError('not-installed', `bpftool not found (${bin}): install bpftool or pass --bpftool PATH`);
    }
    if (r.timedOut) throw new KdiagError('timeout', `bpftool ${args.join(' ')}: no answer within ${timeout / 1000}s`);
    return r;
  };
  const j = await run(['-j', 'prog', 'show']);
  if (j.exitCode === 0) {
    try {
      return parseBpftoolProgJson(String(j.stdout));
    } catch {
      // older bpftool builds: fall through to the text format
    }
  }
  const t = await run(['prog', 'show']);
  if (t.exitCode !== 0) {
    const err = oneLine(String(t.stderr || j.stderr || t.stdout)).slice(0, 200) || `exit ${t.exitCode}`;
    if (/not permitted|permission denied|EPERM|EACCES/i.test(err)) {
      throw new KdiagError(
        'forbidden',
        `no permission to list eBPF programs (bpftool: ${err}): run as root or with CAP_SYS_ADMIN (or CAP_BPF+CAP_PERFMON)`,
      );
    }
    throw new KdiagError('exec', `bpftool prog show exited ${t.exitCode}: ${err}`);
  }
  return parseBpftoolProgText(String(t.stdout));
}
