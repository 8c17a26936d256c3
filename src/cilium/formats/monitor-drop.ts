// `cilium-dbg monitor --type drop` (text): one `xx drop (REASON) …` line per dropped packet.
// The line is printed by DropNotify.DumpInfo in pkg/monitor/datapath_drop.go:
//   "xx drop (%s) flow %#x to endpoint %d, ifindex %d, file %s:%d, " then ", identity %s->%s" then ": %s"
// with the reason from api.DropReasonExt (pkg/monitor/api/drop.go: the table's text, plus ", N" when the
// extended error is not 0; "%d, %d" for a code the table lacks) and the connection summary
// (pkg/monitor/dissect.go, GetConnectionSummary: "SRC:PORT -> DST:PORT tcp SYN"). Older agents print
// fewer fields: no ifindex/file (v1.6 docs line, fixture monitor-drop.v1.7-docs.policy-denied.txt) or
// "file bpf_lxc.c line 1916". Header lines ("Listening for events on …", "Press Ctrl-C to quit",
// "level=info msg=…") and other event types are not drops and are skipped.
import { ParseError } from '../../errors.js';
import type { DropEvent } from '../../model/drops.js';

const SOURCE = 'cilium-dbg monitor --type drop';
const PREFIX = 'xx drop (';
/** The reason ends at the last ") flow " (a reason may hold parentheses: "(datapath BUG!)", "(NAT46)"). */
const HEAD = /^xx drop \((.+)\) flow (0x[0-9a-fA-F]+)\b(.*)$/;
const IDENTITY = /, identity ([^\s>]+?)->([^\s:]+): (.*)$/;
const ENDPOINT = /^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:.]+?)(?::(\d+))?$/;

/** One monitor line: a DropEvent, or undefined for a line that is not a drop (header, other events). */
export function parseMonitorDropLine(line: string, lineNo?: number): DropEvent | undefined {
  const raw = line.replace(/\r$/, '');
  const text = raw.trimStart();
  if (!text.startsWith(PREFIX)) return undefined;
  const head = HEAD.exec(text);
  if (!head) throw new ParseError(SOURCE, `a drop line without "(REASON) flow 0x…": ${text.slice(0, 120)}`, lineNo);
  const { reason, extError } = splitReason(head[1]!);
  const ev: DropEvent = { reason, ...(extError !== undefined ? { extError } : {}), raw: text };
  const id = IDENTITY.exec(head[3]!);
  if (id) {
    ev.srcIdentity = id[1];
    ev.dstIdentity = id[2];
    const flow = /^(\S+) -> (\S+)/.exec(id[3]!);
    if (flow) {
      const s = endpoint(flow[1]!);
      const d = endpoint(flow[2]!);
      if (s) Object.assign(ev, { src: s.ip, ...(s.port !== undefined ? { srcPort: s.port } : {}) });
      if (d) Object.assign(ev, { dst: d.ip, ...(d.port !== undefined ? { dstPort: d.port } : {}) });
    }
  }
  return ev;
}

/** Every drop in a monitor's output, in order. */
export function parseMonitorDrops(text: string): DropEvent[] {
  const out: DropEvent[] = [];
  text.split('\n').forEach((l, i) => {
    const ev = parseMonitorDropLine(l, i + 1);
    if (ev) out.push(ev);
  });
  return out;
}

/** "CT: Map insertion failed, -7" → reason and extended error; "199, 0" (unknown code) stays whole. */
function splitReason(text: string): { reason: string; extError?: number } {
  if (/^\d+, -?\d+$/.test(text)) return { reason: text };
  const m = /^(.*\D), (-?\d+)$/.exec(text);
  return m ? { reason: m[1]!, extError: Number(m[2]) } : { reason: text };
}

function endpoint(text: string): { ip: string; port?: number } | undefined {
  // IPv4 "10.0.0.1:80"; IPv6 summaries print "[fd00::1]:80" or a bare address.
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text);
  if (v6) return { ip: v6[1]!, port: Number(v6[2]) };
  if ((text.match(/:/g) ?? []).length > 1) return /^[0-9a-fA-F:.]+$/.test(text) ? { ip: text } : undefined;
  const m = ENDPOINT.exec(text);
  if (!m) return undefined;
  return { ip: m[1]!, ...(m[2] !== undefined ? { port: Number(m[2]) } : {}) };
}
