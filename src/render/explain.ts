// `kdiag explain ID` and docs/causes/ID.md: one plain-Markdown rendering of a cause's catalogue entry and
// its doc, so the command and the docs cannot drift (scripts/cause-docs.js writes the files).
import type { CauseDef } from '../model/causes.js';
import type { CauseDoc } from '../model/cause-docs.js';

const bullets = (xs: string[]) => xs.map((x) => `- ${x}`);
const REPORT = /^([\w.-]+\/[\w.-]+)#(\d+)$/;

/** `owner/repo#N` as a link; anything else verbatim. */
function report(r: string): string {
  const m = REPORT.exec(r);
  return m ? `[${r}](https://github.com/${m[1]}/issues/${m[2]})` : r;
}

export function renderCauseDoc(def: CauseDef, doc: CauseDoc): string {
  const out = [
    `# ${def.id}`,
    '',
    `**${def.title}.** Fixable by restarting the agent: ${def.fixableByRestart ? 'yes' : 'no'}. Specificity: ${def.specificity}.`,
  ];
  if (def.explains?.length) out.push(`Explains, on the same node: ${def.explains.map((e) => `\`${e}\``).join(', ')}.`);
  out.push('', '## What it means', '', doc.meaning, '', '## Why ClusterIP traffic breaks', '', doc.why);
  out.push('', '## Evidence kdiag looks for', '', ...bullets(doc.evidence));
  out.push('', '## Confirm by hand', '', '```sh', ...doc.confirm, '```');
  out.push('', '## Fix', '', ...bullets(doc.fix));
  if (def.whatToChange) out.push('', `What must change: ${def.whatToChange}.`);
  out.push('', '## Reported in', '', ...bullets(doc.reports.map(report)));
  return out.join('\n') + '\n';
}
