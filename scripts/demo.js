#!/usr/bin/env node
// `npm run demo`: starts the built-in simulated Cilium cluster with the seed's fault (eBPF programs not
// loaded on two nodes), runs the main job against it the way a user would, fixes it, and checks again.
// Everything stays on 127.0.0.1; the simulated node and pod IPs are only data.
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startSim } = await import(path.join(root, 'dist/sim/index.js'));
const scenario = process.argv[2] ?? 'bpf-programs-not-loaded';
const kubeconfigPath = path.join(mkdtempSync(path.join(tmpdir(), 'kdiag-demo-')), 'kubeconfig');
const sim = await startSim({ scenario, port: 0, kubeconfigPath });

const color = process.stdout.isTTY && process.env.NO_COLOR === undefined;
const bold = (t) => (color ? `\x1b[1m${t}\x1b[0m` : t);
const dim = (t) => (color ? `\x1b[2m${t}\x1b[0m` : t);

const kdiag = async (...args) => {
  process.stdout.write(`\n${bold(`$ kdiag ${args.join(' ')}`)}\n`);
  const r = await execa('node', [path.join(root, 'bin/run.js'), ...args, '--kubeconfig', kubeconfigPath], {
    stdio: 'inherit',
    reject: false,
    env: { ...process.env, CI: process.env.CI ?? '' },
  });
  process.stdout.write(`${dim(`(exit ${r.exitCode})`)}\n`);
  return r.exitCode;
};

let failed = false;
try {
  process.stdout.write(`Simulated cluster "${scenario}" on ${sim.url} (kubeconfig: ${kubeconfigPath})\n`);
  await kdiag('doctor', 'clusterip');
  await kdiag('service-list', '--problems');
  await kdiag('doctor', 'clusterip', '--fix', '--dry-run');
  await kdiag('doctor', 'clusterip', '--fix', '--yes');
  const after = await kdiag('doctor', 'clusterip');
  failed = scenario === 'bpf-programs-not-loaded' && after !== 0;
  process.stdout.write(`\nTry it yourself against the same kind of cluster:\n  node bin/run.js sim --scenario ${scenario} --write-kubeconfig /tmp/kdiag.kubeconfig\n`);
} finally {
  await sim.stop();
}
process.exit(failed ? 1 : 0);
