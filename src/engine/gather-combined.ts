// Fewer execs per node (issue #13): the small per-node reads (`bpftool -j prog show`, `<cli> status`,
// `cat /proc/mounts`, the node-side filter or digest of the LB map, `iptables-save -t nat`) run as ONE exec of a fixed script
// that prints each section between separator lines with its own exit code. Each section is parsed into the
// same fact the separate exec gives; a section that is not a clean answer (its tool missing or failing,
// output the parser refuses), and every section of a node whose script could not run (no shell: exit
// 126/127, a timeout, missing separators), is read again by today's separate exec, so findings and their
// reasons never depend on which path answered. Values (the CLI name, the filter's frontends) are
// validated first and passed as positional arguments, never written into the script.
import type { KubeClient } from '../cluster/client.js';
import { AGENT_CONTAINER } from '../cilium/discovery.js';
import { parseBpftoolProgJson, type BpfProgramDetail } from '../cilium/formats/bpftool.js';
import { parseCiliumStatus } from '../cilium/formats/status.js';
import { bpffsFromMounts } from '../cilium/mounts.js';
import type { CiliumCli, CiliumStatus, LbService } from '../cilium/types.js';
import type { FactKey } from '../model/check.js';
import type { AgentPodFact, BpffsFact } from '../model/facts.js';
import type { KubeProxyLeftoversFact } from '../model/kube-proxy.js';
import {
  NODE_SCRIPT,
  NODE_SCRIPT_NAME,
  SECTION_BEGIN,
  SECTION_END,
  SECTIONS,
  type SectionName,
} from '../model/node-script.js';
import { parseNodeDigest, type NodeDigest } from './gather-digest.js';
import { filteredRows, type FrontendKeys } from './gather-filter.js';
import { leftoversFromNat } from './gather-leftovers.js';

// The script text, its sections and separators live in src/model/node-script.ts: the simulator answers it too.
export { NODE_SCRIPT, SECTIONS, type SectionName };

export interface Section {
  exitCode: number;
  stdout: string;
}

const BEGIN = SECTION_BEGIN;
const END = SECTION_END;

/** The exact argv run in the agent container (the user can run it with kubectl exec). */
export function nodeScriptArgv(cli: CiliumCli, sections: SectionName[], keys?: FrontendKeys): string[] {
  return [
    'sh',
    '-c',
    NODE_SCRIPT,
    NODE_SCRIPT_NAME,
    cli,
    sections.join(' '),
    ...(sections.includes('filter') && keys
      ? [...keys.ips.map((ip) => `ip=${ip}`), ...keys.ports.map((p) => `port=${p}`)]
      : []),
  ];
}

/** The script's output cut back into its sections; undefined when any separator is missing or out of place. */
export function splitSections(stdout: string, names: SectionName[]): Map<SectionName, Section> | undefined {
  const out = new Map<SectionName, Section>();
  let pos = 0;
  for (const name of names) {
    const begin = `${BEGIN}${name}\n`;
    if (!stdout.startsWith(begin, pos)) return undefined;
    pos += begin.length;
    const endAt = stdout.indexOf(`\n${END}${name} exit=`, pos);
    if (endAt < 0) return undefined;
    const m = /^exit=(\d+)\n/.exec(stdout.slice(endAt + 1 + END.length + name.length + 1, endAt + 64));
    if (!m) return undefined;
    out.set(name, { exitCode: Number(m[1]), stdout: stdout.slice(pos, endAt) });
    pos = endAt + 1 + END.length + name.length + 1 + m[0].length;
  }
  return pos === stdout.length ? out : undefined;
}

/** Which sections one node's script prints, from what the run needs; undefined when it would save nothing. */
export interface NodeScriptPlan {
  sections: SectionName[];
  keys?: FrontendKeys;
}

export function planNodeScript(want: {
  progs: boolean;
  status: boolean;
  mounts: boolean;
  filter?: FrontendKeys;
  digest: boolean;
  nat: boolean;
}): NodeScriptPlan | undefined {
  const sections = SECTIONS.filter((s) => (s === 'filter' ? !!want.filter : want[s]));
  return sections.length >= 2 ? { sections, ...(want.filter ? { keys: want.filter } : {}) } : undefined;
}

/**
 * One script exec per running agent, started on the client's pool before any other per-node task (so a
 * task waiting on it never holds the slot it needs), memoized; the section readers below turn its output
 * into facts or undefined (then the caller runs today's separate exec).
 */
export class NodeScript {
  private readonly runs = new Map<string, Promise<Map<SectionName, Section> | undefined>>();

  constructor(
    private readonly client: KubeClient,
    readonly plan: NodeScriptPlan,
    private readonly cli: () => CiliumCli,
  ) {}

  /** Starts every agent's script now, in this order. */
  start(agents: AgentPodFact[]): void {
    for (const a of agents) if (a.agent.running) this.sectionsOf(a);
  }

  /** The argv the script ran with on this run (for the evidence). */
  argv(): string[] {
    return nodeScriptArgv(this.cli(), this.plan.sections, this.plan.keys);
  }

  private sectionsOf(a: AgentPodFact): Promise<Map<SectionName, Section> | undefined> {
    let p = this.runs.get(a.node);
    if (!p) {
      p = this.client
        .pool(async () => {
          const r = await this.client.exec(a.namespace, a.name, AGENT_CONTAINER, this.argv());
          // 126/127: no shell in the image; anything but 0 is not our script's answer.
          return r.exitCode === 0 ? splitSections(r.stdout, this.plan.sections) : undefined;
        })
        .catch((): undefined => undefined);
      this.runs.set(a.node, p);
    }
    return p;
  }

  private async section(a: AgentPodFact, name: SectionName): Promise<Section | undefined> {
    if (!this.plan.sections.includes(name) || !a.agent.running || !this.runs.has(a.node)) return undefined;
    return (await this.sectionsOf(a))?.get(name);
  }

  /** The fact this node's script gives for a per-node fact key; undefined: read it with its own exec. */
  fact(key: FactKey, a: AgentPodFact): Promise<unknown> | undefined {
    if (key === 'bpfPrograms') return this.progs(a);
    if (key === 'status') return this.status(a);
    if (key === 'bpffs') return this.mounts(a);
    if (key === 'kubeProxyLeftovers') return this.nat(a);
    return undefined;
  }

  /** `bpftool -j prog show`: only a clean JSON answer (the text fallback stays a separate exec). */
  async progs(a: AgentPodFact): Promise<BpfProgramDetail[] | undefined> {
    const s = await this.section(a, 'progs');
    return s?.exitCode === 0 ? tryParse(() => parseBpftoolProgJson(s.stdout)) : undefined;
  }

  /** `<cli> status`: exits 1 when the agent is unhealthy but still prints the report; 126/127: no such CLI. */
  async status(a: AgentPodFact): Promise<CiliumStatus | undefined> {
    const s = await this.section(a, 'status');
    if (!s || s.exitCode === 126 || s.exitCode === 127 || !s.stdout.trim()) return undefined;
    return tryParse(() => parseCiliumStatus(s.stdout));
  }

  /** `cat /proc/mounts`: a real one always lists the root filesystem. */
  async mounts(a: AgentPodFact): Promise<BpffsFact | undefined> {
    const s = await this.section(a, 'mounts');
    if (s?.exitCode !== 0 || !/^\S+ \/ /m.test(s.stdout)) return undefined;
    return tryParse(() => bpffsFromMounts(s.stdout));
  }

  /** The node-side filter's rows (gather-filter.ts), kept by `keep`. */
  async filter(a: AgentPodFact, keep: (s: LbService) => boolean): Promise<LbService[] | undefined> {
    const s = await this.section(a, 'filter');
    return s?.exitCode === 0 ? filteredRows(s.stdout, keep) : undefined;
  }

  /** The node's map digest (gather-digest.ts); stdout and stderr share the section here. */
  async digest(a: AgentPodFact): Promise<NodeDigest | undefined> {
    const s = await this.section(a, 'digest');
    if (!s) return undefined;
    const lines = s.stdout.split('\n');
    const sum = lines.filter((l) => /^[0-9a-f]{64} {1,2}-?\s*$/.test(l));
    const meta = lines.filter((l) => l.startsWith('kdiag-digest '));
    return sum.length === 1 && meta.length === 1 ? parseNodeDigest(`${sum[0]}\n`, `${meta[0]}\n`) : undefined;
  }

  /** `iptables-save -t nat`, for kube-proxy's leftover chains (gather-leftovers.ts). */
  async nat(a: AgentPodFact): Promise<KubeProxyLeftoversFact | undefined> {
    const s = await this.section(a, 'nat');
    return s?.exitCode === 0 ? tryParse(() => leftoversFromNat(a, s.stdout)) : undefined;
  }
}

function tryParse<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined; // the separate exec reads it again and reports the error as it always has
  }
}
