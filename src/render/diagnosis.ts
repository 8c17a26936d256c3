// Human rendering of a Diagnosis: the verdict first, then the evidence, then numbered fix steps.
import chalk from 'chalk';
import { safeText } from './safe-text.js';
import type { Diagnosis, FixResult } from '../model/diagnosis.js';
import type { Status } from '../model/check.js';

const MARK: Record<Status, string> = { pass: '✔', info: 'ℹ', unknown: '?', warn: '!', fail: '✖' };
const PAINT: Record<Status, (s: string) => string> = {
  pass: chalk.green,
  info: chalk.cyan,
  unknown: chalk.yellow,
  warn: chalk.yellow,
  fail: chalk.red,
};

function nodeList(nodes: string[]): string {
  if (nodes.length === 0) return 'cluster-wide';
  return nodes.length <= 6 ? nodes.join(', ') : `${nodes.slice(0, 6).join(', ')} and ${nodes.length - 6} more`;
}

export function renderDiagnosis(d: Diagnosis, opts: { verbose?: boolean } = {}): string {
  const out: string[] = [];
  const where = d.scope ? `on ${d.scope.join(', ')}` : 'on every node';
  const scope = d.target
    ? `Service ${d.target.namespace}/${d.target.name} ${where}`
    : `ClusterIP load balancing ${where}`;
  out.push(chalk.bold(`kdiag doctor clusterip — ${scope}`));
  if (d.cilium)
    out.push(chalk.dim(`Cilium ${d.cilium.version} in ${d.cilium.namespace} (${d.cilium.cli}), ${d.nodes} nodes`));
  if (d.from) {
    const where = d.from.hostNetwork
      ? 'hostNetwork (socket LB in the host namespace applies)'
      : 'a pod network namespace';
    out.push(chalk.dim(`Client ${d.from.namespace}/${d.from.name} on ${d.from.node ?? '?'} in ${where}`));
  }
  out.push('');

  // 1. Verdict
  if (d.rootCauses.length === 0) {
    const unknown = d.findings.filter((f) => f.status === 'unknown').length;
    out.push(
      unknown
        ? chalk.yellow(
            `VERDICT: no root cause found, but ${unknown} check(s) could not run (see below) — not a clean bill of health`,
          )
        : chalk.green('VERDICT: healthy — no finding above info'),
    );
  } else {
    const top = d.rootCauses[0];
    out.push(chalk.red.bold(`VERDICT: ${top.title} [${top.id}]`));
    out.push(
      `  affected: ${nodeList(top.nodes)}   confidence: ${top.confidence}   fixable by restart: ${top.fixableByRestart ? 'yes' : 'no'}`,
    );
    for (const c of d.rootCauses.slice(1))
      out.push(chalk.dim(`  also: ${c.title} [${c.id}] on ${nodeList(c.nodes)} (${c.confidence})`));
  }
  out.push('');

  // 2. Evidence
  const shown = d.findings.filter((f) => opts.verbose || f.status !== 'pass');
  if (shown.length) {
    out.push(chalk.bold('EVIDENCE'));
    for (const f of shown) {
      out.push(
        `${PAINT[f.status](`${MARK[f.status]} ${f.status.toUpperCase().padEnd(7)}`)} ${f.id}  ${chalk.dim(f.subject)}`,
      );
      out.push(`    ${safeText(f.message)}`);
      for (const e of f.evidence.slice(0, opts.verbose ? 50 : 4)) {
        const where = [e.node, e.pod].filter(Boolean).join('/');
        const lines = e.excerpt.split('\n').slice(0, opts.verbose ? 40 : 6);
        out.push(chalk.dim(`    ┆ ${e.source}${where ? ` (${where})` : ''}:`));
        for (const l of lines) out.push(chalk.dim(`    ┆   ${safeText(l)}`));
        const hidden = e.excerpt.split('\n').length - lines.length;
        if (hidden > 0) out.push(chalk.dim(`    ┆   … ${hidden} more line(s) (-v or -o json)`));
      }
      if (!opts.verbose && f.evidence.length > 4)
        out.push(chalk.dim(`    ┆ … ${f.evidence.length - 4} more (-v or -o json)`));
    }
    out.push('');
  }
  const passed = d.findings.filter((f) => f.status === 'pass').length;
  if (passed && !opts.verbose) out.push(chalk.dim(`${passed} check result(s) passed (-v to show them)`), '');

  // 3. Fix steps
  const steps: string[] = [];
  if (d.plan.actions.length) {
    steps.push(`Restart the Cilium agent on the affected node(s) (${d.plan.actions.map((a) => a.node).join(', ')}):`);
    for (const c of d.plan.commands) steps.push(`   ${c}`);
    steps.push(
      `   then wait for the new agents: kubectl -n ${d.plan.actions[0].namespace} wait --for=condition=Ready pod -l k8s-app=cilium --field-selector spec.nodeName=<node> --timeout=120s`,
    );
    steps.push('   or let kdiag do it, one node at a time, verified: kdiag doctor clusterip --fix');
  }
  for (const r of d.plan.refused) steps.push(`Do NOT restart ${r.pod ?? 'the agent'} on ${r.node}: ${r.reason}`);
  for (const n of d.plan.notFixable)
    steps.push(`${n.title} on ${nodeList(n.nodes)} — a restart will not fix this: ${n.whatToChange}`);
  if (steps.length) {
    out.push(chalk.bold('FIX'));
    steps.forEach((s, i) => out.push(s.startsWith('   ') ? s : `${i + 1}. ${s}`));
    out.push('');
  }
  if (d.unknowns.length) {
    out.push(chalk.yellow(`Could not check ${d.unknowns.length} thing(s):`));
    for (const u of d.unknowns.slice(0, 10))
      out.push(chalk.yellow(`  ${u.fact}${u.node ? ` on ${u.node}` : ''}: ${u.reason}`));
    if (d.unknowns.length > 10) out.push(chalk.yellow(`  … and ${d.unknowns.length - 10} more (-o json)`));
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

export function renderFixResult(r: FixResult, before: Diagnosis, after?: Diagnosis): string {
  const out: string[] = [chalk.bold('FIX RESULT')];
  for (const s of r.steps) {
    const ok = s.outcome === 'recovered';
    out.push(
      `${ok ? chalk.green('✔') : chalk.red('✖')} ${s.node}: ${s.oldPod}${s.newPod ? ` → ${s.newPod}` : ''} ${s.outcome} — ${s.detail}`,
    );
  }
  if (r.stoppedReason) out.push(chalk.red(r.stoppedReason));
  const summary = (d: Diagnosis) =>
    d.rootCauses.length ? d.rootCauses.map((c) => `${c.id} (${nodeList(c.nodes)})`).join('; ') : 'healthy';
  out.push('', `before: ${summary(before)}`);
  if (after) out.push(`after:  ${summary(after)}`);
  return out.join('\n') + '\n';
}
