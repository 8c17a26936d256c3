// A program check's prelude (socket-lb uses it): the programs cilium-config asks for at this Cilium
// version, then one call per node whose `bpftool prog show` listing was gathered (a node without one is
// unknown). Not a check itself; not in the registry. bpf-programs keeps its own (it also reads the config).
import { readCiliumConfig } from '../cilium/config.js';
import { requiredPrograms, type RequiredProgram } from '../cilium/programs.js';
import type { BpfProgram } from '../model/cilium.js';
import type { Finding } from '../model/check.js';
import type { Facts } from '../model/facts.js';
import { agentNodes, perNode } from './util.js';

export interface RequiredSet {
  /** The programs the config needs, named as this version names them (1.13+ when the version is unknown). */
  required: RequiredProgram[];
  /** When the version is unknown: the same programs in 1.12's naming, index for index. */
  alt?: RequiredProgram[];
}

/** What the config requires; undefined when cilium-config was not read (nothing to judge against). */
export function requiredProgramSet(facts: Facts): RequiredSet | undefined {
  if (!facts.config.ok) return undefined;
  const cfg = readCiliumConfig(facts.config.value);
  const minor = facts.cilium.ok ? facts.cilium.value.minor : undefined;
  const required = requiredPrograms(cfg, minor ?? 13);
  return minor === undefined ? { required, alt: requiredPrograms(cfg, 12) } : { required };
}

/** `fn` for each agent node's program listing; nodes whose listing is missing or failed get `unknown`. */
export function perNodeListing(
  check: string,
  facts: Facts,
  fn: (node: string, progs: BpfProgram[]) => Finding[],
): Finding[] {
  return perNode(check, '`bpftool prog show`', agentNodes(facts, facts.bpfPrograms), facts.bpfPrograms, fn);
}
