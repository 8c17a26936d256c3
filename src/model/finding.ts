// Building a finding: `check-id/reason` ids, the subject from the node, and excerpts kept short. Used by
// the cluster checks and the node checks alike.
import type { Evidence, Finding, Remediation, Status } from './check.js';

export interface FindingInit {
  status: Status;
  subject?: string;
  node?: string;
  message: string;
  evidence?: Evidence[];
  cause?: string;
  basis?: 'live' | 'log';
  clears?: string[];
  remediation?: Remediation;
}

export function finding(check: string, reason: string, init: FindingInit): Finding {
  const f: Finding = {
    id: `${check}/${reason}`,
    check,
    status: init.status,
    subject: init.subject ?? (init.node ? `node/${init.node}` : 'cluster'),
    message: init.message,
    evidence: init.evidence ?? [],
  };
  if (init.node) f.node = init.node;
  if (init.cause) f.cause = init.cause;
  if (init.basis) f.basis = init.basis;
  if (init.clears?.length) f.clears = init.clears;
  if (init.remediation) f.remediation = init.remediation;
  return f;
}

/** Longest line kept as evidence: a 1 MB log line is cut here, with its size. */
export const MAX_LINE_CHARS = 2000;

/** A line cut at `max` characters with an ellipsis and its full size in bytes. */
export function capLine(line: string, max = MAX_LINE_CHARS): string {
  if (line.length <= max) return line;
  if (line.length <= max + 32 && /… \(\d+ bytes\)$/.test(line)) return line; // cut once already
  return `${line.slice(0, max)}… (${Buffer.byteLength(line, 'utf8')} bytes)`;
}

/** The first N items, each cut at MAX_LINE_CHARS, and "… (+K more)" for evidence excerpts. */
export function capped(lines: string[], n = 20): string {
  const head = lines.slice(0, n).map((l) => capLine(l));
  if (lines.length > n) head.push(`… (+${lines.length - n} more)`);
  return head.join('\n');
}
