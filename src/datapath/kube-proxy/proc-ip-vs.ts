// Reads `/proc/net/ip_vs`, the kernel's listing of the IPVS table: the same rows as `ipvsadm -Ln` with IPv4
// addresses and ports in hex (`TCP  0A600001:01BB rr`, `  -> 0A000305:1F90      Masq    1 …`). Format:
// Linux net/netfilter/ipvs/ip_vs_ctl.c `ip_vs_info_seq_show` (`"%s  %08X:%04X %s "`, `"  -> %08X:%04X …"`).
// kdiag reads it with `cat` where the kube-proxy image has no ipvsadm (the stock one does not).
import { parseIpvsadm, type IpvsTable } from './ipvsadm.js';

const HEX_ADDR = /\b([0-9A-F]{8}):([0-9A-F]{4})\b/g;

/** The hex `AABBCCDD:PPPP` pairs turned into `a.b.c.d:port`; then the ipvsadm parser reads the rows. */
export function parseProcIpVs(text: string): IpvsTable {
  const dotted = text
    .split('\n')
    .map((l) =>
      /^\s*(TCP|UDP|SCTP|->)\s/.test(l)
        ? l.replace(HEX_ADDR, (_, a: string, p: string) => {
            const n = parseInt(a, 16);
            return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}:${parseInt(p, 16)}`;
          })
        : l,
    )
    .join('\n');
  return parseIpvsadm(dotted);
}
