import { BaseCommand, type Outcome } from '../../base-command.js';
import { outputFlagsFor, outputOnlyFlags } from '../../flags.js';
import { renderData } from '../../render/data.js';
import { renderTable } from '../../render/table.js';
import { NODE_CHECKS } from '../../node/checks/index.js';
import { preflightChecks } from '../../gate/cluster-checks.js';

export interface ListedCheck {
  id: string;
  title: string;
  /** `cluster` (kdiag preflight) or `node` (kdiag preflight node). */
  scope: 'cluster' | 'node';
  rbac: string[];
  /** Node checks: what they read on the node. */
  requires?: string;
}

export default class PreflightList extends BaseCommand {
  static override summary = 'List the preflight checks: ids, titles and the RBAC each needs';
  static override examples = ['<%= config.bin %> preflight list', '<%= config.bin %> preflight list -o json'];
  static override baseFlags = outputOnlyFlags as unknown as typeof BaseCommand.baseFlags;
  static override flags = {
    ...outputFlagsFor(['table', 'wide', 'json', 'yaml']),
  };

  protected async execute(): Promise<Outcome<ListedCheck[]>> {
    const { flags } = await this.parse(PreflightList);
    this.setup(flags);
    const checks: ListedCheck[] = [
      ...preflightChecks().map((c) => ({ id: c.id, title: c.title, scope: 'cluster' as const, rbac: c.rbac })),
      ...NODE_CHECKS.map((c) => ({ id: c.id, title: c.title, scope: 'node' as const, rbac: [], requires: c.requires })),
    ];
    const format = flags.json ? 'json' : flags.output;
    // Every column is already in the table: -o wide prints the same.
    if (format === 'table' || format === 'wide') {
      process.stdout.write(
        renderTable(
          ['id', 'scope', 'title', 'needs'],
          checks.map((c) => [c.id, c.scope, c.title, c.scope === 'cluster' ? c.rbac.join('; ') : (c.requires ?? '')]),
        ) + '\n',
      );
    } else process.stdout.write(renderData(checks, format as 'json' | 'yaml') + '\n');
    return { verdict: 'ok', data: checks };
  }
}
