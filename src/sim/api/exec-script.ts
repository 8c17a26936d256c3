// kdiag's own fixed scripts (src/model/node-script.ts: the filter, the digest, the one script per node),
// answered in-process (issue #13). The real `/bin/sh` with awk, sort and sha256sum (exec-shell.ts) costs
// ≈ 40 ms of the simulator's CPU per exec, on the cores kdiag runs on; here an exec whose argv is EXACTLY
// one of those scripts gets the bytes that shell would print: each section's separators and exit code,
// awk's filter and canonical digest lines, `LC_ALL=C sort` (byte order) and sha256sum's `HEX  -`.
// The digest per distinct map and the filter per (map, keys) are computed once and shared by every node.
// Anything this file cannot prove equal (an unknown section, a tool whose answer is not plain text, a
// CLI name other than cilium/cilium-dbg, text awk might split differently) returns undefined: the real
// shell runs. test/sim/exec-script.test.ts compares both answers byte for byte; KDIAG_SIM_SHELL=real
// turns this path off.
import { createHash } from 'node:crypto';
import {
  NODE_DIGEST_SCRIPT,
  NODE_FILTER_SCRIPT,
  NODE_SCRIPT,
  SECTION_BEGIN,
  SECTION_END,
  SECTIONS,
  type SectionName,
} from '../../model/node-script.js';

/** A tool's whole answer, as the wrapper in exec-shell.ts hands it to the shell. */
export interface ToolAnswer {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ScriptTools {
  /** The container's agent CLI (`cilium` or `cilium-dbg`). */
  cli: string;
  /** The content key of this node's service map (the same key gives the same `service list` text). */
  mapKey?: string;
  /** A tool's answer for an exact argv; undefined when it is not plain text (a stream, a hang). */
  run(argv: string[]): ToolAnswer | undefined;
}

export interface ScriptAnswer {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Which of kdiag's scripts this argv is, if any (the text compared byte for byte). */
export function kdiagScript(argv: string[]): 'node' | 'filter' | 'digest' | undefined {
  if (argv.length < 4 || (argv[0] !== 'sh' && argv[0] !== '/bin/sh') || argv[1] !== '-c') return undefined;
  if (argv[2] === NODE_SCRIPT) return 'node';
  if (argv[2] === NODE_FILTER_SCRIPT) return 'filter';
  if (argv[2] === NODE_DIGEST_SCRIPT) return 'digest';
  return undefined;
}

/** Both CLI names exist in the simulated container's PATH (a wrapper each): sh never prints its own `not found`. */
const CLIS = new Set(['cilium', 'cilium-dbg']);
/** The keys kdiag passes (validated addresses and ports); anything else goes to the real awk. */
const KEY = /^(?:ip=[0-9A-Fa-f.:]+|port=[0-9]+)$/;
/** Text both awk and this file split the same way: printable ASCII, tabs and newlines. */
const PLAIN = /^[\x20-\x7e\t\n]*$/;

/** What one distinct map gives, computed once: its digest, and its filter output per key set. */
interface MapEntry {
  /** The `service list` text it was computed from (an entry is used only for this very text). */
  text: string;
  digest?: { sum: string; meta: string };
  filters: Map<string, string>;
}
const caches = new WeakMap<object, Map<string, MapEntry>>();
/** Maps kept per cluster, most recently used last (per-node maps would otherwise pile up). */
const MAX_MAPS = 16;
const MAX_FILTERS = 256;

function entryFor(key: object, mapKey: string, text: string): MapEntry {
  let byKey = caches.get(key);
  if (!byKey) caches.set(key, (byKey = new Map()));
  let e = byKey.get(mapKey);
  byKey.delete(mapKey);
  if (e?.text !== text) e = { text, filters: new Map() };
  byKey.set(mapKey, e);
  for (const k of byKey.keys()) {
    if (byKey.size <= MAX_MAPS) break;
    byKey.delete(k);
  }
  if (e.filters.size > MAX_FILTERS) e.filters.clear();
  return e;
}

/**
 * The script's answer computed here, or undefined: run the real shell. `key` is the simulated cluster
 * (the caches are its own).
 */
export function answerScript(key: object, argv: string[], tools: ScriptTools): ScriptAnswer | undefined {
  const which = kdiagScript(argv);
  if (!which) return undefined;
  const args = argv.slice(4); // $1 …
  const cli = args[0];
  if (cli === undefined || !CLIS.has(cli)) return undefined;
  const maps = new MapReads(key, tools, cli);
  if (which === 'filter') {
    const keys = args.slice(1);
    const f = maps.filter(keys);
    return f && { exitCode: 0, stdout: f.stdout, stderr: f.stderr };
  }
  if (which === 'digest') {
    const d = maps.digest();
    return d && { exitCode: 0, stdout: d.sum, stderr: d.stderrBefore + d.meta };
  }
  // The per-node script: `shift 2` needs both arguments; `for s in $secs` splits on blanks.
  if (args.length < 2) return undefined;
  const secs = args[1]!;
  if (!/^[a-z \t\n]*$/.test(secs)) return undefined;
  const names = secs.split(/[ \t\n]+/).filter((s) => s !== '');
  if (!names.every((n) => (SECTIONS as readonly string[]).includes(n))) return undefined;
  let stdout = '';
  for (const name of names as SectionName[]) {
    const s = section(name, tools, cli, maps, args.slice(2));
    if (!s) return undefined;
    stdout += `${SECTION_BEGIN}${name}\n${s.stdout}\n${SECTION_END}${name} exit=${s.exitCode}\n`;
  }
  return { exitCode: 0, stdout, stderr: '' };
}

function section(
  name: SectionName,
  tools: ScriptTools,
  cli: string,
  maps: MapReads,
  keys: string[],
): { stdout: string; exitCode: number } | undefined {
  const plain = (argv: string[]) => {
    const r = tools.run(argv);
    return r && validCode(r.exitCode) ? { stdout: r.stdout, exitCode: r.exitCode } : undefined; // 2>/dev/null
  };
  switch (name) {
    case 'progs':
      return plain(['bpftool', '-j', 'prog', 'show']);
    case 'status':
      return plain([cli, 'status']);
    case 'mounts':
      return plain(['cat', '/proc/mounts']);
    case 'nat':
      return plain(['iptables-save', '-t', 'nat']);
    case 'filter': {
      const f = maps.filter(keys);
      return f && { stdout: f.stdout, exitCode: 0 }; // awk's exit code; the CLI's is in `kdiag-exit N`
    }
    case 'digest': {
      // 2>&1: the CLI's stderr as it runs, then awk's line at its END, then sha256sum's (after sort's EOF).
      const d = maps.digest();
      return d && { stdout: d.stderrBefore + d.meta + d.sum, exitCode: 0 };
    }
  }
}

const validCode = (c: number): boolean => Number.isInteger(c) && c >= 0 && c <= 255;

/** One exec's reads of `$cli service list`; a plain answer on a known map uses that map's entry. */
class MapReads {
  private read?: { text: string; stderr: string; entry?: MapEntry } | null;

  constructor(
    private readonly key: object,
    private readonly tools: ScriptTools,
    private readonly cli: string,
  ) {}

  /** `{ "$cli" service list; echo "kdiag-exit $?"; }`: awk's input, the CLI's stderr, the map's entry. */
  private input(): { text: string; stderr: string; entry?: MapEntry } | undefined {
    if (this.read !== undefined) return this.read ?? undefined;
    this.read = null;
    // Asked every time (cheap: the simulator's render cache); the entry saves awk, sort and sha256sum.
    const a = this.tools.run([this.cli, 'service', 'list']);
    if (!a || !validCode(a.exitCode)) return undefined;
    const mapKey = this.cli === this.tools.cli ? this.tools.mapKey : undefined;
    const cached = a.exitCode === 0 && !a.stderr && mapKey !== undefined;
    const entry = cached ? entryFor(this.key, mapKey, a.stdout) : undefined;
    // An entry with results was made from this very text, already found plain.
    const known = entry !== undefined && (entry.digest !== undefined || entry.filters.size > 0);
    if (!known && !PLAIN.test(a.stdout)) return undefined;
    this.read = { text: `${a.stdout}kdiag-exit ${a.exitCode}\n`, stderr: a.stderr, ...(entry ? { entry } : {}) };
    return this.read;
  }

  filter(keys: string[]): { stdout: string; stderr: string } | undefined {
    if (!keys.every((k) => KEY.test(k))) return undefined;
    const inp = this.input();
    if (!inp) return undefined;
    const id = keys.join('\0');
    let stdout = inp.entry?.filters.get(id);
    if (stdout === undefined) {
      stdout = awkFilter(inp.text, new Set(keys));
      inp.entry?.filters.set(id, stdout);
    }
    return { stdout, stderr: inp.stderr };
  }

  digest(): { sum: string; meta: string; stderrBefore: string } | undefined {
    const inp = this.input();
    if (!inp) return undefined;
    const d = inp.entry?.digest ?? awkDigest(inp.text);
    if (inp.entry) inp.entry.digest = d;
    return { ...d, stderrBefore: inp.stderr };
  }
}

/** awk's records (RS = newline; the input always ends with one) and default fields (runs of blanks). */
const records = (text: string): string[] => text.split('\n').slice(0, -1);
const fields = (line: string): string[] => line.split(/[ \t]+/).filter((f) => f !== '');

/** NODE_FILTER_SCRIPT's awk program over its input. */
export function awkFilter(text: string, want: Set<string>): string {
  let out = '';
  let keep = false;
  records(text).forEach((line, i) => {
    if (i === 0 || line.startsWith('kdiag-exit ')) return void (out += `${line}\n`);
    if (/^[0-9]/.test(line)) {
      const fe = (fields(line)[1] ?? '').replace(/\/[A-Za-z]+$/, '');
      const port = fe.replace(/.*:/, '');
      const ip = fe.replace(/:[0-9]+$/, '').replace(/[[\]]/g, '');
      keep = want.has(`ip=${ip}`) || want.has(`port=${port}`);
    }
    if (keep) out += `${line}\n`;
  });
  return out;
}

/** NODE_DIGEST_SCRIPT's awk program, `LC_ALL=C sort` and `sha256sum`: stdout and awk's stderr line. */
export function awkDigest(text: string): { sum: string; meta: string } {
  const rows: string[] = [];
  let row = '';
  let code = '';
  let seen = false;
  const flush = () => {
    if (row !== '') rows.push(row);
    row = '';
  };
  // Every field but `=>` and the one before it (a backend's number), from field `from` on.
  const rest = (f: string[], from: number) => {
    for (let i = from; i < f.length; i++) if (f[i] !== '=>' && f[i + 1] !== '=>') row += ` ${f[i]}`;
  };
  records(text).forEach((line, i) => {
    if (line.startsWith('kdiag-exit ')) {
      flush();
      code = fields(line)[1] ?? '';
      seen = true;
      return;
    }
    if (i === 0) return;
    if (/^[0-9]/.test(line)) {
      flush();
      const f = fields(line);
      let fe = f[1] ?? '';
      if (f[2] === 'NodePort') fe = fe.replace(/^.*:/, '*:');
      row = `${fe} ${f[2] ?? ''}`;
      return rest(f, 3);
    }
    if (/^[ \t]/.test(line)) return rest(fields(line), 0);
    flush();
    rows.push(`?${line}`);
  });
  flush();
  // Printable ASCII only (PLAIN): UTF-16 order is byte order, as `LC_ALL=C sort` compares.
  rows.sort();
  const sorted = rows.map((r) => `${r}\n`).join('');
  const hex = createHash('sha256').update(sorted, 'latin1').digest('hex');
  return { sum: `${hex}  -\n`, meta: `kdiag-digest rows=${rows.length} exit=${seen ? code : 'none'}\n` };
}
