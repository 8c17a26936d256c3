// Detects kdiag running without the capabilities it needs to inspect eBPF state (source: CapEff in /proc/self/status).
import type { Check } from '../../model/check.js';
import type { NodeFacts } from '../../model/node-facts.js';
import { CAPS_ID, judgeCapabilities } from '../system.js';

export const nodeCapabilities: Check<NodeFacts> = {
  id: CAPS_ID,
  title: 'kdiag runs with the capabilities needed to inspect eBPF state',
  reasons: ['ok', 'missing'],
  needs: ['capEff'],
  rbac: [],
  requires: 'read /proc/self/status',
  run: (f) => [judgeCapabilities(f.node, f.capEff!)],
};
