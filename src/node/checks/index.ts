// The node check registry (`kdiag preflight node`): same `Check` shape as src/checks/, over one node's
// facts. Order = run order.
import type { Check } from '../../model/check.js';
import type { NodeFacts } from '../../model/node-facts.js';
import { nodeBpfPrograms } from './node-bpf-programs.js';
import { nodeBpffs } from './node-bpffs.js';
import { nodeBtf } from './node-btf.js';
import { nodeCapabilities } from './node-capabilities.js';
import { nodeKernelConfig } from './node-kernel-config.js';
import { nodeKernelVersion } from './node-kernel-version.js';

export const NODE_CHECKS: Check<NodeFacts>[] = [
  nodeKernelVersion,
  nodeKernelConfig,
  nodeBtf,
  nodeBpffs,
  nodeCapabilities,
  nodeBpfPrograms,
];
