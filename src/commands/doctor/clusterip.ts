import { Args, Flags } from '@oclif/core';
import chalk from 'chalk';
import { createInterface } from 'node:readline/promises';
import { BaseCommand, outputFlagsFor } from '../../base-command.js';
import { EXIT, KdiagError } from '../../errors.js';
import { renderData } from '../../render/data.js';
import { startProgress } from '../../render/progress.js';
import { parseRef } from '../../util/ref.js';
import { parseDuration } from '../../util/duration.js';
import type { Diagnosis, DiagnoseOptions } from '../../engine/doctor.js';

export default class DoctorClusterIP extends BaseCommand {
  static override summary =
    'Why can a pod not reach a ClusterIP when the PodIP works? Ranked root cause, evidence, safe fix';
  static override description = `Runs the ClusterIP playbook: agent pods and their logs, eBPF programs per node (bpftool prog show),
kernel and config, the service map vs endpoints, kube-proxy conflicts. Prints the most specific root
cause first with its evidence, then exact fix commands. --fix restarts only the agent pods on the
affected nodes, one at a time, after confirmation, and verifies each node.

Exit codes: 0 healthy, 1 problems found (or the fix failed), 2 could not diagnose.`;

  static override examples = [
    '<%= config.bin %> doctor clusterip',
    '<%= config.bin %> doctor clusterip default/web --from default/client-7d9f',
    '<%= config.bin %> doctor clusterip --fix --dry-run',
    '<%= config.bin %> doctor clusterip --fix --yes -o json',
  ];

  static override args = {
    service: Args.string({
      // oclif would otherwise read a missing argument from piped stdin (e.g. the `y` meant for a prompt).
      ignoreStdin: true,
      description: 'the Service that cannot be reached (NAMESPACE/NAME); omit to check every node',
    }),
  };

  static override flags = {
    ...outputFlagsFor(['table', 'json', 'yaml']),
    from: Flags.string({ description: 'the client pod that cannot connect (NAMESPACE/POD)' }),
    node: Flags.string({ description: 'only these nodes (repeatable)', multiple: true }),
    fix: Flags.boolean({ description: 'apply the safe fixes the evidence supports (restart affected agents)' }),
    yes: Flags.boolean({ char: 'y', description: 'do not ask for confirmation (needed when stdin is not a terminal)' }),
    'dry-run': Flags.boolean({ description: 'with --fix: print the exact actions, change nothing' }),
    'max-unavailable': Flags.integer({ description: 'agents restarted at once', default: 1, min: 1 }),
    'ready-timeout': Flags.string({ description: 'how long to wait for each new agent to be Ready', default: '120s' }),
  };

  async run(): Promise<Diagnosis> {
    const { args, flags } = await this.parse(DoctorClusterIP);
    this.setup(flags);
    const format = flags.json ? 'json' : (flags.output as 'table' | 'json' | 'yaml');
    const opts: DiagnoseOptions = {
      ciliumNamespace: flags['cilium-namespace'],
      target: args.service ? parseRef(args.service, 'Service') : undefined,
      from: flags.from ? parseRef(flags.from, '--from') : undefined,
      nodes: flags.node,
      maxUnavailable: flags['max-unavailable'],
    };
    const readyTimeoutMs = parseDuration(flags['ready-timeout'], '--ready-timeout');
    if (flags['dry-run'] && !flags.fix) throw new KdiagError('usage', '--dry-run only makes sense with --fix');
    const client = await this.connect(flags);
    const { diagnose, exitCodeOf } = await import('../../engine/doctor.js');
    const { renderDiagnosis, renderFixResult } = await import('../../render/diagnosis.js');

    const progress = await startProgress('Gathering facts from the agents…', format === 'table');
    let diagnosis: Diagnosis;
    let facts: Awaited<ReturnType<typeof diagnose>>['facts'];
    try {
      ({ diagnosis, facts } = await diagnose(client, {
        ...opts,
        onProgress: (d, t) => progress.update(`Gathering facts from the agents ${d}/${t}`),
      }));
    } finally {
      progress.stop();
    }

    const human = format === 'table';
    if (human) process.stdout.write(renderDiagnosis(diagnosis, { verbose: this.verboseOn }));
    let result: Diagnosis & { fix?: unknown; after?: Diagnosis } = diagnosis;

    if (flags.fix) {
      const plan = diagnosis.plan;
      if (plan.actions.length === 0) {
        if (human)
          process.stdout.write(
            chalk.yellow('\n--fix: nothing kdiag may safely fix; see the FIX section for what must change.\n'),
          );
        result = { ...diagnosis, fix: { applied: false, reason: 'no restart-fixable cause with a safe target' } };
      } else if (flags['dry-run']) {
        if (human) {
          process.stdout.write(
            chalk.bold('\nDRY RUN — would run, one batch at a time, waiting for Ready and re-checking each node:\n'),
          );
          for (const c of plan.commands) process.stdout.write(`  ${c}\n`);
        }
        result = { ...diagnosis, fix: { applied: false, dryRun: true, commands: plan.commands } };
      } else {
        await this.confirm(
          plan.actions.map((a) => `${a.namespace}/${a.pod} (${a.node})`),
          flags.yes,
        );
        const { applyFixes } = await import('../../engine/apply-fix.js');
        let interrupted = false;
        const onSigint = () => {
          interrupted = true;
          process.stderr.write('\nInterrupted: finishing the current step, then stopping.\n');
        };
        process.on('SIGINT', onSigint);
        try {
          const fix = await applyFixes(client, plan, {
            install: facts.cilium.ok ? facts.cilium.value : (undefined as never),
            readyTimeoutMs,
            aborted: () => interrupted,
            onEvent: (l) => human && process.stderr.write(chalk.dim(`  ${l}\n`)),
            recheck: async (nodes) => {
              const { diagnosis: d } = await diagnose(client, { ...opts, nodes });
              return nodes.map((node) => ({
                node,
                remaining: d.rootCauses.filter((c) => c.nodes.includes(node)).map((c) => c.id),
              }));
            },
          });
          const { diagnosis: after } = await diagnose(client, opts);
          if (human) process.stdout.write('\n' + renderFixResult(fix, diagnosis, after));
          result = {
            ...after,
            fix: { applied: true, ...fix, before: diagnosis.rootCauses.map((c) => ({ id: c.id, nodes: c.nodes })) },
          };
          if (!fix.completed) process.exitCode = EXIT.PROBLEMS;
        } finally {
          process.off('SIGINT', onSigint);
        }
      }
    }

    if (!human) process.stdout.write(renderData(result, format as 'json' | 'yaml') + '\n');
    const code = exitCodeOf(result);
    if (code === EXIT.CANNOT_RUN) {
      // Nothing failed, but not everything could be seen: say so instead of a silent "healthy".
      const unknown = result.findings.filter((f) => f.status === 'unknown');
      const hint = result.unknowns.find((u) => u.hint)?.hint;
      process.stderr.write(
        `Error: could not diagnose fully: ${unknown.length} check result(s) unknown; first: ${unknown[0].message}\n` +
          (hint ? `Hint: ${hint}\n` : ''),
      );
    }
    if (!process.exitCode) process.exitCode = code;
    return result;
  }

  private async confirm(targets: string[], yes: boolean): Promise<void> {
    if (yes) return;
    if (!process.stdin.isTTY)
      throw new KdiagError('usage', 'refusing to prompt for confirmation: stdin is not a terminal', {
        hint: 'pass --yes to confirm non-interactively, or --dry-run to preview',
      });
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Restart ${targets.length} Cilium agent pod(s): ${targets.join(', ')}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim()))
      throw new KdiagError('aborted', 'aborted: nothing was changed', { exitCode: EXIT.PROBLEMS });
  }
}
