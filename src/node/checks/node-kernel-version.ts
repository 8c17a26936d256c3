// Detects a kernel release below Cilium's minimum for this version and its enabled features, read on the node (source: os.release vs src/cilium/kernel.ts).
import { kprOrSocketLb } from '../../cilium/kpr.js';
import type { Check } from '../../model/check.js';
import type { NodeFacts } from '../../model/node-facts.js';
import { KERNEL_VERSION_ID, judgeKernelVersion } from '../kernel.js';

export const nodeKernelVersion: Check<NodeFacts> = {
  id: KERNEL_VERSION_ID,
  title: "The kernel release meets Cilium's minimum (4.9; 5.4 recommended; more for enabled features)",
  reasons: ['ok', 'below-minimum', 'feature-needs-newer', 'patch-unknown', 'below-recommended', 'unparseable'],
  needs: ['kernelRelease'],
  rbac: [],
  requires: 'none',
  run: (f) => [judgeKernelVersion(f.node, { minor: f.minor, kpr: kprOrSocketLb(f.config), release: f.kernelRelease })],
};
