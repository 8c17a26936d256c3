// `kdiag preflight node` as one call: read this node's facts, run the node checks through the same runner
// as the cluster checks, and list the programs (for `-o json`).
import { hostname } from 'node:os';
import { KdiagError } from '../errors.js';
import type { Check, Finding } from '../model/check.js';
import type { NodeFacts } from '../model/node-facts.js';
import { NODE_CHECKS } from '../node/checks/index.js';
import { gatherNodeFacts, type NodeGatherOptions } from '../node/gather.js';
import { comparePrograms, expectationFor, type ProgramRow } from '../node/programs.js';
import { runChecks } from './run-checks.js';

export interface NodePreflightOptions extends Omit<NodeGatherOptions, 'node'> {
  node?: string;
  only?: string[];
  skip?: string[];
}

export interface NodePreflightResult {
  node: string;
  checks: Check<NodeFacts>[];
  findings: Finding[];
  programs?: ProgramRow[];
}

export function selectNodeChecks(only?: string[], skip?: string[]): Check<NodeFacts>[] {
  const ids = new Set(NODE_CHECKS.map((c) => c.id));
  for (const id of [...(only ?? []), ...(skip ?? [])]) {
    if (!ids.has(id))
      throw new KdiagError('usage', `unknown node check id: ${id}`, { hint: `node checks: ${[...ids].join(', ')}` });
  }
  return NODE_CHECKS.filter((c) => (!only?.length || only.includes(c.id)) && !skip?.includes(c.id));
}

export async function runNodePreflight(opts: NodePreflightOptions): Promise<NodePreflightResult> {
  const node = opts.node ?? hostname();
  const checks = selectNodeChecks(opts.only, opts.skip);
  const facts = await gatherNodeFacts(
    checks.flatMap((c) => c.needs),
    { ...opts, node },
  );
  const findings = runChecks(facts, { checks });
  const programs =
    facts.programs && !('error' in facts.programs)
      ? comparePrograms(facts.programs, expectationFor(facts.config, facts.minor, facts.kernelRelease))
      : undefined;
  return { node, checks, findings, programs };
}
