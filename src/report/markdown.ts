// The same report as Markdown, for tickets and GitHub Actions' job summary ($GITHUB_STEP_SUMMARY).
import { nodeList } from '../render/group.js';
import type { Report } from './model.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(r: Report): string {
  const out = [`## ${r.command}`, '', `**VERDICT: ${r.verdict}**`, ''];
  const counts = Object.entries(r.counts).map(([s, n]) => `${n} ${s}`);
  const versions = r.cilium
    ? `Cilium ${r.cilium.version} in ${r.cilium.namespace}`
    : (r.datapath ?? 'datapath not detected');
  out.push(`${versions} · ${r.nodes.length} node(s) · ${counts.join(', ')} · ran at ${r.ranAt}`, '');
  for (const c of r.causes) {
    out.push(
      `### ${c.title} (\`${c.id}\`)`,
      '',
      `nodes: ${c.nodes.length ? nodeList(c.nodes, 20) : 'cluster-wide'}`,
      '',
    );
    out.push('| status | finding | subject | message |', '|---|---|---|---|');
    for (const f of c.findings) out.push(`| ${f.status} | \`${f.id}\` | ${cell(f.subject)} | ${cell(f.message)} |`);
    out.push('');
  }
  if (r.fixCommands.length) out.push('### Fix', '', '```sh', ...r.fixCommands, '```', '');
  return out.join('\n');
}
