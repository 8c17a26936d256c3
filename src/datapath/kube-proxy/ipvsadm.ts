// Reads `ipvsadm -Ln` (kube-proxy IPVS mode) into virtual services and their real servers.
// Format: the recordings in fixtures/kube-proxy/ (ipvsadm-Ln.*, IPVS 1.2.1).
import type { DatapathFrontend, DatapathTable, ParseWarning } from '../frontends.js';
import { isPort, numberedLines, splitHostPort, toProtocol } from '../frontends.js';

export interface IpvsFrontend extends DatapathFrontend {
  scheduler: string;
  /** What follows the scheduler, e.g. `persistent 10800`; empty when none. */
  flags: string;
}

export interface IpvsTable extends DatapathTable {
  frontends: IpvsFrontend[];
}

const VIRTUAL = /^(TCP|UDP|SCTP)\s+(\S+)\s+(\S+)\s*(.*)$/;
const REAL = /^->\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/;

export function parseIpvsadm(text: string): IpvsTable {
  const frontends: IpvsFrontend[] = [];
  const warnings: ParseWarning[] = [];
  // undefined before the first service; null while skipping the real servers of an unreadable one.
  let current: IpvsFrontend | null | undefined;

  for (const { n, text: raw } of numberedLines(text)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('IP Virtual Server version') || line.startsWith('Prot LocalAddress')) continue;
    if (line.startsWith('-> RemoteAddress')) continue;
    const v = VIRTUAL.exec(line);
    if (v) {
      const addr = splitHostPort(v[2]!);
      if (!addr) {
        warnings.push({ line: n, text: raw, reason: 'virtual service address is not a numeric ip:port' });
        current = null;
        continue;
      }
      current = { ...addr, protocol: toProtocol(v[1]!)!, backends: [], scheduler: v[3]!, flags: v[4]!.trim() };
      frontends.push(current);
      continue;
    }
    const r = REAL.exec(line);
    if (r) {
      if (current === null) continue;
      const addr = splitHostPort(r[1]!);
      const weight = Number(r[3]);
      if (current === undefined || !addr || !isPort(addr.port)) {
        warnings.push({
          line: n,
          text: raw,
          reason:
            current === undefined ? 'real server before any virtual service' : 'real server is not a numeric ip:port',
        });
        continue;
      }
      current.backends.push({ ...addr, weight });
      continue;
    }
    warnings.push({
      line: n,
      text: raw,
      reason: line.startsWith('FWM ') ? 'firewall-mark service (no address)' : 'not an ipvsadm -Ln line',
    });
    if (line.startsWith('FWM ')) current = null;
  }
  return { frontends, warnings };
}
