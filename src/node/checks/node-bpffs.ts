// Detects a host without a BPF filesystem at /sys/fs/bpf (source: /proc/1/mounts or /proc/self/mounts).
import type { Check } from '../../model/check.js';
import type { NodeFacts } from '../../model/node-facts.js';
import { BPFFS_ID, judgeBpffs } from '../system.js';

export const nodeBpffs: Check<NodeFacts> = {
  id: BPFFS_ID,
  title: 'A BPF filesystem is mounted at /sys/fs/bpf',
  reasons: ['mounted', 'not-mounted'],
  needs: ['mounts'],
  rbac: [],
  requires: 'read /proc/1/mounts (hostPID) or /proc/self/mounts',
  run: (f) => [judgeBpffs(f.node, f.mounts!)],
};
