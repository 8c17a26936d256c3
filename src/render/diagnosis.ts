// Human rendering of a Diagnosis: the verdict first, then the evidence, then numbered fix steps.
import chalk from 'chalk';
import { safeText } from './safe-text.js';
import { terminalWidth, wrapCommand, wrapLine } from './width.js';
import type { Diagnosis, FixResult, RestartAction } from '../model/diagnosis.js';
import { STATUS_ORDER, type Status } from '../model/check.js';
import { factInWords } from './fact-words.js';
import { groupFindings, nodeList } from './group.js';

const MARK: Record<Status, string> = { pass: '✔', info: 'ℹ', unknown: '?', warn: '!', fail: '✖' };
const PAINT: Record<Status, (s: string) => string> = {
  pass: chalk.green,
  info: chalk.cyan,
  unknown: chalk.yellow,
  warn: chalk.yellow,
  fail: chalk.red,
};

/** Worst first: FAIL, WARN, UNKNOWN, INFO, then PASS; the engine's order within one severity. */
export function bySeverity<T extends { status: Status }>(items: T[]): T[] {
  return [...items].sort((a, b) => STATUS_ORDER[b.status] - STATUS_ORDER[a.status]);
}

/** `showPassed`: list passed findings too (--show-passed); `wide`: passed findings and all evidence (-o wide). */
export function renderDiagnosis(d: Diagnosis, opts: { showPassed?: boolean; wide?: boolean } = {}): string {
  const showPassed = opts.showPassed || opts.wide;
  const full = opts.wide;
  const out: string[] = [];
  const width = terminalWidth();
  /** One logical line, wrapped to the terminal at spaces; `paint` applies per physical line. */
  const add = (text: string, first = '', next = first, paint: (s: string) => string = (x) => x) =>
    out.push(...wrapLine(text, width, first, next).map((l) => paint(l)));
  const where = d.scope ? `on ${d.scope.join(', ')}` : 'on every node';
  const scope = d.target
    ? `Service ${d.target.namespace}/${d.target.name} ${where}`
    : `ClusterIP load balancing ${where}`;
  add(`kdiag doctor clusterip — ${scope}`, '', '  ', chalk.bold);
  if (d.cilium)
    add(`Cilium ${d.cilium.version} in ${d.cilium.namespace} (${d.cilium.cli}), ${d.nodes} nodes`, '', '  ', chalk.dim);
  if (d.datapath) add(`Datapath: ${safeText(d.datapath.title)}`, '', '  ', chalk.dim);
  if (d.from) {
    const where = d.from.hostNetwork
      ? 'hostNetwork (socket LB in the host namespace applies)'
      : 'a pod network namespace';
    add(`Client ${d.from.namespace}/${d.from.name} on ${d.from.node ?? '?'} in ${where}`, '', '  ', chalk.dim);
  }
  out.push('');

  // 1. Verdict
  if (d.rootCauses.length === 0) {
    const unknown = d.findings.filter((f) => f.status === 'unknown').length;
    if (unknown)
      add(
        `VERDICT: no root cause found, but ${unknown} check(s) could not run (see below) — not a clean bill of health`,
        '',
        '  ',
        chalk.yellow,
      );
    else add('VERDICT: healthy — no finding above info', '', '  ', chalk.green);
  } else {
    const top = d.rootCauses[0];
    add(`VERDICT: ${top.title} [${top.id}]`, '', '  ', chalk.red.bold);
    add(
      `affected: ${nodeList(top.nodes)}   confidence: ${top.confidence}${top.basis ? ` (${basisText[top.basis]})` : ''}   fixable by restart: ${top.fixableByRestart ? 'yes' : 'no'}`,
      '  ',
      '    ',
    );
    for (const c of d.rootCauses.slice(1))
      add(`also: ${c.title} [${c.id}] on ${nodeList(c.nodes)} (${c.confidence})`, '  ', '    ', chalk.dim);
  }
  add(summaryOf(d), '', '  ', chalk.dim);
  out.push('');

  // 2. Evidence
  // Identical evidence on many nodes prints once, with the node list (-o json keeps each finding).
  const shown = groupFindings(bySeverity(d.findings.filter((f) => showPassed || f.status !== 'pass')));
  if (shown.length) {
    out.push(chalk.bold('EVIDENCE'));
    for (const { first: f, nodes } of shown) {
      const subject = nodes.length > 1 ? nodeList(nodes) : f.subject;
      add(
        `${f.id}  ${chalk.dim(subject)}`,
        `${PAINT[f.status](`${MARK[f.status]} ${f.status.toUpperCase().padEnd(7)}`)} `,
        '          ',
      );
      add(safeText(f.message), '    ');
      if (nodes.length > 1) add(`the same on ${nodes.length} nodes; shown for ${f.node}:`, '    ', '      ', chalk.dim);
      for (const e of f.evidence.slice(0, full ? 50 : 4)) {
        const where = [e.node, e.pod].filter(Boolean).join('/');
        const lines = e.excerpt.split('\n').slice(0, full ? 40 : 6);
        add(`${e.source}${where ? ` (${where})` : ''}:`, '    ┆ ', '    ┆   ', chalk.dim);
        if (e.pasteCommand && e.pasteCommand !== e.source)
          out.push(...wrapCommand(`$ ${e.pasteCommand}`, width, '    ┆   ').map((l) => chalk.dim(l)));
        for (const l of lines) add(safeText(l), '    ┆   ', '    ┆     ', chalk.dim);
        const hidden = e.excerpt.split('\n').length - lines.length;
        if (hidden > 0) add(`… ${hidden} more line(s) (-o wide or -o json)`, '    ┆   ', '    ┆     ', chalk.dim);
      }
      if (!full && f.evidence.length > 4)
        add(`… ${f.evidence.length - 4} more (-o wide or -o json)`, '    ┆ ', '    ┆   ', chalk.dim);
      add(`→ kdiag explain ${f.cause ?? f.id}`, '    ', '      ', chalk.dim);
    }
    out.push('');
  }
  const passed = d.findings.filter((f) => f.status === 'pass').length;
  if (passed && !showPassed) {
    add(`${passed} check result(s) passed (--show-passed to show them)`, '', '  ', chalk.dim);
    out.push('');
  }

  // 3. Fix steps
  const steps: string[] = [];
  if (d.plan.actions.length) {
    // Cilium agents, calico-node on Calico eBPF (the action names its workload), or kube-proxy where it
    // serves Services (src/datapath/kube-proxy.ts).
    const isKp = (a: RestartAction) => a.kind === 'restart-kube-proxy';
    const kp = d.plan.actions.every(isKp);
    const calico = d.plan.actions.every((a) => a.workload);
    const what = kp
      ? 'kube-proxy'
      : calico
        ? 'calico-node pod'
        : d.plan.actions.some(isKp)
          ? 'Cilium agent or kube-proxy'
          : 'Cilium agent';
    steps.push(`Restart the ${what} on the affected node(s) (${d.plan.actions.map((a) => a.node).join(', ')}):`);
    for (const c of d.plan.commands) steps.push(`   ${c}`);
    steps.push(`   then wait for the new ${kp ? 'kube-proxy pods' : 'agents'}, node by node:`);
    for (const a of d.plan.actions)
      steps.push(
        `   kubectl -n ${a.namespace} wait --for=condition=Ready pod -l ${isKp(a) ? 'k8s-app=kube-proxy' : (a.workload?.label ?? 'k8s-app=cilium')} --field-selector spec.nodeName=${a.node} --timeout=120s`,
      );
    const n = d.plan.maxUnavailable;
    steps.push(
      `   or let kdiag do it, ${n === 1 ? 'one node at a time' : `${n} nodes at a time`}, verified: kdiag doctor clusterip --fix`,
    );
    if (d.plan.capped) steps.push(`Batch size: ${d.plan.capped}`);
  }
  for (const r of d.plan.refused) steps.push(`Do NOT restart ${r.pod ?? 'the agent'} on ${r.node}: ${r.reason}`);
  for (const n of d.plan.notFixable) {
    steps.push(`${n.title} on ${nodeList(n.nodes)} — a restart will not fix this: ${n.whatToChange}`);
    for (const c of n.commands ?? []) steps.push(`   ${c}`);
  }
  if (steps.length) {
    out.push(chalk.bold('FIX'));
    let n = 0;
    for (const s of steps) {
      // indented steps are commands: wrapped with ` \` so they still paste as one line
      if (s.startsWith('   ')) out.push(...wrapCommand(s.slice(3), width, '   '));
      else add(s, `${++n}. `, '   ');
    }
    out.push('');
  }
  if (d.unknowns.length) {
    out.push(chalk.yellow(`Could not check ${d.unknowns.length} thing(s):`));
    for (const u of d.unknowns.slice(0, 10))
      add(`${factInWords(u.fact, u.node)}: ${u.reason}`, '  ', '    ', chalk.yellow);
    if (d.unknowns.length > 10) add(`… and ${d.unknowns.length - 10} more (-o json)`, '  ', '    ', chalk.yellow);
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

/** Counts per status and per cause, one line: what the details below add up to. */
export function summaryOf(d: Diagnosis): string {
  const counts = (Object.keys(STATUS_ORDER) as Status[])
    .sort((a, b) => STATUS_ORDER[b] - STATUS_ORDER[a])
    .map((s) => [s, d.findings.filter((f) => f.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const causes = d.rootCauses.map(
    (c) => `${c.id} (${c.nodes.length ? `${c.nodes.length} node${c.nodes.length === 1 ? '' : 's'}` : 'cluster-wide'})`,
  );
  return `summary: ${counts.join(', ') || 'no findings'}${causes.length ? ` · causes: ${causes.join(', ')}` : ''}`;
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
  const summary = (d: Diagnosis) => {
    if (d.rootCauses.length) return d.rootCauses.map((c) => `${c.id} (${nodeList(c.nodes)})`).join('; ');
    // "healthy" only when nothing was left unseen.
    const unk = d.findings.filter((f) => f.status === 'unknown').length;
    return unk ? `not verified — no root cause found, ${unk} check result(s) unknown` : 'healthy';
  };
  out.push('', `before: ${summary(before)}`);
  if (after) out.push(`after:  ${summary(after)}`);
  else out.push('after:  not verified — no diagnosis after the fix');
  return out.join('\n') + '\n';
}

const basisText = { live: 'live state', log: 'log lines only', 'live+log': 'live state and logs' } as const;
