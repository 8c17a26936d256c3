import { safeText } from '../render/safe-text.js';
import { once } from 'node:events';
import { Flags } from '@oclif/core';
import chalk from 'chalk';
import { BaseCommand, type Outcome } from '../base-command.js';
import { KdiagError } from '../errors.js';
import { outputFlagsFor } from '../flags.js';
import { parseDuration } from '../util/duration.js';
import type { PodFailure } from '../logs/fetch.js';
import { LEVEL_FLAGS, compileGrep, type AgentLogEntry, type LevelFlag, type LogFilter } from '../logs/filter.js';

export default class Logs extends BaseCommand {
  static override description = `Show the cilium-agent logs of every agent at once, merged by time, with known errors explained

Each line is prefixed with NODE/POD. Lines are ordered by the kubelet's timestamps across agents; with more agents
than --max-log-requests they are read in groups (ordered within each group, noted on stderr). With --follow, lines are
printed as they arrive. A pod whose log cannot be read is reported on stderr and the others still print.
Exit codes: 0 all read, 1 some agent could not be read, 2 none could (or bad input, API unreachable).`;

  static override examples = [
    '<%= config.bin %> logs --since 10m --level warn',
    '<%= config.bin %> logs --errors                      # only known errors, each with its explanation and fix',
    '<%= config.bin %> logs --node node-2 --previous      # the crashed agent container on node-2',
    '<%= config.bin %> logs -f --grep "service|lb"',
    '<%= config.bin %> logs --tail 200 -o json | jq \'select(.level == "error")\'',
  ];

  static override flags = {
    node: Flags.string({
      description: 'only the agent on this node (repeatable)',
      multiple: true,
      helpGroup: 'FILTER',
    }),
    pod: Flags.string({ description: 'only this agent pod (repeatable)', multiple: true, helpGroup: 'FILTER' }),
    since: Flags.string({ description: 'only lines newer than this, e.g. 10m, 1h', helpGroup: 'FILTER' }),
    tail: Flags.integer({
      description: 'last N lines of each agent (-1 = the whole log, the default, as kubectl logs on one pod)',
      default: -1,
      min: -1,
      helpGroup: 'FILTER',
    }),
    previous: Flags.boolean({
      char: 'p',
      description: "the previous (crashed) agent container's log",
      helpGroup: 'FILTER',
    }),
    level: Flags.string({
      description: 'minimum level; lines without a level (stack traces, plain text) are dropped',
      options: [...LEVEL_FLAGS],
      helpGroup: 'FILTER',
    }),
    grep: Flags.string({ description: 'only lines matching this JavaScript regular expression', helpGroup: 'FILTER' }),
    errors: Flags.boolean({
      description: 'only lines kdiag recognises as known agent errors, each with explanation and fix',
      helpGroup: 'FILTER',
    }),
    follow: Flags.boolean({ char: 'f', description: 'stream new lines from all selected agents until Ctrl-C' }),
    timestamps: Flags.boolean({ description: "prefix each line with the kubelet's timestamp", helpGroup: 'OUTPUT' }),
    ...outputFlagsFor(
      ['text', 'json'],
      'text',
      'text, or json: one parsed record per line {node, pod, time, level, subsys, source, msg, fields, format, catalog?}',
    ),
    // kubectl logs -l calls the same limit --max-log-requests; --concurrency stays "nodes queried at once".
    'max-log-requests': Flags.integer({
      description: 'how many agent logs to stream at once (with --follow: must cover every selected agent)',
      default: 32,
      min: 1,
      max: 512,
      helpGroup: 'CLUSTER',
    }),
  };

  protected async execute(): Promise<Outcome<void>> {
    const { flags } = await this.parse(Logs);
    this.setup(flags);
    const filter: LogFilter = {
      minLevel: flags.level as LevelFlag | undefined,
      grep: flags.grep !== undefined ? compileGrep(flags.grep) : undefined,
      errors: flags.errors,
    };
    const sinceMs = flags.since !== undefined ? parseDuration(flags.since, '--since') : 0;
    const sinceSeconds = sinceMs > 0 ? Math.ceil(sinceMs / 1000) : undefined;
    const json = flags.json || flags.output === 'json';

    const client = await this.connect(flags, { streams: flags['max-log-requests'] });
    const { validateNodeNames } = await import('../engine/node-names.js');
    await validateNodeNames(client, flags.node);
    const { findTargets, readAgentLogs } = await import('../logs/fetch.js');
    const { judge, toJson } = await import('../logs/filter.js');
    const targets = await findTargets(client, {
      ciliumNamespace: flags['cilium-namespace'],
      nodes: flags.node,
      pods: flags.pod,
    });

    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
    // `| head` closes the pipe: stop reading, exit quietly.
    const onStdoutError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') ac.abort();
    };
    process.stdout.on('error', onStdoutError);

    const failures: PodFailure[] = [];
    const width = Math.max(...targets.map((t) => t.node.length + t.pod.length + 1));
    const write = async (s: string) => {
      if (!process.stdout.write(s) && !ac.signal.aborted)
        await Promise.race([once(process.stdout, 'drain'), once(ac.signal, 'abort')]);
    };
    try {
      const lines = readAgentLogs(client, targets, {
        sinceSeconds,
        tailLines: flags.tail >= 0 ? flags.tail : undefined,
        previous: flags.previous,
        follow: flags.follow,
        maxStreams: flags['max-log-requests'],
        idleTimeoutMs: this.requestTimeoutMs,
        signal: ac.signal,
        onFailure: (f) => {
          failures.push(f);
          process.stderr.write(`${chalk.red('kdiag:')} ${f.node}/${f.pod}: ${f.reason}\n`);
        },
        onGroups: (groups, size) =>
          process.stderr.write(
            chalk.dim(
              `kdiag: ${targets.length} agents > --max-log-requests ${size}: reading them in ${groups} groups; lines are time-ordered within each group\n`,
            ),
          ),
      });
      for await (const l of lines) {
        if (ac.signal.aborted) break;
        const e = judge(l, filter);
        if (!e) continue;
        await write(json ? JSON.stringify(toJson(e)) + '\n' : renderText(e, width, flags.timestamps, flags.errors));
      }
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      process.stdout.off('error', onStdoutError);
      ac.abort();
    }
    if (failures.length > 0 && failures.length >= targets.length)
      throw new KdiagError('server', `could not read the log of any of the ${targets.length} selected agent(s)`, {
        hint: 'the reasons are listed above, one line per pod',
      });
    return { verdict: failures.length > 0 ? 'problems' : 'ok', data: undefined };
  }
}

const LEVEL_COLOR: Record<string, (s: string) => string> = {
  debug: chalk.dim,
  warning: chalk.yellow,
  error: chalk.red,
  fatal: chalk.red.bold,
  panic: chalk.red.bold,
};

function renderText(e: AgentLogEntry, width: number, timestamps: boolean, explain: boolean): string {
  const prefix = chalk.cyan(`${e.node}/${e.pod}`.padEnd(width));
  const colour = LEVEL_COLOR[e.rec.level] ?? ((s: string) => s);
  let out = `${timestamps && e.time ? chalk.dim(e.time) + ' ' : ''}${prefix} ${colour(safeText(e.line))}\n`;
  if (explain && e.catalog) {
    out += `${' '.repeat(width)}   ${chalk.bold(`[${e.catalog.id}]`)} ${e.catalog.explanation}\n`;
    out += `${' '.repeat(width)}   ${chalk.green('fix:')} ${e.catalog.fix}\n`;
  }
  return out;
}
