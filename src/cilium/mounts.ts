// Is a BPF filesystem mounted at /sys/fs/bpf? Read from a /proc/mounts table: the agent pod's (cluster
// gather) or the host's (`preflight node`).
import type { BpffsFact } from '../model/facts.js';

export function bpffsFromMounts(mounts: string): BpffsFact {
  const line = mounts.split('\n').find((l) => {
    const f = l.split(/\s+/);
    return f[1] === '/sys/fs/bpf' && f[2] === 'bpf';
  });
  return line
    ? { mounted: true, evidence: line.trim() }
    : { mounted: false, evidence: 'no "bpf" filesystem at /sys/fs/bpf in /proc/mounts' };
}
