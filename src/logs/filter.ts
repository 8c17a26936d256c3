// From a raw agent line to what `kdiag logs` shows: parsed with the shared Cilium log parser, judged by
// the shared catalog, kept or dropped by --level / --grep / --errors.
import { parseLogLine } from '../cilium/formats/log.js';
import { classify, classifyOrUnrecognised } from '../cilium/log-catalog.js';
import type { CatalogMatch, LogLevel, LogRecord } from '../cilium/types.js';
import { KdiagError } from '../errors.js';
import type { LogLine } from './fetch.js';

/** --level values, lowest first (kubectl-ish spellings; `warn` is logrus' `warning`). */
export const LEVEL_FLAGS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LevelFlag = (typeof LEVEL_FLAGS)[number];

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3, fatal: 4, panic: 5, unknown: -1 };
const FLAG_RANK: Record<LevelFlag, number> = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 };

export interface LogFilter {
  minLevel?: LevelFlag;
  grep?: RegExp;
  /** Only lines the catalog recognises, and fatal/panic lines it does not (as `unrecognised-error`). */
  errors?: boolean;
}

export interface AgentLogEntry extends LogLine {
  rec: LogRecord;
  catalog?: CatalogMatch;
}

/** --grep as a RegExp, or a one-line usage error. */
export function compileGrep(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new KdiagError(
      'usage',
      `invalid --grep regular expression "${pattern}": ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
    );
  }
}

/** undefined when the filter drops the line. `--grep` sees the line as the agent wrote it. */
export function judge(l: LogLine, f: LogFilter): AgentLogEntry | undefined {
  if (f.grep && !f.grep.test(l.line)) return undefined;
  const rec = parseLogLine(l.line);
  // A line without a level (panic stack, shell output) only passes when no level is asked for.
  if (f.minLevel && RANK[rec.level] < FLAG_RANK[f.minLevel]) return undefined;
  const catalog = f.errors ? classifyOrUnrecognised(rec) : classify(rec);
  if (f.errors && !catalog) return undefined;
  return catalog ? { ...l, rec, catalog } : { ...l, rec };
}

/** The -o json record: one object per line, the same shape for logrus, slog and plain text lines. */
export interface JsonLogRecord {
  node: string;
  pod: string;
  time: string | null;
  level: LogLevel;
  subsys: string | null;
  source: string | null;
  msg: string;
  fields: Record<string, string>;
  format: LogRecord['style'];
  catalog?: CatalogMatch;
}

export function toJson(e: AgentLogEntry): JsonLogRecord {
  const { subsys, module, source, ...fields } = e.rec.fields;
  void subsys;
  void module;
  const out: JsonLogRecord = {
    node: e.node,
    pod: e.pod,
    // The kubelet's stamp first: every line has one, in one format, and it is what the merge sorted by.
    time: e.time ?? e.rec.time ?? null,
    level: e.rec.level,
    subsys: e.rec.subsys ?? null,
    source: source ?? null,
    msg: e.rec.msg,
    fields,
    format: e.rec.style,
  };
  if (e.catalog) out.catalog = e.catalog;
  return out;
}
