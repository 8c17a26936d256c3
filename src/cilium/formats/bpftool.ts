// `bpftool prog show` (text) and `bpftool -j prog show` (JSON): parsers and renderers.
// Layout from bpftool's tools/bpf/bpftool/prog.c, print_prog_header_plain()/print_prog_plain():
//   "%u: " type "  " ["name %s  "] "tag %s" ["  gpl"] [" run_time_ns %lld run_cnt %lld"] "\n"
//   "\tloaded_at %s  uid %u\n"                       (print_boot_time: strftime "%FT%T%z")
//   "\txlated %uB" ("  jited %uB" | "  not jited") ["  memlock %sB"] ["  map_ids %u,%u"]
//   ["\n\tpinned %s"] ["\n\tbtf_id %d"] ["\n\tpids comm(pid), ..."] "\n"
// and print_prog_json(): id, type, name, tag, gpl_compatible, loaded_at (epoch seconds), uid,
// bytes_xlated, jited, bytes_jited, bytes_memlock, map_ids, btf_id, pids [{pid, comm}].

import { ParseError } from '../../errors.js';
import type { BpfProgram } from '../types.js';
import { isKubectlNoise } from './noise.js';

const TEXT_SOURCE = 'bpftool prog show';
const JSON_SOURCE = 'bpftool -j prog show';

/** What bpftool prints beyond the shared BpfProgram shape; parsers fill it, renderers use it when present. */
export interface BpfProgramDetail extends BpfProgram {
  gpl?: boolean;
  bytesXlated?: number;
  /** 0 = "not jited". */
  bytesJited?: number;
  bytesMemlock?: number;
  btfId?: number;
  pinned?: string[];
  pids?: Array<{ comm: string; pid: number }>;
}

const HEADER =
  /^(\d+):\s+(type \d+|[a-z_0-9]+)\s+(?:name\s+(\S+)\s+)?tag\s+([0-9a-f]{16})(?:\s+dev\s+\S+)?(\s+gpl)?(?:\s+run_time_ns\s+\d+\s+run_cnt\s+\d+)?(?:\s+recursion_misses\s+\d+)?\s*$/;
const LOADED = /^loaded_at\s+(\S+)\s+uid\s+(\d+)(?:\s+comm\s+\S+)?$/;
const XLATED =
  /^xlated\s+(\d+)B\s+(?:jited\s+(\d+)B|not jited)(?:\s+memlock\s+(\d+)B)?(?:\s+map_ids\s+(\d+(?:,\d+)*))?$/;

export function parseBpftoolProgText(text: string): BpfProgramDetail[] {
  const out: BpfProgramDetail[] = [];
  let cur: BpfProgramDetail | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || isKubectlNoise(line)) return;
    const h = HEADER.exec(line.trim());
    if (h && !/^\s/.test(line)) {
      cur = { id: Number(h[1]), type: h[2]!, name: h[3] ?? '', tag: h[4]!, gpl: h[5] !== undefined };
      if (!Number.isSafeInteger(cur.id)) throw new ParseError(TEXT_SOURCE, 'program id out of range', n);
      out.push(cur);
      return;
    }
    if (!/^\s/.test(line))
      throw new ParseError(TEXT_SOURCE, `expected "ID: type  name …", got ${JSON.stringify(line.slice(0, 80))}`, n);
    if (!cur) throw new ParseError(TEXT_SOURCE, 'detail line before any program', n);
    const t = line.trim();
    let m: RegExpExecArray | null;
    if ((m = LOADED.exec(t))) {
      cur.loadedAt = m[1];
      cur.uid = Number(m[2]);
    } else if ((m = XLATED.exec(t))) {
      cur.bytesXlated = Number(m[1]);
      cur.bytesJited = m[2] === undefined ? 0 : Number(m[2]);
      if (m[3] !== undefined) cur.bytesMemlock = Number(m[3]);
      if (m[4] !== undefined) cur.mapIds = m[4].split(',').map(Number);
    } else if ((m = /^btf_id\s+(\d+)$/.exec(t))) {
      cur.btfId = Number(m[1]);
    } else if ((m = /^pinned\s+(\S+)$/.exec(t))) {
      (cur.pinned ??= []).push(m[1]!);
    } else if ((m = /^pids\s+(.+)$/.exec(t))) {
      cur.pids = m[1]!.split(/,\s*/).map((p) => {
        const pm = /^(.*)\((\d+)\)$/.exec(p);
        if (!pm) throw new ParseError(TEXT_SOURCE, `bad pids entry ${JSON.stringify(p)}`, n);
        return { comm: pm[1]!, pid: Number(pm[2]) };
      });
    } else if (/^metadata:$/.test(t) || /^\S+ = /.test(t)) {
      // show_prog_metadata(): "\tmetadata:\n\t\tkey = value" — nothing kdiag reads
    } else {
      throw new ParseError(TEXT_SOURCE, `unknown detail line ${JSON.stringify(t.slice(0, 80))}`, n);
    }
  });
  for (const p of out) {
    if (p.bytesXlated === undefined)
      throw new ParseError(TEXT_SOURCE, `program ${p.id} has no "xlated" line (truncated output?)`);
  }
  return out;
}

/** Epoch seconds to the text form bpftool prints in UTC (`2025-07-19T16:42:31+0000`). */
export function bpftoolTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

function epochOf(loadedAt: string): number | undefined {
  const iso = loadedAt.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
}

export function renderBpftoolProgText(progs: Array<BpfProgram | BpfProgramDetail>): string {
  return progs
    .map((p0) => {
      const p = p0 as BpfProgramDetail;
      let s = `${p.id}: ${p.type}  ${p.name ? `name ${p.name}  ` : ''}tag ${p.tag ?? '0000000000000000'}${p.gpl === false ? '' : '  gpl'}\n`;
      if (p.loadedAt !== undefined) s += `\tloaded_at ${p.loadedAt}  uid ${p.uid ?? 0}\n`;
      const jited = p.bytesJited ?? 16;
      s += `\txlated ${p.bytesXlated ?? 16}B${jited ? `  jited ${jited}B` : '  not jited'}  memlock ${p.bytesMemlock ?? 4096}B`;
      if (p.mapIds?.length) s += `  map_ids ${p.mapIds.join(',')}`;
      for (const pin of p.pinned ?? []) s += `\n\tpinned ${pin}`;
      if (p.btfId) s += `\n\tbtf_id ${p.btfId}`;
      if (p.pids?.length) s += `\n\tpids ${p.pids.map((x) => `${x.comm}(${x.pid})`).join(', ')}`;
      return s + '\n';
    })
    .join('');
}

export function parseBpftoolProgJson(text: string): BpfProgramDetail[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ParseError(JSON_SOURCE, `invalid JSON: ${(e as Error).message}`);
  }
  // `bpftool -j prog show id N` prints a single object rather than an array
  const arr = Array.isArray(data) ? data : data !== null && typeof data === 'object' ? [data] : undefined;
  if (!arr) throw new ParseError(JSON_SOURCE, 'expected a JSON array of programs');
  return arr.map((o, i) => {
    if (o === null || typeof o !== 'object' || Array.isArray(o))
      throw new ParseError(JSON_SOURCE, `entry #${i} is not an object`);
    const r = o as Record<string, unknown>;
    const int = (k: string): number | undefined => {
      const v = r[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
        throw new ParseError(JSON_SOURCE, `${k} of entry #${i} is not a non-negative integer`);
      return v;
    };
    const id = int('id');
    if (id === undefined) throw new ParseError(JSON_SOURCE, `entry #${i} has no id`);
    if (typeof r.type !== 'string' && typeof r.type !== 'number')
      throw new ParseError(JSON_SOURCE, `entry #${i} has no type`);
    const p: BpfProgramDetail = {
      id,
      type: typeof r.type === 'number' ? `type ${r.type}` : r.type,
      name: typeof r.name === 'string' ? r.name : '',
    };
    if (typeof r.tag === 'string') p.tag = r.tag;
    if (typeof r.gpl_compatible === 'boolean') p.gpl = r.gpl_compatible;
    const at = int('loaded_at');
    if (at !== undefined) p.loadedAt = bpftoolTime(at);
    const uid = int('uid');
    if (uid !== undefined) p.uid = uid;
    const x = int('bytes_xlated');
    if (x !== undefined) p.bytesXlated = x;
    if (r.jited === false) p.bytesJited = 0;
    else if (int('bytes_jited') !== undefined) p.bytesJited = int('bytes_jited');
    const ml = int('bytes_memlock');
    if (ml !== undefined) p.bytesMemlock = ml;
    if (r.map_ids !== undefined) {
      if (!Array.isArray(r.map_ids) || !r.map_ids.every((m) => Number.isInteger(m)))
        throw new ParseError(JSON_SOURCE, `map_ids of entry #${i} is not a list of ids`);
      p.mapIds = r.map_ids as number[];
    }
    const btf = int('btf_id');
    if (btf !== undefined) p.btfId = btf;
    if (Array.isArray(r.pinned)) p.pinned = r.pinned.filter((x): x is string => typeof x === 'string');
    if (Array.isArray(r.pids)) {
      p.pids = r.pids.map((x) => {
        const q = x as { pid?: unknown; comm?: unknown };
        if (typeof q?.pid !== 'number' || typeof q?.comm !== 'string')
          throw new ParseError(JSON_SOURCE, `bad pids entry in entry #${i}`);
        return { pid: q.pid, comm: q.comm };
      });
    }
    return p;
  });
}

/** `bpftool -j prog show`, pretty-printed with 4 spaces like the fixture (`bpftool -p`). */
export function renderBpftoolProgJson(progs: Array<BpfProgram | BpfProgramDetail>): string {
  const out = progs.map((p0) => {
    const p = p0 as BpfProgramDetail;
    const jited = p.bytesJited ?? 16;
    const o: Record<string, unknown> = { id: p.id, type: p.type };
    if (p.name) o.name = p.name;
    o.tag = p.tag ?? '0000000000000000';
    o.gpl_compatible = p.gpl ?? true;
    const at = p.loadedAt !== undefined ? epochOf(p.loadedAt) : undefined;
    if (at !== undefined) {
      o.loaded_at = at;
      o.uid = p.uid ?? 0;
    }
    o.bytes_xlated = p.bytesXlated ?? 16;
    o.jited = jited > 0;
    if (jited > 0) o.bytes_jited = jited;
    o.bytes_memlock = p.bytesMemlock ?? 4096;
    if (p.mapIds?.length) o.map_ids = p.mapIds;
    if (p.pinned?.length) o.pinned = p.pinned;
    if (p.btfId) o.btf_id = p.btfId;
    if (p.pids?.length) o.pids = p.pids.map((x) => ({ pid: x.pid, comm: x.comm }));
    return o;
  });
  return JSON.stringify(out, null, 4) + '\n';
}
