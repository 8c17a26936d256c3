import { Flags } from '@oclif/core';
import chalk from 'chalk';
import { hostname, release } from 'node:os';
import { BaseCommand, type Outcome } from '../../base-command.js';
import { KdiagError, oneLine } from '../../errors.js';
import { outputFlags, problemsFlag } from '../../flags.js';
import { renderData } from '../../render/data.js';
import { startProgress } from '../../render/progress.js';
import { localCiliumSettings } from '../../node/local-config.js';
import { comparePrograms, expectationFor, localPrograms, type Expectation } from '../../node/programs.js';
import { renderProgramsTable, summarize, type NodeProgramsView } from '../../node/progs-view.js';
import { naturalCompare } from '../../util/natural-sort.js';

export default class BpfProgs extends BaseCommand {
  static override summary = "Cilium's eBPF programs per node: loaded, missing, unexpected (bpftool prog show)";
  static override description = `Runs \`bpftool -j prog show\` (text format as fallback) in every Cilium agent pod and sorts the
programs by what the cilium-config ConfigMap needs: tc (pods, host, devices, overlay), socket-lb (cgroup
connect/sendmsg/recvmsg/getpeername), xdp. Rows are "loaded" (with ids, tags, load time), "missing" (the
config needs it, nothing matches; names may be the kernel's 15-character truncation), "unexpected" (a
Cilium program the config does not call for) and, with --all, "other" (not Cilium's). A node whose exec
failed is "unknown" with the reason. --local does the same on this machine with its own bpftool.

Exit codes: 0 nothing missing, 1 a required program is missing on some node, 2 could not run.`;

  static override examples = [
    '<%= config.bin %> bpf progs',
    '<%= config.bin %> bpf progs --node node-2 -o wide',
    'sudo <%= config.bin %> bpf progs --local --kpr -o json',
  ];

  static override flags = {
    ...outputFlags,
    ...problemsFlag,
    node: Flags.string({ description: 'only these nodes (repeatable)', multiple: true }),
    all: Flags.boolean({ description: 'also list programs that are not Cilium’s' }),
    local: Flags.boolean({ description: 'this machine, with its own bpftool (no cluster)' }),
    bpftool: Flags.string({ description: 'with --local: path to bpftool', default: 'bpftool' }),
    kpr: Flags.boolean({ description: 'with --local: kube-proxy replacement is enabled' }),
    'cilium-config': Flags.string({
      description: 'with --local: cilium-config ConfigMap (mounted directory or YAML/JSON file)',
    }),
    'cilium-version': Flags.string({ description: 'with --local: Cilium version, e.g. 1.16 [default: either naming]' }),
  };

  protected async execute(): Promise<Outcome<NodeProgramsView[]>> {
    const { flags } = await this.parse(BpfProgs);
    this.setup(flags);
    const format = flags.json ? 'json' : flags.output;
    for (const f of ['kpr', 'cilium-config', 'cilium-version'] as const) {
      if (flags[f] && !flags.local)
        throw new KdiagError(
          'usage',
          `--${f} only applies with --local (the cluster's cilium-config is read from the API)`,
        );
    }
    const views = flags.local
      ? await this.local(flags)
      : await this.cluster(flags, format === 'table' || format === 'wide');
    if (format === 'json' || format === 'yaml') process.stdout.write(renderData(views, format) + '\n');
    else process.stdout.write(renderProgramsTable(views, format === 'wide', flags.problems));
    const missing = views.some((v) => (v.summary?.missing ?? 0) > 0);
    if (!missing && views.length > 0 && views.every((v) => v.error !== undefined)) {
      // Not one node answered: "could not run", never a clean exit 0.
      process.stderr.write(
        `Error: could not list the programs on any node (${views.length} unknown; first: ${views[0]!.node}: ${views[0]!.error})\n`,
      );
      return { verdict: 'could-not-run', data: views };
    }
    return { verdict: missing ? 'problems' : 'ok', data: views };
  }

  private async local(flags: {
    bpftool: string;
    all: boolean;
    kpr: boolean;
    'cilium-config'?: string;
    'cilium-version'?: string;
    node?: string[];
  }): Promise<NodeProgramsView[]> {
    const settings = await localCiliumSettings(flags);
    const node = flags.node?.[0] ?? (process.env.NODE_NAME || hostname());
    const progs = await localPrograms({
      bpftool: flags.bpftool,
      timeoutMs: this.requestTimeoutMs || undefined,
    });
    const rows = comparePrograms(progs, expectationFor(settings.config, settings.minor, release()), {
      all: flags.all,
    });
    return [{ node, judged: true, rows, summary: summarize(rows) }];
  }

  private async cluster(
    flags: Parameters<BaseCommand['connect']>[0] & { node?: string[]; all: boolean; 'cilium-namespace'?: string },
    human: boolean,
  ): Promise<NodeProgramsView[]> {
    const client = await this.connect(flags);
    const { validateNodeNames } = await import('../../engine/node-names.js');
    await validateNodeNames(client, flags.node);
    const { gatherFacts } = await import('../../engine/gather.js');
    const progress = await startProgress('Listing eBPF programs on each node…', human);
    let facts;
    try {
      facts = await gatherFacts(client, {
        needs: ['bpfPrograms', 'config', 'nodes', 'cilium'],
        ciliumNamespace: flags['cilium-namespace'],
        nodes: flags.node,
        onProgress: (d, t) => progress.update(`Listing eBPF programs: ${d}/${t} agents read`),
      });
    } finally {
      progress.stop();
    }
    if (!facts.cilium.ok) throw new KdiagError('not-installed', `cannot list programs: ${facts.cilium.error}`);
    if (!facts.agents.ok) throw new KdiagError('unreachable', `cannot list the agent pods: ${facts.agents.error}`);
    const config = facts.config.ok ? facts.config.value : undefined;
    const minor = facts.cilium.value.minor;
    // per node: its kernel decides the getpeername hooks
    const kernelOf = (node: string): string | undefined =>
      facts.nodes.ok ? facts.nodes.value.find((n) => n.name === node)?.kernelVersion : undefined;
    const expFor = (node: string): Expectation => (config ? expectationFor(config, minor, kernelOf(node)) : {});
    if (!facts.config.ok)
      process.stderr.write(
        chalk.yellow(
          `note: cilium-config not read (${facts.config.error}); programs are listed but none is judged missing\n`,
        ),
      );

    const names = new Set<string>([...facts.agents.value.keys(), ...facts.bpfPrograms.keys()]);
    if (facts.nodes.ok) for (const n of facts.nodes.value) names.add(n.name);
    const wanted = flags.node?.length ? [...names].filter((n) => flags.node!.includes(n)) : [...names];
    for (const n of flags.node ?? []) if (!names.has(n)) wanted.push(n);
    return wanted.sort(naturalCompare).map((node): NodeProgramsView => {
      const g = facts.bpfPrograms.get(node);
      if (!g) {
        const why =
          facts.agents.ok && !facts.agents.value.has(node)
            ? 'no Cilium agent pod on this node'
            : 'no result for this node';
        return { node, judged: false, error: why, rows: [] };
      }
      if (!g.ok) return { node, judged: false, error: oneLine(g.error), rows: [] };
      const rows = comparePrograms(g.value, expFor(node), { all: flags.all });
      return { node, judged: config !== undefined, rows, summary: summarize(rows) };
    });
  }
}
