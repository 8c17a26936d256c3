// Detects a kernel without BTF, which CO-RE features need (source: /sys/kernel/btf/vmlinux).
import type { Check } from '../../model/check.js';
import type { NodeFacts } from '../../model/node-facts.js';
import { BTF_ID, judgeBtf } from '../system.js';

export const nodeBtf: Check<NodeFacts> = {
  id: BTF_ID,
  title: 'Kernel BTF is available (/sys/kernel/btf/vmlinux)',
  reasons: ['present', 'missing'],
  needs: ['btf'],
  rbac: [],
  requires: 'read /sys/kernel/btf',
  run: (f) => [judgeBtf(f.node, f.btf!)],
};
