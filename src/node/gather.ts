// Reads one node's facts on the node itself, only those the selected checks need, one after the other
// (kdiag is one process on one host here; bpftool is the only slow read).
import { release } from 'node:os';
import type { NodeFacts } from '../model/node-facts.js';
import { oneLine } from '../errors.js';
import { readKernelConfig } from './kernel.js';
import { localPrograms } from './programs.js';
import { probeBtf, readCapEff, readMounts } from './system.js';

export interface NodeGatherOptions {
  node: string;
  config: Record<string, string>;
  minor?: number;
  kernelConfig?: string;
  bpftool?: string;
  timeoutMs?: number;
}

export async function gatherNodeFacts(needs: Iterable<keyof NodeFacts>, opts: NodeGatherOptions): Promise<NodeFacts> {
  const want = new Set(needs);
  const facts: NodeFacts = { node: opts.node, config: opts.config, minor: opts.minor };
  if (want.has('kernelRelease')) facts.kernelRelease = release();
  if (want.has('kernelConfig')) facts.kernelConfig = await readKernelConfig(opts.kernelConfig);
  if (want.has('btf')) facts.btf = await probeBtf();
  if (want.has('mounts')) facts.mounts = await readMounts();
  if (want.has('capEff')) facts.capEff = await readCapEff();
  if (want.has('programs')) {
    try {
      facts.programs = await localPrograms({ bpftool: opts.bpftool, timeoutMs: opts.timeoutMs });
    } catch (e) {
      facts.programs = { error: oneLine(e) };
    }
  }
  return facts;
}
