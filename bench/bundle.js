#!/usr/bin/env node
// Bench case for `kdiag bundle` (issue #19): 100 nodes by default, simulator in its own process
// (bench/sim-host.js, 127.0.0.1, 5 ms injected API latency), `kdiag bundle` run --runs times; wall time,
// archive size and the simulator's request count per run. Not part of npm test; needs `npm run build`.
//
//   node bench/bundle.js [--nodes 100] [--services 1000] [--runs 3] [--latency 5] [--concurrency 32]
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (n, d) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : d;
};
const NODES = Number(opt('nodes', '100'));
const SERVICES = Number(opt('services', '1000'));
const RUNS = Number(opt('runs', '3'));
const LATENCY = opt('latency', '5');
const CONCURRENCY = opt('concurrency', '32');

const tmp = mkdtempSync(join(os.tmpdir(), 'kdiag-bench-bundle-'));
const scenario = join(tmp, 'scenario.yaml');
writeFileSync(
  scenario,
  `description: bundle bench, ${NODES} nodes x ${SERVICES} services, healthy
cilium:
  version: 1.16.5
nodes:
  count: ${NODES}
services:
  generated:
    count: ${SERVICES}
    namespaces: [team-a, team-b, team-c]
    backends: 2
expect:
  rootCause: null
`,
);
const kubeconfig = join(tmp, 'kubeconfig');
const child = fork(join(ROOT, 'bench', 'sim-host.js'), ['--scenario', scenario, '--kubeconfig', kubeconfig, '--latency', LATENCY], {
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
const next = (cmd) => new Promise((resolve) => child.on('message', (m) => m.cmd === cmd && resolve(m)));
await next('ready');
const stats = async () => {
  const p = next('stats');
  child.send({ cmd: 'stats' });
  return p;
};

const runs = [];
for (let i = 0; i < RUNS; i++) {
  const file = join(tmp, `bundle-${i}.tar.gz`);
  const before = await stats();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), 'bundle', '-o', file, '--kubeconfig', kubeconfig, '--concurrency', CONCURRENCY], {
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    encoding: 'utf8',
  });
  const wallMs = Math.round(performance.now() - t0);
  const after = await stats();
  if (r.status !== 0) {
    process.stderr.write(`run ${i}: exit ${r.status}\n${r.stdout}${r.stderr}\n`);
    process.exitCode = 1;
    break;
  }
  const requests = (after.requests ?? 0) - (before.requests ?? 0);
  runs.push({ wallMs, bytes: statSync(file).size, requests, summary: r.stdout.split('\n')[0] });
  process.stdout.write(`run ${i + 1}/${RUNS}: ${(wallMs / 1000).toFixed(1)} s, ${(statSync(file).size / 1024).toFixed(0)} KiB, ${requests} API calls\n`);
}
child.send({ cmd: 'stop' });
rmSync(tmp, { recursive: true, force: true });
if (runs.length) {
  const sorted = runs.map((r) => r.wallMs).sort((a, b) => a - b);
  const result = {
    when: new Date().toISOString(),
    nodes: NODES,
    services: SERVICES,
    latencyMs: Number(LATENCY),
    concurrency: Number(CONCURRENCY),
    cpus: os.cpus().length,
    medianMs: sorted[Math.floor(sorted.length / 2)],
    runs,
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'bundle.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`median ${(result.medianMs / 1000).toFixed(1)} s over ${runs.length} runs -> bench/results/bundle.json\n`);
}
