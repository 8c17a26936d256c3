// One self-contained HTML file (inline CSS and script, nothing fetched at view time): verdict, a node grid
// coloured by each node's worst status (click a cell for that node's findings), findings by cause.
import type { Finding } from '../model/check.js';
import type { Report } from './model.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}
.verdict{padding:10px 14px;border-radius:6px;font-weight:600}.v-fail{background:#fde2e1}.v-warn,.v-unknown{background:#fff3cd}
.v-pass,.v-info{background:#dff5e1}#grid{display:grid;grid-template-columns:repeat(auto-fill,14px);gap:2px;margin:12px 0}
.cell{width:14px;height:14px;border-radius:2px;cursor:pointer}.s-pass{background:#3fb950}.s-info{background:#58a6ff}
.s-unknown{background:#d29922}.s-warn{background:#e3b341}.s-fail{background:#f85149}pre{background:#f6f8fa;padding:8px;overflow:auto}
.meta{color:#666}details{margin:6px 0}code{background:#f6f8fa}`;

function findingHtml(f: Finding): string {
  const ev = f.evidence
    .map(
      (e) =>
        `<div>${esc(e.source)}${e.node ? ` (${esc(e.node)})` : ''}${e.pasteCommand ? `<pre>$ ${esc(e.pasteCommand)}</pre>` : ''}<pre>${esc(e.excerpt)}</pre></div>`,
    )
    .join('');
  return `<details><summary><b class="t-${f.status}">${f.status.toUpperCase()}</b> ${esc(f.id)} <span class="meta">${esc(f.subject)}</span> — ${esc(f.message)}</summary>${ev}</details>`;
}

export function renderHtml(r: Report): string {
  const byNode: Record<string, string> = {};
  for (const c of r.causes)
    for (const f of c.findings) if (f.node) byNode[f.node] = (byNode[f.node] ?? '') + findingHtml(f);
  const counts = Object.entries(r.counts)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const cells = r.nodes
    .map(
      (n) =>
        `<div class="cell s-${n.status}" data-node="${esc(n.name)}" data-status="${n.status}" title="${esc(n.name)}: ${n.status}"></div>`,
    )
    .join('');
  const causes = r.causes
    .map(
      (c) =>
        `<section class="cause" data-cause="${esc(c.id)}"><h3>${esc(c.title)} <code>${esc(c.id)}</code></h3><p class="meta">${c.nodes.length ? `nodes: ${esc(c.nodes.join(', '))}` : 'cluster-wide'}</p>${c.findings.map(findingHtml).join('')}</section>`,
    )
    .join('');
  const fix = r.fixCommands.length ? `<h2>Fix</h2><pre>${esc(r.fixCommands.join('\n'))}</pre>` : '';
  const versions = r.cilium
    ? `${esc(r.datapath ?? '')}: Cilium ${esc(r.cilium.version)} in ${esc(r.cilium.namespace)} (${esc(r.cilium.cli)})`
    : esc(r.datapath ?? 'datapath not detected');
  // node findings are data, kept as JSON in the page (escaped for a <script> element)
  const data = JSON.stringify(byNode).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(r.command)} — kdiag report</title>
<style>${CSS}</style></head><body>
<h1>${esc(r.command)}</h1>
<p class="meta">ran at <time id="ran-at">${esc(r.ranAt)}</time> · ${versions} · ${r.nodes.length} node(s) · ${esc(counts)}</p>
<div id="verdict" class="verdict v-${r.status}">VERDICT: ${esc(r.verdict)}</div>
<h2>Nodes</h2><div id="grid">${cells}</div>
<div id="node-detail"><p class="meta">Click a node for its findings.</p></div>
<h2>Findings by cause</h2>${causes || '<p>No problems found.</p>'}
${fix}
<script>const F=${data};document.getElementById('grid').addEventListener('click',e=>{const n=e.target.dataset&&e.target.dataset.node;if(!n)return;
const d=document.getElementById('node-detail');d.innerHTML='<h3></h3>'+(F[n]||'<p>No problems on this node.</p>');d.querySelector('h3').textContent=n;});</script>
</body></html>
`;
}
