import { Args, Flags } from '@oclif/core';
import chalk from 'chalk';
import { createInterface } from 'node:readline/promises';
import { BaseCommand, type Outcome } from '../../base-command.js';
import { EXIT, KdiagError } from '../../errors.js';
import { fromBundleFlag, observeFlag, outputFlagsFor, reportFlag, showPassedFlag } from '../../flags.js';
import { renderData } from '../../render/data.js';
import { startProgress } from '../../render/progress.js';
import { parseRef } from '../../util/ref.js';
import { parseDuration } from '../../util/duration.js';
import type { DoctorResult, DoctorRunOptions } from '../../engine/fix-run.js';

export default class DoctorClusterIP extends BaseCommand {
  static override summary =
    'Why can a pod not reach a ClusterIP when the PodIP works? Ranked root cause, evidence, safe fix';
  static override description = `Runs the ClusterIP playbook: agent pods and their logs, eBPF programs per node (bpftool prog show),
kernel and config, the service map vs endpoints, kube-proxy conflicts. Prints the most specific root
cause first with its evidence, then exact fix commands. --fix restarts only the agent pods on the
affected nodes, one at a time, after confirmation, and verifies each node.

-o wide also lists the passed checks and every evidence excerpt in full (table: the first 4, 6 lines each).
-n sets the namespace of SERVICE and --from when they are given without one (as kubectl does).

--observe 10s also runs \`timeout --signal=INT 10s cilium-dbg monitor --type drop\` in the agents of the client's
node and the backends' nodes and classifies the drops of the Service (backend not found, hairpin policy,
conntrack or NAT map full). Where cilium-config enables Hubble it runs \`hubble observe --verdict DROPPED -o jsonpb
--follow\` instead (the monitor if the image has no hubble). It ends after the duration plus --request-timeout at the latest.

Exit codes: 0 healthy, 1 problems found (or the fix failed), 2 could not diagnose.`;

  static override examples = [
    '<%= config.bin %> doctor clusterip',
    '<%= config.bin %> doctor clusterip default/web --from default/client-7d9f',
    '<%= config.bin %> doctor clusterip -n default web --from client-7d9f -o wide',
    '<%= config.bin %> doctor clusterip --fix --dry-run',
    '<%= config.bin %> doctor clusterip --fix --yes -o json',
    '<%= config.bin %> doctor clusterip --from-bundle kdiag-bundle.tar.gz   # offline, from `kdiag bundle`',
    '<%= config.bin %> doctor clusterip default/web --from default/client-7d9f --observe 10s',
  ];

  static override args = {
    service: Args.string({
      // oclif would otherwise read a missing argument from piped stdin (e.g. the `y` meant for a prompt).
      ignoreStdin: true,
      description: 'the Service that cannot be reached (NAMESPACE/NAME, or NAME with -n); omit to check every node',
    }),
  };

  static override flags = {
    ...outputFlagsFor(['table', 'wide', 'json', 'yaml']),
    ...showPassedFlag,
    ...reportFlag,
    ...fromBundleFlag,
    namespace: Flags.string({
      char: 'n',
      description: 'namespace of SERVICE and --from when given without one [default: default]',
      helpGroup: 'FILTER',
    }),
    from: Flags.string({ description: 'the client pod that cannot connect (NAMESPACE/POD)' }),
    node: Flags.string({ description: 'only these nodes (repeatable)', multiple: true }),
    fix: Flags.boolean({
      description:
        'apply the safe fixes the evidence supports (restart the affected agent, kube-proxy or calico-node pods, a batch at a time)',
    }),
    yes: Flags.boolean({ char: 'y', description: 'do not ask for confirmation (needed when stdin is not a terminal)' }),
    'dry-run': Flags.boolean({ description: 'with --fix: print the exact actions, change nothing' }),
    'max-unavailable': Flags.integer({
      description: "agents restarted at once (capped at the DaemonSet's maxUnavailable and a quarter of the nodes)",
      default: 1,
      min: 1,
    }),
    'force-max-unavailable': Flags.boolean({
      description: 'with --max-unavailable: no cap (restart that many agents at once)',
      dependsOn: ['max-unavailable'],
    }),
    'ready-timeout': Flags.string({ description: 'how long to wait for each new agent to be Ready', default: '120s' }),
    ...observeFlag("with SERVICE: for it, on the client's and backends' nodes"),
  };

  protected async execute(): Promise<Outcome<DoctorResult>> {
    // Complete and validate.
    const { args, flags } = await this.parse(DoctorClusterIP);
    this.setup(flags);
    const format = this.outputFormat(flags);
    const ns = flags.namespace ?? 'default';
    const target = args.service ? parseRef(args.service, 'Service', ns) : undefined;
    if (flags.namespace && target && target.namespace !== flags.namespace)
      throw new KdiagError(
        'usage',
        `Service ${args.service} is in namespace ${target.namespace}, not -n ${flags.namespace}: give one of them`,
      );
    const opts: DoctorRunOptions = {
      ciliumNamespace: flags['cilium-namespace'],
      target,
      from: flags.from ? parseRef(flags.from, '--from', ns) : undefined,
      nodes: flags.node,
      maxUnavailable: flags['max-unavailable'],
      forceMaxUnavailable: flags['force-max-unavailable'],
      fix: flags.fix,
      dryRun: flags['dry-run'],
      readyTimeoutMs: parseDuration(flags['ready-timeout'], '--ready-timeout'),
    };
    if (flags.fix && flags['from-bundle'])
      throw new KdiagError('usage', '--fix cannot be used with --from-bundle: a bundle is a record, not the cluster', {
        hint: 'diagnose from the bundle, then run --fix against the cluster',
      });
    if (flags['dry-run'] && !flags.fix) throw new KdiagError('usage', '--dry-run only makes sense with --fix');
    if (flags.observe !== undefined) {
      const { observeMs } = await import('../../engine/observe.js');
      if (!target) throw new KdiagError('usage', '--observe needs the Service: doctor clusterip NS/SVC --observe 10s');
      if (flags['from-bundle'])
        throw new KdiagError('usage', '--observe cannot be used with --from-bundle: a bundle holds no live drops', {
          hint: 'run --observe against the cluster',
        });
      opts.observeMs = observeMs(flags.observe);
    }
    const { reportFormat, writeReport } = await import('../../report/write.js');
    if (flags.report) reportFormat(flags.report);
    const startedAt = new Date();

    // Run: one engine call; the hooks print as it goes.
    const client = await this.connect(flags);
    const { validateNodeNames } = await import('../../engine/node-names.js');
    await validateNodeNames(client, flags.node);
    const { runDoctor } = await import('../../engine/fix-run.js');
    const { verdictOf } = await import('../../engine/doctor.js');
    const { renderDiagnosis, renderFixResult } = await import('../../render/diagnosis.js');
    const human = format === 'table' || format === 'wide';
    const progress = await startProgress('Gathering facts from the agents…', human);
    const run = await runDoctor(
      client,
      { ...opts, onProgress: (d, t) => progress.update(`Gathering facts from the agents: ${d}/${t} agents read`) },
      {
        onDiagnosis: (d) => {
          progress.stop();
          if (human)
            process.stdout.write(renderDiagnosis(d, { showPassed: flags['show-passed'], wide: format === 'wide' }));
        },
        confirm: (targets) => this.confirm(targets, flags.yes),
        onEvent: (l) => human && process.stderr.write(chalk.dim(`  ${l}\n`)),
        onInterrupt: () => process.stderr.write('\nInterrupted: stopping now; the summary of what was done follows.\n'),
      },
    ).finally(() => progress.stop());

    // Print.
    const { result } = run;
    if (human && result.fix && !result.fix.applied) {
      if ('dryRun' in result.fix) {
        const n = result.plan.maxUnavailable;
        process.stdout.write(
          chalk.bold(
            `\nDRY RUN — would run, ${n === 1 ? 'one node at a time' : `${n} nodes at a time`}, waiting for Ready and re-checking each node:\n`,
          ),
        );
        if (result.plan.capped) process.stdout.write(chalk.yellow(`  note: ${result.plan.capped}\n`));
        for (const c of result.fix.commands) process.stdout.write(`  ${c}\n`);
      } else
        process.stdout.write(
          chalk.yellow('\n--fix: nothing kdiag may safely fix; see the FIX section for what must change.\n'),
        );
    }
    if (human && run.fix) process.stdout.write('\n' + renderFixResult(run.fix, run.before, run.after));
    if (!human) process.stdout.write(renderData(result, format as 'json' | 'yaml') + '\n');
    if (flags.report) {
      const { fromDiagnosis } = await import('../../report/model.js');
      await writeReport(flags.report, fromDiagnosis(result, startedAt));
    }
    if (run.afterError)
      process.stderr.write(
        `Error: could not re-diagnose after the fix: ${run.afterError} (the FIX RESULT above says what was changed)\n`,
      );
    if (run.interrupted) {
      const code = run.interrupted === 'SIGINT' ? 130 : 143;
      process.stderr.write(`Stopped by ${run.interrupted}: the FIX RESULT says what was done.\n`);
      return { verdict: 'problems', data: result, exitCode: code };
    }
    if (verdictOf(result) === 'could-not-run' && !run.afterError) {
      // Nothing failed, but not everything could be seen: say so instead of a silent "healthy".
      const unknown = result.findings.filter((f) => f.status === 'unknown');
      const hint = result.unknowns.find((u) => u.hint)?.hint;
      process.stderr.write(
        `Error: could not diagnose fully: ${unknown.length} check result(s) unknown; first: ${unknown[0].message}\n` +
          (hint ? `Hint: ${hint}\n` : ''),
      );
    }
    return { verdict: run.verdict, data: result };
  }

  private async confirm(targets: string[], yes: boolean): Promise<void> {
    if (yes) return;
    if (!process.stdin.isTTY)
      throw new KdiagError('usage', 'refusing to prompt for confirmation: stdin is not a terminal', {
        hint: 'pass --yes to confirm non-interactively, or --dry-run to preview',
      });
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    // The targets may be Cilium agents, kube-proxy or calico-node pods: name them, not their kind.
    const answer = await rl.question(
      `Restart ${targets.length} pod(s), deleting each so its DaemonSet recreates it: ${targets.join(', ')}? [y/N] `,
    );
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim()))
      throw new KdiagError('aborted', 'aborted: nothing was changed', { exitCode: EXIT.PROBLEMS });
  }
}
