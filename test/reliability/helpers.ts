// Shared by the reliability tests: the command matrix, what a report says about a node it could not
// read, fault kubeconfigs, and the recorder whose JSON lines `node scripts/reliability-doc.js` renders
// into docs/reliability.md. The CLI runner and the simulator come from test/helpers/.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { SimHandle } from '../../src/sim/index.js';
import { ROOT, type Run } from '../helpers/cli.js';

export const FIXTURES = join(ROOT, 'test/reliability/fixtures');
export const RESULTS = join(ROOT, 'test/reliability/.results');

/** Runs jobs a few at a time (the CI box has 2 cores; each CLI run is a node process). */
export const limit = pLimit(Number(process.env.KDIAG_RELIABILITY_CONCURRENCY ?? 3));

/**
 * The commands that talk to the cluster, each in its machine-readable form when it has one.
 * Commands still being written land in the matrix as soon as src/commands has them.
 */
export const COMMANDS = [
  { name: 'doctor clusterip', file: 'doctor/clusterip.ts', args: ['doctor', 'clusterip', '-o', 'json'] },
  { name: 'service-list', file: 'service-list.ts', args: ['service-list', '-o', 'json'] },
  { name: 'logs', file: 'logs.ts', args: ['logs', '--tail', '20'] },
  { name: 'bpf progs', file: 'bpf/progs.ts', args: ['bpf', 'progs', '-o', 'json'] },
  { name: 'preflight', file: 'preflight/index.ts', args: ['preflight', '-o', 'json'] },
].filter((c) => existsSync(join(ROOT, 'src/commands', c.file)));
export type CommandName = (typeof COMMANDS)[number]['name'];
export const command = (name: string) => COMMANDS.find((c) => c.name === name);

/** Stack frames look like `    at fn (file:line)`. */
export function stackLines(s: string): string[] {
  return s.split('\n').filter((l) => /^\s+at\s/.test(l));
}

/** The `Error: …` line (or, for per-node reports, the first stderr line). */
export function errorLine(r: Run): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim());
  return lines.find((l) => l.startsWith('Error:')) ?? lines[0] ?? '';
}
export const hintLine = (r: Run) => r.stderr.split('\n').find((l) => l.startsWith('Hint:')) ?? '';

export function parseJson<T = unknown>(r: Run): T | undefined {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    return undefined;
  }
}

// ---- the kdiag -o json shapes the tests read -------------------------------------------------------

export interface DoctorJson {
  status: string;
  rootCauses: { id: string; nodes: string[] }[];
  findings: { id: string; check: string; status: string; node?: string; message: string }[];
  fix?: {
    applied?: boolean;
    dryRun?: boolean;
    steps?: { node: string; oldPod: string; newPod?: string; outcome: string }[];
  };
}
export interface ServiceListJson {
  summary: { services: number; rows: number; nodes: number; nodesUnknown: number; notOk: number };
  nodes: { node: string; status: string; reason?: string }[];
  rows: {
    namespace: string;
    name: string;
    frontend: string;
    status: string;
    nodes: { node: string; status: string; reason?: string }[];
  }[];
}
export type BpfProgsJson = { node: string; judged: boolean; error?: string; rows: { state: string }[] }[];
export interface PreflightJson {
  summary: { status: string; failed: number; unknown: number };
  findings: { id: string; check: string; status: string; node?: string; message: string }[];
}

/**
 * What the command said about `node` when its facts could not be read: returns the reason text, and
 * throws when the node is reported as fine (the one thing that must never happen).
 */
export function unknownFor(cmd: string, r: Run, node: string, checks: string[] = ['bpf-programs']): string {
  switch (cmd) {
    case 'doctor clusterip':
    case 'preflight': {
      const j = parseJson<DoctorJson | PreflightJson>(r);
      if (!j) throw new Error(`${cmd}: no JSON on stdout (exit ${r.exitCode}): ${r.stderr.slice(0, 300)}`);
      const mine = j.findings.filter((f) => f.node === node && checks.includes(f.check));
      const passed = mine.filter((f) => f.status === 'pass');
      if (passed.length)
        throw new Error(`${cmd}: ${passed.map((f) => f.id).join(', ')} reported pass on ${node} without facts`);
      const unk = mine.find((f) => f.status === 'unknown');
      if (!unk)
        throw new Error(`${cmd}: no unknown finding for ${checks.join('/')} on ${node}: ${JSON.stringify(mine)}`);
      return unk.message;
    }
    case 'service-list': {
      const j = parseJson<ServiceListJson>(r);
      if (!j) throw new Error(`service-list: no JSON on stdout (exit ${r.exitCode}): ${r.stderr.slice(0, 300)}`);
      const n = j.nodes.find((x) => x.node === node);
      if (n?.status !== 'unknown' || !n.reason)
        throw new Error(`service-list: ${node} not unknown: ${JSON.stringify(n)}`);
      for (const row of j.rows.filter((x) => x.name)) {
        const mine = row.nodes.find((x) => x.node === node);
        if (mine?.status !== 'NODE_UNKNOWN')
          throw new Error(`service-list: row ${row.namespace}/${row.name} on ${node}: ${JSON.stringify(mine)}`);
      }
      return n.reason;
    }
    case 'bpf progs': {
      const j = parseJson<BpfProgsJson>(r);
      if (!j) throw new Error(`bpf progs: no JSON on stdout (exit ${r.exitCode}): ${r.stderr.slice(0, 300)}`);
      const v = j.find((x) => x.node === node);
      if (!v || v.judged || !v.error)
        throw new Error(`bpf progs: ${node} judged without facts: ${JSON.stringify(v)?.slice(0, 300)}`);
      return v.error;
    }
    case 'logs': {
      const line = r.stderr.split('\n').find((l) => l.includes(node));
      if (!line) throw new Error(`logs: nothing on stderr about ${node}`);
      return line;
    }
  }
  throw new Error(`unknown command ${cmd}`);
}

/** The nodes whose results were kept: per-node findings that are not unknown. */
export function answeredNodes(cmd: string, r: Run): string[] {
  const out = new Set<string>();
  if (cmd === 'doctor clusterip' || cmd === 'preflight')
    for (const f of parseJson<DoctorJson>(r)?.findings ?? [])
      if (f.node && f.check === 'bpf-programs' && f.status !== 'unknown') out.add(f.node);
  if (cmd === 'service-list')
    for (const n of parseJson<ServiceListJson>(r)?.nodes ?? []) if (n.status !== 'unknown') out.add(n.node);
  if (cmd === 'service-list')
    for (const row of parseJson<ServiceListJson>(r)?.rows ?? [])
      if (row.nodes.length === 0 && row.status === 'OK') out.add('*');
  if (cmd === 'bpf progs') for (const v of parseJson<BpfProgsJson>(r) ?? []) if (v.judged) out.add(v.node);
  if (cmd === 'logs') for (const l of r.stdout.split('\n')) if (/^node-\d+\//.test(l)) out.add(l.split('/')[0]!);
  return [...out].sort();
}

// ---- kubeconfigs for transport faults -------------------------------------------------------------

export function writeKubeconfig(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
}
export const kubeconfigText = (s: SimHandle) => readFileSync(s.kubeconfigPath, 'utf8');

// ---- the recorder ----------------------------------------------------------------------------------

export interface Outcome {
  /** Section of docs/reliability.md. */
  group: string;
  command: string;
  fault: string;
  exitCode: number;
  /** The one line the user sees (stderr `Error:` line, or what the report says). */
  line: string;
  hint?: string;
  /** What the report says about the nodes/facts it could not get. */
  unknown?: string;
  /** Known bug this cell demonstrates (test marked failing). */
  bug?: string;
}

/** One results file per test file, truncated when the file starts, so a run replaces its own rows. */
export function recorder(file: string): (o: Outcome) => void {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${file}.jsonl`);
  writeFileSync(path, '');
  return (o) =>
    appendFileSync(
      path,
      JSON.stringify({
        ...o,
        line: clip(o.line),
        hint: o.hint ? clip(o.hint) : undefined,
        unknown: o.unknown ? clip(o.unknown) : undefined,
      }) + '\n',
    );
}

/** Ports and pod names change per run; the doc keeps the shape of the line. */
function clip(s: string): string {
  return s
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
    .replace(/cilium-(?!agent\b)[a-z0-9]{5}\b/g, 'cilium-xxxxx')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 240);
}

/** The basic promise of every cell: no stack, and a failure says something on stderr. */
export function expectNoStack(r: Run): void {
  expect(stackLines(r.stderr)).toEqual([]);
  expect(stackLines(r.stdout)).toEqual([]);
}
