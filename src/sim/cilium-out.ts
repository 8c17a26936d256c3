// The simulator's bridge to the real Cilium output formats in src/cilium/formats/ (shared with the
// parsers, so what the sim prints is exactly what kdiag parses on a real cluster).
import type { LbService, LogRecord } from '../cilium/types.js';
import { renderBpftoolProgJson, renderBpftoolProgText } from '../cilium/formats/bpftool.js';
import { renderLogLine } from '../cilium/formats/log.js';
import {
  renderServiceListJson,
  renderServiceListText,
  serviceListTextFormatFor,
} from '../cilium/formats/service-list.js';
import { cliFor, logStyleFor } from '../cilium/versions.js';
export { renderCiliumStatus } from '../cilium/formats/status.js';
export type { StatusRenderInput } from '../cilium/formats/status.js';

export { renderBpftoolProgJson, renderBpftoolProgText };

export { cliFor, logStyleFor };

export function logLine(rec: Omit<LogRecord, 'raw' | 'style'>, minor: number): string {
  const style = logStyleFor(minor);
  const r: LogRecord = { ...rec, style, raw: '' };
  // logrus in ≤1.14 agents printed no time (Cilium's text formatter had DisableTimestamp).
  if (style === 'logrus' && minor < 15) delete r.time;
  return renderLogLine(r, style);
}

/** Text service list, streamed: yields the header once and then rows in chunks. */
export function* serviceListTextChunks(services: Iterable<LbService>, minor: number, chunk = 500): Generator<string> {
  const format = serviceListTextFormatFor(minor);
  let batch: LbService[] = [];
  let first = true;
  const flush = (): string => {
    let text = renderServiceListText(batch, format);
    if (!first) text = text.slice(text.indexOf('\n') + 1);
    first = false;
    batch = [];
    return text;
  };
  for (const s of services) {
    batch.push(s);
    if (batch.length >= chunk) yield flush();
  }
  if (batch.length || first) yield flush();
}

/** JSON service list, streamed in chunks of whole array elements. */
export function* serviceListJsonChunks(services: Iterable<LbService>, chunk = 200): Generator<string> {
  let batch: LbService[] = [];
  let wrote = false;
  const inner = (): string => {
    const text = renderServiceListJson(batch).trimEnd();
    batch = [];
    // strip the enclosing "[\n" … "\n]"
    return text
      .slice(text.indexOf('[') + 1, text.lastIndexOf(']'))
      .replace(/^\n/, '')
      .replace(/\n$/, '');
  };
  for (const s of services) {
    batch.push(s);
    if (batch.length >= chunk) {
      yield (wrote ? ',\n' : '[\n') + inner();
      wrote = true;
    }
  }
  if (batch.length) {
    yield (wrote ? ',\n' : '[\n') + inner();
    wrote = true;
  }
  yield wrote ? '\n]\n' : renderServiceListJson([]);
}
