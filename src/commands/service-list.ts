import { Flags } from '@oclif/core';
import chalk from 'chalk';
import { BaseCommand, type Outcome } from '../base-command.js';
import { KdiagError } from '../errors.js';
import { fromBundleFlag, namespaceFlags, outputFlags } from '../flags.js';
import { renderData } from '../render/data.js';
import { startProgress } from '../render/progress.js';
import { renderTable } from '../render/table.js';
import { terminalWidth, wrapLine } from '../render/width.js';
import { parseRef } from '../util/ref.js';
import type { ServiceListReport, ServiceRow } from '../engine/service-list.js';

export default class ServiceList extends BaseCommand {
  static override description =
    'Join every Service and its EndpointSlices with the BPF load-balancer map of every Cilium agent, and flag drift';

  static override examples = [
    '<%= config.bin %> service-list -A',
    '<%= config.bin %> service-list -n kube-system --problems -o wide',
    '<%= config.bin %> service-list --service default/web -o json',
    '<%= config.bin %> service-list -A --fail-on-drift   # CI: exit 1 when anything is not OK',
    '<%= config.bin %> service-list -A --from-bundle kdiag-bundle.tar.gz   # offline, from `kdiag bundle`',
  ];

  static override flags = {
    ...namespaceFlags,
    ...outputFlags,
    ...fromBundleFlag,
    service: Flags.string({ description: 'only this Service (NAMESPACE/NAME)', helpGroup: 'FILTER' }),
    node: Flags.string({ description: "only this node's agent", helpGroup: 'FILTER' }),
    problems: Flags.boolean({ description: 'only rows that are not OK', helpGroup: 'FILTER' }),
    'fail-on-drift': Flags.boolean({ description: 'exit 1 when any row is not OK' }),
  };

  protected async execute(): Promise<Outcome<ServiceListReport>> {
    const { flags } = await this.parse(ServiceList);
    this.setup(flags);
    const format = this.outputFormat(flags);
    if (flags.namespace && flags['all-namespaces'])
      throw new KdiagError('usage', 'use either -n/--namespace or -A/--all-namespaces');
    const service = flags.service ? parseRef(flags.service, '--service', flags.namespace ?? 'default') : undefined;
    // Unlike kubectl get, the default scope is every namespace: drift anywhere matters.
    const namespace = flags['all-namespaces'] ? undefined : flags.namespace;
    const client = await this.connect(flags);
    const { validateNodeNames } = await import('../engine/node-names.js');
    await validateNodeNames(client, flags.node ? [flags.node] : undefined);
    const progress = await startProgress(
      'Reading the load-balancer map of every agent…',
      format === 'table' || format === 'wide',
    );
    const { buildServiceList } = await import('../engine/service-list.js');
    const built = await buildServiceList(client, {
      ciliumNamespace: flags['cilium-namespace'],
      namespace,
      service,
      node: flags.node,
      onProgress: (d, t) => progress.update(`Reading agent load-balancer maps ${d}/${t}`),
    }).finally(() => progress.stop());
    // Cilium missing or unreadable, Services or agents not listable: nothing to compare.
    const { facts } = built;
    // On Calico eBPF the maps are calico-node's, where kube-proxy serves Services its rules: Cilium need not be there.
    const calico = built.report.datapath === 'calico-ebpf';
    const kubeProxy = built.report.datapath === 'kube-proxy';
    for (const [what, g] of [
      ...(calico || kubeProxy ? [] : ([['', facts.cilium]] as const)),
      ['cannot list Services: ', facts.services],
      ...(calico
        ? ([['cannot list the calico-node pods: ', facts.calicoNodes ?? facts.services]] as const)
        : kubeProxy
          ? ([['cannot list the kube-proxy pods: ', facts.kubeProxy]] as const)
          : ([['cannot list the Cilium agent pods: ', facts.agents]] as const)),
    ] as const)
      if (!g.ok) throw new KdiagError(g.kind ?? 'server', `${what}${g.error}`, { hint: g.hint });
    let report: ServiceListReport = built.report;
    if (flags.problems) report = { ...report, rows: report.rows.filter((r) => r.status !== 'OK') };
    if (format === 'json' || format === 'yaml') process.stdout.write(renderData(report, format) + '\n');
    else process.stdout.write(renderServiceTable(report, format === 'wide'));
    if (report.summary.nodes > 0 && report.summary.nodesUnknown === report.summary.nodes) {
      // Nothing was compared: that is "could not run", not a clean result.
      process.stderr.write(
        `Error: no agent could be asked for its load-balancer map (first reason: ${report.nodes[0].reason})\n`,
      );
      return { verdict: 'could-not-run', data: report };
    }
    return { verdict: flags['fail-on-drift'] && report.summary.notOk > 0 ? 'problems' : 'ok', data: report };
  }
}

const COLOR: Record<string, (s: string) => string> = {
  OK: chalk.green,
  NODE_UNKNOWN: chalk.yellow,
  NO_ENDPOINTS: chalk.yellow,
  STALE: chalk.magenta,
  BACKENDS_DIFFER: chalk.red,
  NOT_IN_MAP: chalk.red,
};

function nodesCell(r: ServiceRow, total: number): string {
  const bad = r.nodes.length;
  return bad === 0 ? `${r.nodesOk}/${total} agree` : `${bad}/${total} disagree`;
}

export function renderServiceTable(report: ServiceListReport, wide: boolean): string {
  const total = report.summary.nodes;
  const headers = ['Namespace', 'Name', 'Frontend', 'Type', 'Endpoints', 'Status', 'Nodes'];
  const rows: string[][] = [];
  for (const r of report.rows) {
    rows.push([
      r.namespace || '-',
      r.name || '<none>',
      r.frontend,
      r.kind,
      String(r.readyEndpoints),
      COLOR[r.status](r.status),
      nodesCell(r, total),
    ]);
    if (wide)
      for (const n of r.nodes) {
        const detail = [
          n.reason ? `reason: ${n.reason}` : '',
          n.missing?.length ? `missing: ${n.missing.join(',')}` : '',
          n.extra?.length ? `extra: ${n.extra.join(',')}` : '',
          n.agentBackends?.length
            ? `agent: ${n.agentBackends.map((b) => `${b.ip.includes(':') ? `[${b.ip}]` : b.ip}:${b.port}/${b.protocol} (${b.state})`).join(', ')}`
            : '',
        ]
          .filter(Boolean)
          .join('; ');
        rows.push(['', `  └ ${n.node}`, '', '', '', COLOR[n.status](n.status), detail]);
      }
    if (wide && r.backends.length) rows.push(['', '  backends', '', '', '', '', backendsCell(r)]);
  }
  const s = report.summary;
  const unknown = report.nodes.filter((n) => n.status === 'unknown');
  const down = report.nodes.filter((n) => n.datapath === 'down');
  const empty = report.summary.rows > 0 ? 'No rows that are not OK.' : 'No Services found.';
  const lines = [rows.length ? renderTable(headers, rows, { fit: !wide, drop: ['Type', 'Endpoints'] }) : empty];
  lines.push('');
  lines.push(
    ...wrapLine(
      `${s.rows} frontends of ${s.services} Services on ${s.nodes} nodes: ${s.notOk === 0 ? chalk.green('all OK') : chalk.red(`${s.notOk} not OK`)}` +
        (unknown.length ? chalk.yellow(`; ${unknown.length} node(s) could not be asked`) : '') +
        (down.length ? chalk.red(`; datapath down on ${down.length} node(s)`) : ''),
      terminalWidth(),
      '',
      '  ',
    ),
  );
  const width = terminalWidth();
  for (const n of unknown.slice(0, 10))
    lines.push(...wrapLine(`${n.node}: ${n.reason}`, width, '  ', '    ').map((l) => chalk.yellow(l)));
  if (unknown.length > 10) lines.push(chalk.yellow(`  … and ${unknown.length - 10} more (see -o json)`));
  for (const n of down.slice(0, 10))
    lines.push(...wrapLine(`${n.node}: ${n.reason}`, width, '  ', '    ').map((l) => chalk.red(l)));
  if (down.length > 10) lines.push(chalk.red(`  … and ${down.length - 10} more (see -o json)`));
  lines.push(...backendNotes(report, width));
  return lines.join('\n') + '\n';
}

/** `10.244.0.58:8080/TCP active×2 quarantined×1`: each backend with the number of nodes per state. */
function backendsCell(r: ServiceRow): string {
  return r.backends
    .map(
      (b) =>
        `${b.address} ${Object.entries(b.states)
          .map(([st, n]) => `${st}×${n}`)
          .join(' ')}`,
    )
    .join(', ');
}

/** Backends listed but not serving, stuck rollouts, and agent states the EndpointSlices contradict. */
function backendNotes(report: ServiceListReport, width: number | undefined): string[] {
  const notes: string[] = [];
  for (const r of report.rows) {
    const ref = `${r.namespace}/${r.name} ${r.frontend}`;
    if (r.endpoints === 'rollout-stuck')
      notes.push(
        `${ref}: all ${r.terminatingEndpoints} endpoint(s) terminating, none ready: a stuck rollout (old pods being deleted, no new pod Ready)`,
      );
    for (const n of r.notServing ?? [])
      notes.push(`${ref}: backend ${n.backend} ${n.state} on ${n.nodes} node(s), not serving: ${n.reason}`);
    for (const m of r.stateMismatch ?? [])
      notes.push(`${ref} on ${m.node}: agent state contradicts the EndpointSlice: ${m.backends.join(', ')}`);
  }
  const out: string[] = [];
  for (const n of notes.slice(0, 10)) out.push(...wrapLine(n, width, '  ', '    ').map((l) => chalk.yellow(l)));
  if (notes.length > 10) out.push(chalk.yellow(`  … and ${notes.length - 10} more (see -o json)`));
  return out;
}
