// The Cilium (eBPF) datapath.
import { CHECKS } from '../checks/index.js';
import { readCiliumConfig } from '../cilium/config.js';
import { requiredPrograms } from '../cilium/programs.js';
import type { Facts } from '../model/facts.js';
import type { Datapath, DatapathProgram, Detection } from './types.js';

export const ciliumDatapath: Datapath = {
  id: 'cilium',
  title: 'Cilium eBPF',
  detect(facts: Facts): Detection {
    const c = facts.cilium;
    if (!c.ok) return { present: false, evidence: [{ source: 'DaemonSet lookup', excerpt: c.error }] };
    return {
      present: true,
      evidence: [{ source: 'DaemonSet', excerpt: `${c.value.namespace}/${c.value.daemonSet} ${c.value.version}` }],
    };
  },
  checks: CHECKS,
  requiredPrograms(facts: Facts): DatapathProgram[] {
    if (!facts.config.ok) return [];
    const minor = facts.cilium.ok ? (facts.cilium.value.minor ?? 13) : 13;
    return requiredPrograms(readCiliumConfig(facts.config.value), minor).map((p) => ({
      name: p.name,
      type: p.type,
      reason: p.reason,
    }));
  },
};
