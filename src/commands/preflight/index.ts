import { Flags } from '@oclif/core';
import chalk from 'chalk';
import { setTimeout as sleep } from 'node:timers/promises';
import { BaseCommand } from '../../base-command.js';
import { CHECKS } from '../../checks/index.js';
import type { KubeClient } from '../../cluster/client.js';
import { selectChecks } from '../../engine/run-checks.js';
import type { Check, Finding } from '../../model/check.js';
import { KdiagError, isKdiagError, oneLine } from '../../errors.js';
import { preflightChecks } from '../../gate/cluster-checks.js';
import { applyIgnores, buildReport, type GateReport } from '../../gate/gate.js';
import { gateFlags, resolveGate, type GateSettings } from '../../gate/flags.js';
import { printGate, type GateFormat } from '../../gate/output.js';
import { NODE_CHECKS } from '../../node/checks/index.js';
import {
  describePermission,
  deniedPermissions,
  parseRbacNeed,
  permissionKey,
  type Permission,
} from '../../gate/rbac.js';
import { startProgress } from '../../render/progress.js';
import { parseDuration } from '../../util/duration.js';

const POLL_MS = 5000;

export default class Preflight extends BaseCommand {
  static override summary = "CI gate: run kdiag's cluster-wide checks and pass/fail (JUnit, GitHub annotations)";
  static override description = `Runs every cluster-wide check (agents, logs, kernels, capabilities, bpffs, eBPF programs per node,
kube-proxy replacement and conflicts) as one gate. Before running, asks the API server what this identity
may do (SelfSubjectAccessReview for each RBAC need of the selected checks): a check it may not run is
reported "unknown" with the missing permission, never as a cluster failure.

--ignore ID, ID/REASON or ID@NODE (and "ignore:" in --config, default .kdiag.yaml) suppresses findings:
they stay listed as suppressed and never change the exit code or the JUnit failure count.
--wait re-runs until the gate passes or the time is up (like \`cilium status --wait\`).

Exit codes: 0 passed, 1 a check failed at or above --fail-on, 2 could not run or a check is unknown.
\`kdiag preflight list\` shows the checks, their ids and RBAC needs; \`kdiag preflight node\` runs on a node.`;

  static override examples = [
    '<%= config.bin %> preflight',
    '<%= config.bin %> preflight -o junit --junit-file reports/kdiag.xml',
    '<%= config.bin %> preflight -o github --ignore kernel-version@node-3 --fail-on warn',
    '<%= config.bin %> preflight --wait 5m --skip agent-logs',
  ];

  static override flags = {
    ...gateFlags,
    wait: Flags.string({
      description: 're-run until the gate passes or this much time has passed, e.g. 2m',
      helpGroup: 'GATE',
    }),
  };

  async run(): Promise<GateReport> {
    const { flags } = await this.parse(Preflight);
    this.setup(flags);
    const format = (flags.json ? 'json' : flags.output) as GateFormat;
    const gate = await resolveGate(flags, [...CHECKS.map((c) => c.id), ...NODE_CHECKS.map((c) => c.id)]);
    selectChecks(CHECKS, flags.check, flags.skip); // unknown ids: usage error
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
    const deadline = Date.now() + waitMs;

    const client = await this.connect(flags);
    let report: GateReport | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        report = await this.once(client, checks, gate, flags['cilium-namespace'], format === 'table');
      } catch (e) {
        if (!waitMs || Date.now() >= deadline) throw e;
        process.stderr.write(chalk.dim(`preflight: attempt ${attempt} could not run (${oneLine(e)}); retrying\n`));
      }
      if (report?.exitCode === 0 || !waitMs) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        process.stderr.write(`preflight: still ${report?.summary.status ?? 'not run'} after --wait ${flags.wait}\n`);
        break;
      }
      if (report)
        process.stderr.write(
          chalk.dim(
            `preflight: ${report.summary.status} (${report.summary.failed} failed, ${report.summary.unknown} unknown); re-running\n`,
          ),
        );
      await sleep(Math.min(POLL_MS, left));
    }
    if (!report) throw new KdiagError('timeout', `preflight could not run within --wait ${flags.wait}`);
    await printGate(report, format, { junitFile: flags['junit-file'] });
    process.exitCode = report.exitCode;
    return report;
  }

  private async once(
    client: KubeClient,
    checks: Check[],
    gate: GateSettings,
    nsFlag: string | undefined,
    human: boolean,
  ): Promise<GateReport> {
    const ciliumNamespace = nsFlag ?? (await this.discoverNamespace(client));
    const denied = await this.permissionFindings(client, checks, ciliumNamespace);
    const runnable = checks.filter((c) => !denied.has(c.id));
    const findings: Finding[] = [];
    if (runnable.length) {
      const { diagnose } = await import('../../engine/doctor.js');
      const progress = await startProgress('Running preflight checks…', human);
      try {
        const { diagnosis, facts } = await diagnose(client, {
          only: runnable.map((c) => c.id),
          ciliumNamespace: nsFlag,
          onProgress: (d, t) => progress.update(`Running preflight checks ${d}/${t}`),
        });
        if (!facts.nodes.ok && !facts.cilium.ok)
          throw new KdiagError('unreachable', `could not run the preflight: ${facts.nodes.error}`);
        findings.push(...diagnosis.findings);
      } finally {
        progress.stop();
      }
    }
    for (const f of denied.values()) findings.push(f);
    return buildReport(
      'cluster',
      checks.map(({ id, title }) => ({ id, title })),
      applyIgnores(findings, gate.ignores),
      gate.failOn,
    );
  }

  /** The namespace `<cilium-ns>` permissions are asked for: where the agent DaemonSet is, else kube-system. */
  private async discoverNamespace(client: KubeClient): Promise<string> {
    const { findCilium } = await import('../../cilium/discovery.js');
    try {
      return (await findCilium(client))?.namespace ?? 'kube-system';
    } catch (e) {
      if (isKdiagError(e) && e.kind === 'forbidden') return 'kube-system';
      throw e;
    }
  }

  /** One `unknown` finding per check this identity may not run, naming every missing permission. */
  private async permissionFindings(client: KubeClient, checks: Check[], ns: string): Promise<Map<string, Finding>> {
    const needs = new Map<string, Permission[]>();
    for (const c of checks)
      needs.set(
        c.id,
        c.rbac.map((n) => parseRbacNeed(n, ns)).filter((p): p is Permission => !!p),
      );
    let denied: Set<string>;
    try {
      denied = await deniedPermissions(client, [...needs.values()].flat());
    } catch (e) {
      // Without SelfSubjectAccessReview the checks still run; a 403 then shows up as their own unknown.
      if (!isKdiagError(e) || !['forbidden', 'not-found', 'bad-request'].includes(e.kind)) throw e;
      process.stderr.write(
        chalk.yellow(`preflight: cannot ask the API server for permissions (${oneLine(e)}); running every check\n`),
      );
      return new Map();
    }
    const out = new Map<string, Finding>();
    for (const [id, perms] of needs) {
      const missing = perms.filter((p) => denied.has(permissionKey(p)));
      if (!missing.length) continue;
      out.set(id, {
        id: `${id}/missing-permission`,
        check: id,
        status: 'unknown',
        subject: 'cluster',
        message: `missing permission: ${missing.map(describePermission).join(', ')}`,
        evidence: [
          {
            source: 'SelfSubjectAccessReview',
            excerpt: missing
              .map((p) => `${describePermission(p)}${p.group ? ` (group ${p.group})` : ''}: allowed=false`)
              .join('\n'),
          },
        ],
        remediation: {
          summary:
            'grant these verbs to the identity running kdiag (see docs/ci.md for a least-privilege Role/ClusterRole)',
          commands: [],
          autoFixable: false,
        },
      });
    }
    return out;
  }
}
