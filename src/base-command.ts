// One base class for every cluster command: the kubectl-style global flags, one-line error rendering,
// colour and verbosity. Heavy modules (the Kubernetes client) are imported only when a command connects.
import { Command, Flags, type Interfaces } from '@oclif/core';
import chalk from 'chalk';
import { EXIT, KdiagError, isKdiagError, oneLine } from './errors.js';
import type { KubeClient } from './cluster/client.js';
import { parseDuration } from './util/duration.js';

export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const clusterFlags = {
  kubeconfig: Flags.string({
    description: 'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)',
    helpGroup: 'CLUSTER',
  }),
  context: Flags.string({ description: 'kubeconfig context to use', helpGroup: 'CLUSTER' }),
  'request-timeout': Flags.string({
    description: 'time to wait for each API call or exec, e.g. 30s, 1m (0 = no limit)',
    default: '30s',
    helpGroup: 'CLUSTER',
  }),
  'cilium-namespace': Flags.string({
    description: 'namespace of the Cilium agents (default: discovered, fallback kube-system)',
    helpGroup: 'CLUSTER',
  }),
  concurrency: Flags.integer({
    description: 'how many nodes to query at once',
    default: 32,
    min: 1,
    max: 512,
    helpGroup: 'CLUSTER',
  }),
  'no-color': Flags.boolean({ description: 'disable colours (also NO_COLOR)', helpGroup: 'OUTPUT' }),
  verbose: Flags.boolean({
    char: 'v',
    description: 'print each API call with its timing on stderr',
    helpGroup: 'OUTPUT',
  }),
};

export const namespaceFlags = {
  namespace: Flags.string({ char: 'n', description: 'namespace scope', helpGroup: 'FILTER' }),
  'all-namespaces': Flags.boolean({ char: 'A', description: 'all namespaces', helpGroup: 'FILTER' }),
};

/** `-o/--output` with a command's own formats, and `--json` as its shorthand. */
export function outputFlagsFor(formats: readonly string[], defaultFormat = 'table', description = 'output format') {
  return {
    output: Flags.string({
      char: 'o',
      description,
      options: [...formats],
      default: defaultFormat,
      helpGroup: 'OUTPUT',
    }),
    json: Flags.boolean({ description: 'same as -o json', helpGroup: 'OUTPUT' }),
  };
}

export const outputFlags = outputFlagsFor(OUTPUT_FORMATS);

type BaseFlags = Interfaces.InferredFlags<typeof clusterFlags>;

export abstract class BaseCommand extends Command {
  static override baseFlags = clusterFlags;
  private client?: KubeClient;
  protected verboseOn = false;

  protected setup(flags: Partial<BaseFlags>): void {
    this.verboseOn = Boolean(flags.verbose);
    if (flags['no-color'] || process.env.NO_COLOR !== undefined) chalk.level = 0;
  }

  /** Connects once per run (lazy import: --help and --version never load the Kubernetes client). */
  protected async connect(flags: BaseFlags): Promise<KubeClient> {
    if (this.client) return this.client;
    const { KubeClient } = await import('./cluster/client.js');
    const requestTimeoutMs = parseDuration(flags['request-timeout'], '--request-timeout');
    this.client = await KubeClient.connect({
      kubeconfig: flags.kubeconfig,
      context: flags.context,
      requestTimeoutMs,
      concurrency: flags.concurrency,
      trace: flags.verbose ? (line) => process.stderr.write(chalk.dim(`[api] ${line}\n`)) : undefined,
    });
    return this.client;
  }

  protected outputFormat(flags: { output?: string; json?: boolean }): OutputFormat {
    return flags.json ? 'json' : ((flags.output as OutputFormat) ?? 'table');
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    this.client?.close();
    return super.finally(err);
  }

  /** One clear line on stderr, a hint, the documented exit code; a stack only with --verbose or DEBUG. */
  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<void> {
    if (err.oclif?.exit !== undefined && !isKdiagError(err)) {
      // oclif's own exits (this.exit(), --help) and flag-parsing errors.
      if (err.oclif.exit === 0 || (err as { code?: string }).code === 'EEXIT') throw err;
      const msg = oneLine(err)
        .replace(/^Error: /, '')
        .replace(/\s*See more help with --help\s*$/, '');
      process.stderr.write(`Error: ${msg}\nSee more help with --help\n`);
      process.exitCode = EXIT.CANNOT_RUN;
      return;
    }
    const k = isKdiagError(err) ? err : new KdiagError('usage', oneLine(err), { cause: err });
    process.stderr.write(`${chalk.red('Error:')} ${oneLine(k)}\n`);
    if (k.hint) process.stderr.write(`${chalk.dim('Hint:')} ${k.hint}\n`);
    if (this.verboseOn || process.env.DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
    process.exitCode = k.exitCode;
  }
}
