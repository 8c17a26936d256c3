// Cilium agent log lines: logrus TextFormatter (≤1.17), slog TextHandler (1.18+), and plain text
// (shell output of the old init scripts, Go panic stacks, kubectl noise).
//
// logrus (github.com/sirupsen/logrus text_formatter.go): keys time, level, msg first, the other fields
// sorted by key; a value is bare when every rune is in [A-Za-z0-9-._/@^+], otherwise quoted with
// fmt's %q (an empty value is bare unless QuoteEmptyFields). Cilium's default "text" format has no time.
// slog (Go log/slog text_handler.go, needsQuoting): time, level, source, msg, then attributes in order;
// a value is quoted (strconv.Quote) when empty, or when it has a space, '=', '"', a control or
// non-printing rune. Cilium's handler lower-cases the level and prints fatal/panic for its two extra
// levels, time as RFC3339Nano (pkg/logging/slog.go, replaceAttrFn).

import type { LogLevel, LogRecord } from '../types.js';

const LEVELS: Record<string, LogLevel> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  warning: 'warning',
  error: 'error',
  fatal: 'fatal',
  panic: 'panic',
};

export function normalizeLevel(raw: string): LogLevel {
  // slog prints custom levels as offsets, e.g. "ERROR+4"
  return LEVELS[raw.toLowerCase().replace(/[+-]\d+$/, '')] ?? 'unknown';
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Reads a Go-quoted string starting at s[i] === '"'; returns value and index after the closing quote. */
function readQuoted(s: string, i: number): [string, number] | undefined {
  let out = '';
  i++;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') return [out, i + 1];
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = s[i + 1];
    if (e === undefined) return undefined;
    if (SIMPLE_ESCAPES[e] !== undefined) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = s.slice(i + 2, i + 2 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return undefined;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) return undefined;
      out += String.fromCodePoint(cp);
      i += 2 + len;
    } else if (/[0-7]/.test(e)) {
      const oct = s.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      out += String.fromCharCode(parseInt(oct, 8));
      i += 4;
    } else {
      return undefined;
    }
  }
  return undefined;
}

interface Pair {
  key: string;
  value: string;
  quoted: boolean;
}

/** logfmt as logrus/slog write it; undefined when the line is not entirely key=value pairs. */
function tokenize(s: string): Pair[] | undefined {
  const pairs: Pair[] = [];
  let i = 0;
  while (i < s.length) {
    while (s[i] === ' ') i++;
    if (i >= s.length) break;
    const km = /^([A-Za-z_][A-Za-z0-9_.\-/]*)=/.exec(s.slice(i, i + 256));
    if (!km) return undefined;
    const key = km[1]!;
    i += km[0].length;
    if (s[i] === '"') {
      const q = readQuoted(s, i);
      if (!q) return undefined;
      pairs.push({ key, value: q[0], quoted: true });
      i = q[1];
      if (i < s.length && s[i] !== ' ') return undefined;
    } else {
      let j = i;
      while (j < s.length && s[j] !== ' ') j++;
      pairs.push({ key, value: s.slice(i, j), quoted: false });
      i = j;
    }
  }
  return pairs;
}

const KUBECTL_TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) (?=[A-Za-z_]+=)/;

function textRecord(line: string): LogRecord {
  return { level: 'unknown', msg: line.trim(), fields: {}, style: 'text', raw: line };
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/** Never throws: anything that is not a complete logrus/slog line comes back as style `text`. */
export function parseLogLine(line: string): LogRecord {
  try {
    const raw = String(line)
      .replace(/\r?\n$/, '')
      .replace(/\r$/, '');
    let body = raw;
    let prefixTime: string | undefined;
    const ts = KUBECTL_TS.exec(body);
    if (ts) {
      // `kubectl logs --timestamps` prefix
      prefixTime = ts[1];
      body = body.slice(ts[0].length);
    }
    const pairs = tokenize(body);
    if (!pairs) return textRecord(raw);
    const levelPair = pairs.find((p) => p.key === 'level');
    const msgPair = pairs.find((p) => p.key === 'msg');
    if (!levelPair || !msgPair) return textRecord(raw);
    const timePair = pairs.find((p) => p.key === 'time');
    const fields: Record<string, string> = {};
    const order: string[] = [];
    for (const p of pairs) {
      if (p.key === 'level' || p.key === 'msg' || p.key === 'time') continue;
      fields[p.key] = p.value;
      order.push(p.key);
    }
    let style: LogRecord['style'];
    if (timePair) style = timePair.quoted ? 'logrus' : 'slog';
    else if ('source' in fields || /^[A-Z]/.test(levelPair.value) || levelPair.value === 'warn') style = 'slog';
    else style = isSorted(order) ? 'logrus' : 'slog';
    const rec: LogRecord = { level: normalizeLevel(levelPair.value), msg: msgPair.value, fields, style, raw };
    const time = timePair?.value ?? prefixTime;
    if (time !== undefined) rec.time = time;
    const subsys = fields.subsys ?? fields.module;
    if (subsys !== undefined) rec.subsys = subsys;
    return rec;
  } catch {
    return textRecord(String(line));
  }
}

// ---- rendering

/** Go strconv.Quote / fmt %q (printable runes kept, others escaped). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp === 7) out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (ch === ' ' || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) out += ch;
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

function logrusValue(v: string): string {
  return /^[A-Za-z0-9\-._/@^+]*$/.test(v) ? v : goQuote(v);
}

function slogNeedsQuoting(v: string): boolean {
  if (v === '') return true;
  for (const ch of v) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      if (ch !== '\\' && (ch === ' ' || ch === '=' || ch === '"' || cp < 0x20 || cp === 0x7f)) return true;
    } else if ((cp >= 0xd800 && cp <= 0xdfff) || !/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) {
      return true;
    }
  }
  return false;
}

function slogValue(v: string): string {
  return slogNeedsQuoting(v) ? goQuote(v) : v;
}

const LOGRUS_LEVEL: Record<LogLevel, string> = {
  debug: 'debug',
  info: 'info',
  warning: 'warning',
  error: 'error',
  fatal: 'fatal',
  panic: 'panic',
  unknown: 'info',
};
// slog's own names, lower-cased by Cilium's replaceAttrFn (WARN -> "warn")
const SLOG_LEVEL: Record<LogLevel, string> = {
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  panic: 'panic',
  unknown: 'info',
};

export function renderLogLine(rec: LogRecord, style: 'logrus' | 'slog'): string {
  const fields: Record<string, string> = { ...rec.fields };
  if (rec.subsys !== undefined && fields.subsys === undefined && fields.module === undefined)
    fields.subsys = rec.subsys;
  const parts: string[] = [];
  if (style === 'logrus') {
    if (rec.time !== undefined) parts.push(`time=${logrusValue(rec.time)}`);
    parts.push(`level=${LOGRUS_LEVEL[rec.level]}`, `msg=${logrusValue(rec.msg)}`);
    for (const k of Object.keys(fields).sort()) parts.push(`${k}=${logrusValue(fields[k]!)}`);
  } else {
    if (rec.time !== undefined) parts.push(`time=${slogValue(rec.time)}`);
    parts.push(`level=${SLOG_LEVEL[rec.level]}`);
    if (fields.source !== undefined) parts.push(`source=${slogValue(fields.source)}`);
    parts.push(`msg=${slogValue(rec.msg)}`);
    for (const [k, v] of Object.entries(fields)) if (k !== 'source') parts.push(`${k}=${slogValue(v)}`);
  }
  return parts.join(' ');
}
