import { Flags } from '@oclif/core';
import chalk from 'chalk';
import { BaseCommand, type Outcome } from '../../base-command.js';
import { allChecks } from '../../datapath/index.js';
import { selectChecks } from '../../engine/run-checks.js';
import { isKdiagError, KdiagError, oneLine } from '../../errors.js';
import { gateFlags, observeFlag, reportFlag } from '../../flags.js';
import { preflightChecks } from '../../gate/cluster-checks.js';
import { gateVerdict, type GateReport } from '../../gate/gate.js';
import { resolveGate } from '../../gate/flags.js';
import { printGate, type GateFormat } from '../../gate/output.js';
import { NODE_CHECKS } from '../../node/checks/index.js';
import { runFailedLine } from '../../render/github.js';
import { startProgress } from '../../render/progress.js';
import { parseDuration } from '../../util/duration.js';

export default class Preflight extends BaseCommand {
  static override summary = "CI gate: run kdiag's cluster-wide checks and pass/fail (JUnit, GitHub annotations)";
  static override description = `Runs every cluster-wide check (agents, logs, kernels, capabilities, bpffs, eBPF programs per node,
kube-proxy replacement and conflicts) as one gate. Before running, asks the API server what this identity
may do (SelfSubjectAccessReview for each RBAC need of the selected checks): a check it may not run is
reported "unknown" with the missing permission, never as a cluster failure.

--ignore ID, ID/REASON or ID@NODE (and "ignore:" in --config, default .kdiag.yaml) suppresses findings:
they stay listed as suppressed and never change the exit code or the JUnit failure count.
--wait re-runs until the gate passes or the time is up (like \`cilium status --wait\`).
--observe 10s also runs \`timeout --signal=INT 10s cilium-dbg monitor --type drop\` in the agents of the nodes
that host Service backends (the most backends first, at most --concurrency nodes, all at once) and classifies
the drops that concern any Service's frontend or backend. It adds 10s plus --request-timeout at most.

Exit codes: 0 passed, 1 a check failed at or above --fail-on, 2 could not run or a check is unknown.
\`kdiag preflight list\` shows the checks, their ids and RBAC needs; \`kdiag preflight node\` runs on a node.`;

  static override examples = [
    '<%= config.bin %> preflight',
    '<%= config.bin %> preflight -o junit --junit-file reports/kdiag.xml',
    '<%= config.bin %> preflight -o github --ignore kernel-version@node-3 --fail-on warn',
    '<%= config.bin %> preflight --wait 5m --skip agent-logs',
    '<%= config.bin %> preflight --observe 10s -o json',
  ];

  static override flags = {
    ...gateFlags,
    ...reportFlag,
    ...observeFlag('in the agents of the nodes hosting Service backends (at most --concurrency nodes)'),
    wait: Flags.string({
      description: 're-run until the gate passes or this much time has passed, e.g. 2m',
      helpGroup: 'GATE',
    }),
  };

  private github = false;

  /** Under -o github a run that cannot start is one ::error annotation too, then the usual stderr line. */
  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<void> {
    if (this.github && isKdiagError(err))
      process.stdout.write(runFailedLine('kdiag preflight', oneLine(err), err.hint));
    return super.catch(err);
  }

  protected async execute(): Promise<Outcome<GateReport>> {
    // Complete and validate.
    const { flags } = await this.parse(Preflight);
    this.setup(flags);
    const format = (flags.json ? 'json' : flags.output) as GateFormat;
    this.github = format === 'github';
    const gate = await resolveGate(flags, [...allChecks().map((c) => c.id), ...NODE_CHECKS.map((c) => c.id)]);
    selectChecks(allChecks(), flags.check, flags.skip); // unknown ids: usage error
    const eligible = preflightChecks();
    const targeted = (flags.check ?? []).filter((id) => !eligible.some((c) => c.id === id));
    if (targeted.length) {
      throw new KdiagError(
        'usage',
        `check ${targeted.join(', ')} needs a client pod: run it with \`kdiag doctor clusterip NAMESPACE/SERVICE --from NAMESPACE/POD\``,
      );
    }
    const checks = selectChecks(eligible, flags.check, flags.skip);
    const waitMs = flags.wait ? parseDuration(flags.wait, '--wait') : 0;
    const { observeMs } = await import('../../engine/observe.js');
    const observe = flags.observe !== undefined ? observeMs(flags.observe) : undefined;
    const { appendStepSummary, reportFormat, writeReport } = await import('../../report/write.js');
    if (flags.report) reportFormat(flags.report);
    const startedAt = new Date();

    // Run: one gate call.
    const client = await this.connect(flags);
    const { validateNodeNames } = await import('../../engine/node-names.js');
    const ruleNodes = gate.ignores.filter((r) => r.node !== undefined);
    for (const r of ruleNodes) await validateNodeNames(client, [r.node!], `ignore rule "${r.raw}":`);
    const { runClusterGate } = await import('../../gate/cluster-run.js');
    const progress = await startProgress('Running preflight checks…', format === 'table' || format === 'wide');
    const paint = { warn: chalk.yellow, retry: chalk.dim, 'gave-up': (s: string) => s };
    const report = await runClusterGate(client, {
      checks,
      gate,
      ciliumNamespace: flags['cilium-namespace'],
      waitMs,
      waitText: flags.wait,
      ...(observe ? { observeMs: observe } : {}),
      onProgress: (d, t) => progress.update(`Running preflight checks: ${d}/${t} agents read`),
      onNote: (line, kind) => process.stderr.write(paint[kind](`preflight: ${line}`) + '\n'),
    }).finally(() => progress.stop());

    // Print.
    await printGate(report, format, { junitFile: flags['junit-file'], problems: flags.problems, startedAt });
    const { fromGate } = await import('../../report/model.js');
    if (flags.report) await writeReport(flags.report, fromGate(report, startedAt));
    // GitHub Actions shows this file on the run's summary page
    const summary = process.env.GITHUB_STEP_SUMMARY;
    if (summary) await appendStepSummary(summary, fromGate(report, startedAt));
    return { verdict: gateVerdict(report), data: report };
  }
}
