// Reads `calico-node -bpf nat dump` (Calico eBPF, run in the calico-node pod): frontend lines and their
// `id:index` backend lines. Format: projectcalico/calico felix/cmd/calico-bpf/commands/nat.go `dumpNice`
// (commit 604d6ee4), as cited in fixtures/calico/SOURCES.md.
import type { DatapathFrontend, DatapathTable, L4Protocol, ParseWarning } from '../frontends.js';
import { isIp, isPort, numberedLines, splitHostPort } from '../frontends.js';

export interface CalicoNatFrontend extends DatapathFrontend {
  id: number;
  /** Backends the frontend claims (`count`); more than `backends` when some are missing or cut. */
  count: number;
  local: number;
  flags: string[];
  /** Backend indexes the dump printed as `is missing` (frontend points at a backend the map lacks). */
  missing: number[];
}

export interface CalicoNatTable extends DatapathTable {
  frontends: CalicoNatFrontend[];
}

const FRONTEND = /^(\S+) port (\d+) proto (\d+) id (\d+) count (\d+) local (\d+)(?: flags (.*))?$/;
const BACKEND = /^(\d+):(\d+)\s+(.*)$/;
const PROTOCOLS: Record<string, L4Protocol> = { '6': 'TCP', '17': 'UDP', '132': 'SCTP' };

export function parseCalicoNatDump(text: string): CalicoNatTable {
  const frontends: CalicoNatFrontend[] = [];
  const warnings: ParseWarning[] = [];
  let current: CalicoNatFrontend | undefined;
  const lastLine = new Map<CalicoNatFrontend, number>();

  for (const { n, text: raw } of numberedLines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    const f = FRONTEND.exec(line);
    if (f) {
      const port = Number(f[2]);
      const protocol = PROTOCOLS[f[3]!];
      current = undefined;
      if (!isIp(f[1]!) || !isPort(port) || !protocol) {
        warnings.push({ line: n, text: raw, reason: 'frontend with an unreadable address, port or protocol' });
        continue;
      }
      current = {
        ip: f[1]!,
        port,
        protocol,
        backends: [],
        id: Number(f[4]),
        count: Number(f[5]),
        local: Number(f[6]),
        flags: f[7] ? f[7].split(/[\s,]+/).filter(Boolean) : [],
        missing: [],
        source: `id ${f[4]}`,
      };
      frontends.push(current);
      lastLine.set(current, n);
      continue;
    }
    const b = BACKEND.exec(line);
    if (b) {
      const id = Number(b[1]);
      const index = Number(b[2]);
      if (!current || current.id !== id) {
        warnings.push({ line: n, text: raw, reason: 'backend line not under its frontend' });
        continue;
      }
      lastLine.set(current, n);
      const value = b[3]!.trim();
      if (value === 'is missing') {
        current.missing.push(index);
        continue;
      }
      const addr = splitHostPort(value);
      if (addr) current.backends.push(addr);
      else warnings.push({ line: n, text: raw, reason: 'backend is not a numeric ip:port' });
      continue;
    }
    current = undefined;
    warnings.push({ line: n, text: raw, reason: 'not a nat dump line' });
  }

  for (const fe of frontends) {
    if (fe.backends.length + fe.missing.length < fe.count) {
      warnings.push({
        line: lastLine.get(fe)!,
        text: `${fe.ip} port ${fe.port} id ${fe.id}`,
        reason: `frontend claims ${fe.count} backends, ${fe.backends.length + fe.missing.length} listed (output cut?)`,
      });
    }
  }
  return { frontends, warnings };
}
