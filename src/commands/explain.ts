import { Args } from '@oclif/core';
import { BaseCommand, type Outcome } from '../base-command.js';
import { KdiagError } from '../errors.js';
import { outputFlagsFor, outputOnlyFlags } from '../flags.js';
import { renderData } from '../render/data.js';
import { renderCauseDoc } from '../render/explain.js';
import { renderTable } from '../render/table.js';
import { CHECKS } from '../checks/index.js';
import { NODE_CHECKS } from '../node/checks/index.js';
import { CAUSES, causeById } from '../model/causes.js';
import { causeDoc } from '../model/cause-docs.js';
import { findingIds } from '../model/check.js';

export interface Explainable {
  id: string;
  kind: 'cause' | 'finding';
  title: string;
}

/** Every cause id, then every finding id (`check/reason`) of the cluster and node checks. */
function catalogue(): Explainable[] {
  const findings = [...CHECKS, ...NODE_CHECKS].flatMap((c) =>
    findingIds([c]).map((id) => ({ id, kind: 'finding' as const, title: c.title })),
  );
  return [...CAUSES.map((c) => ({ id: c.id, kind: 'cause' as const, title: c.title })), ...findings];
}

export default class Explain extends BaseCommand {
  static override summary = 'Explain a root cause or finding id, offline: what it means, how to confirm it, the fix';
  static override examples = [
    '<%= config.bin %> explain                 # list every cause and finding id',
    '<%= config.bin %> explain lb-map-full',
    '<%= config.bin %> explain service-map/not-in-map',
  ];
  static override baseFlags = outputOnlyFlags as unknown as typeof BaseCommand.baseFlags;
  static override flags = { ...outputFlagsFor(['table', 'json', 'yaml']) };
  static override args = { id: Args.string({ description: 'a cause id or a finding id (check/reason)' }) };

  protected async execute(): Promise<Outcome> {
    const { args, flags } = await this.parse(Explain);
    this.setup(flags);
    const format = flags.json ? 'json' : flags.output;
    const all = catalogue();
    if (!args.id) {
      if (format === 'table' || format === 'wide')
        process.stdout.write(
          renderTable(
            ['id', 'kind', 'title'],
            all.map((e) => [e.id, e.kind, e.title]),
          ) + '\n',
        );
      else process.stdout.write(renderData(all, format as 'json' | 'yaml') + '\n');
      return { verdict: 'ok', data: all };
    }
    const def = causeById(args.id);
    const doc = causeDoc(args.id);
    if (def && doc) {
      if (format === 'table' || format === 'wide') process.stdout.write(renderCauseDoc(def, doc));
      else process.stdout.write(renderData({ ...def, ...doc }, format as 'json' | 'yaml') + '\n');
      return { verdict: 'ok', data: { ...def, ...doc } };
    }
    const hit = all.find((e) => e.kind === 'finding' && e.id === args.id);
    if (!hit)
      throw new KdiagError('usage', `unknown id "${args.id}"`, {
        hint: 'run `kdiag explain` to list every cause and finding id',
      });
    const check = [...CHECKS, ...NODE_CHECKS].find((c) => hit.id.startsWith(`${c.id}/`))!;
    const text = [
      `# ${hit.id}`,
      '',
      `Reported by the check \`${check.id}\`: ${check.title}.`,
      `Its reasons: ${check.reasons.map((r) => `\`${check.id}/${r}\``).join(', ')}.`,
      ...(check.rbac.length ? [`It needs: ${check.rbac.join('; ')}.`] : []),
      ...(check.requires ? [`It reads on the node: ${check.requires}.`] : []),
      '',
      `What each reason detects and the root cause it points to: docs/checks.md, section "${check.id}".`,
      'A finding that points to a root cause names it; `kdiag explain CAUSE` explains the cause.',
    ];
    const data = { ...hit, check: check.id, reasons: check.reasons.map((r) => `${check.id}/${r}`) };
    if (format === 'table' || format === 'wide') process.stdout.write(text.join('\n') + '\n');
    else process.stdout.write(renderData(data, format as 'json' | 'yaml') + '\n');
    return { verdict: 'ok', data };
  }
}
