// One base class for every cluster command, in kubectl's Options shape: the command parses and validates
// its flags (setup() parses the shared ones once), makes one engine call, renders, and returns an
// Outcome; run() turns that outcome, or the error, into the exit code in one place (exitCodeFor).
// Heavy modules (the Kubernetes client) are imported only when a command connects.
import { Command, type Interfaces } from '@oclif/core';
import chalk from 'chalk';
import { EXIT, KdiagError, isKdiagError, oneLine, type Verdict } from './errors.js';
import type { KubeClient } from './cluster/client.js';
import { clusterFlags, type OutputFormat } from './flags.js';
import { parseDuration } from './util/duration.js';

type BaseFlags = Interfaces.InferredFlags<typeof clusterFlags>;

export interface Outcome<T = unknown> {
  verdict: Verdict;
  /** What `run()` returns (the command's data). */
  data: T;
  /** Overrides the verdict's code: 130/143 after a summary printed on SIGINT/SIGTERM. */
  exitCode?: number;
}

/** The one place that maps what happened to the documented exit code (0 ok, 1 problems, 2 could not run). */
export function exitCodeFor(what: Verdict | Error): number {
  if (what instanceof Error) return isKdiagError(what) ? what.exitCode : EXIT.CANNOT_RUN;
  return { ok: EXIT.OK, problems: EXIT.PROBLEMS, 'could-not-run': EXIT.CANNOT_RUN }[what];
}

export abstract class BaseCommand extends Command {
  static override baseFlags = clusterFlags;
  private client?: KubeClient;
  protected verboseOn = false;
  /** --request-timeout, parsed once by setup() (0 = no limit). */
  protected requestTimeoutMs = 0;

  /** Complete and validate: parse, then return the outcome; run() sets the exit code from it. */
  protected abstract execute(): Promise<Outcome>;

  async run(): Promise<unknown> {
    const { verdict, data, exitCode } = await this.execute();
    process.exitCode = exitCode ?? exitCodeFor(verdict);
    return data;
  }

  /** The shared flags, parsed once: verbosity, colour, --request-timeout. */
  protected setup(flags: Partial<BaseFlags>): void {
    this.verboseOn = Boolean(flags.verbose);
    if (flags['no-color'] || process.env.NO_COLOR !== undefined) chalk.level = 0;
    if (flags['request-timeout'] !== undefined)
      this.requestTimeoutMs = parseDuration(flags['request-timeout'], '--request-timeout');
  }

  /** Connects once per run (lazy import: --help and --version never load the Kubernetes client). */
  protected async connect(
    flags: BaseFlags & { 'from-bundle'?: string },
    extra: { streams?: number } = {},
  ): Promise<KubeClient> {
    if (this.client) return this.client;
    if (flags['from-bundle']) {
      // Offline: the same client interface, answered from the archive (src/cluster/bundle-client.ts).
      const { BundleClient } = await import('./cluster/bundle-client.js');
      this.client = await BundleClient.open(flags['from-bundle'], {
        requestTimeoutMs: this.requestTimeoutMs,
        concurrency: flags.concurrency,
      });
      return this.client;
    }
    const { KubeClient } = await import('./cluster/client.js');
    this.client = await KubeClient.connect({
      kubeconfig: flags.kubeconfig,
      context: flags.context,
      requestTimeoutMs: this.requestTimeoutMs,
      concurrency: flags.concurrency,
      qps: flags.qps,
      burst: flags.burst,
      streams: extra.streams,
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
      process.exitCode = exitCodeFor(new KdiagError('usage', msg));
      return;
    }
    const k = isKdiagError(err) ? err : new KdiagError('usage', oneLine(err), { cause: err });
    process.stderr.write(`${chalk.red('Error:')} ${oneLine(k)}\n`);
    if (k.hint) process.stderr.write(`${chalk.dim('Hint:')} ${k.hint}\n`);
    if (this.verboseOn || process.env.DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
    process.exitCode = exitCodeFor(k);
  }
}
