// Summarises a .cpuprofile by activity (module loading, TLS, parsing Cilium output, comparing, GC, idle):
// each sample is attributed by its stack, module loading first, then the innermost recognised frame.
// usage: node bench/profile-summary.js FILE.cpuprofile [...]
import { readFileSync } from 'node:fs';

const RULES = [
  ['TLS handshakes / secure contexts', (u) => /^node:(_tls|tls|internal\/tls)/.test(u)],
  ['parsing Cilium output (dist/cilium/formats)', (u) => u.includes('/dist/cilium/formats/')],
  ['comparing (dist/engine)', (u) => u.includes('/dist/engine/')],
  ['checks (dist/checks)', (u) => u.includes('/dist/checks/')],
  ['HTTP / WebSocket (ws, node:http, net, streams)', (u) => /node_modules\/ws\/|^node:(_http|http|https|net|internal\/streams|stream)/.test(u)],
  ['kdiag client (dist/cluster)', (u) => u.includes('/dist/cluster/')],
  ['@kubernetes/client-node', (u) => u.includes('@kubernetes/client-node')],
  ['rendering (dist/render)', (u) => u.includes('/dist/render/')],
];
const isModuleLoad = (cf) =>
  /^node:internal\/modules\//.test(cf.url) || /^(compileSourceTextModule|wrapSafe|compileForInternalLoader)$/.test(cf.functionName);

export function activities(prof) {
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map();
  const classify = (id) => {
    if (memo.has(id)) return memo.get(id);
    const self = byId.get(id).callFrame.functionName;
    let cat;
    if (self === '(idle)') cat = 'idle (waiting on the API)';
    else if (self === '(garbage collector)') cat = 'garbage collector';
    else if (self === '(program)') cat = '(program: V8/native, unattributed)';
    else {
      const stack = [];
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur).callFrame);
      if (stack.some(isModuleLoad)) cat = 'loading modules (import/require, compile)';
      else {
        for (const cf of stack) {
          const r = RULES.find(([, test]) => cf.url && test(cf.url));
          if (r) {
            cat = r[0];
            break;
          }
        }
        cat ??= 'other';
      }
    }
    memo.set(id, cat);
    return cat;
  };
  const agg = new Map();
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const us = prof.timeDeltas[i] ?? 0;
    total += us;
    const c = classify(prof.samples[i]);
    agg.set(c, (agg.get(c) ?? 0) + us);
  }
  return [...agg.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((1000 * us) / total) / 10 }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of process.argv.slice(2)) {
    console.log(`\n${f}`);
    for (const a of activities(JSON.parse(readFileSync(f, 'utf8')))) console.log(`${String(a.ms).padStart(7)} ms ${String(a.pct).padStart(5)} %  ${a.name}`);
  }
}
