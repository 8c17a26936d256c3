// Detects a kernel built without the options Cilium's eBPF datapath needs (source: /proc/config.gz or /boot/config-$(uname -r) vs Cilium's system requirements).
import type { Check } from '../../model/check.js';
import type { NodeFacts } from '../../model/node-facts.js';
import { KERNEL_CONFIG_ID, judgeKernelConfig } from '../kernel.js';

export const nodeKernelConfig: Check<NodeFacts> = {
  id: KERNEL_CONFIG_ID,
  title: 'The kernel is built with the options the eBPF datapath needs',
  reasons: ['ok', 'missing-required', 'missing-recommended'],
  needs: ['kernelConfig'],
  rbac: [],
  requires: 'read /proc/config.gz or /boot/config-$(uname -r)',
  run: (f) => judgeKernelConfig(f.node, f.kernelConfig!),
};
