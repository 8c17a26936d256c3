// kube-proxy's rule sync fails on the node: every iptables-restore is refused, so the Services created
// since the last good sync have no rules there, and the log repeats `Failed to execute iptables-restore`
// / `Sync failed; retrying in 30s` (lines as kube-proxy 1.17 printed them, fixtures/kube-proxy/
// kube-proxy-log.v1.17.iptables-restore-failed.sync-retry.txt). A restart replays the same restore.
import { z } from 'zod';
import { defineFault, faultBase, svcRef } from './types.js';

/** klog's header `Lmmdd hh:mm:ss.uuuuuu threadid file:line]` (the fixture's spacing: 7-wide thread id). */
function klog(level: 'E' | 'I', d: Date, src: string, msg: string): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}000`;
  return `${level}${stamp}       1 ${src}] ${msg}`;
}

export default defineFault({
  schema: z
    .object({
      kind: z.literal('kube-proxy-sync-failing'),
      ...faultBase,
      /** Services (`ns/name`) created after the last good sync: no rules on the node. */
      services: z.array(svcRef).min(1),
      /** The failing restore line kube-proxy reports. */
      line: z.number().int().min(1).default(51),
    })
    .strict(),
  fixedByRestart: false,
  component: 'kube-proxy',
  services: (f) => f.services,
  natDrift: (f) => ({ hides: f.services }),
  // Stamped from the cluster's start, so every read of the log prints the same lines.
  kubeProxyLog: (f, since) => {
    const out: string[] = [];
    const now = since.getTime() + 120_000;
    for (let i = 3; i >= 0; i--) {
      const d = new Date(now - i * 30_000 - 5_000);
      out.push(
        klog(
          'E',
          d,
          'proxier.go:1507',
          `Failed to execute iptables-restore: exit status 1 (iptables-restore: line ${f.line} failed`,
        ),
        ')',
        klog('I', new Date(d.getTime() + 1), 'proxier.go:779', 'Sync failed; retrying in 30s'),
      );
    }
    return out;
  },
});
