#!/usr/bin/env node
// kdiag benchmark harness (issue #8). Plain Node ESM; needs `npm run build` first (npm run bench does it).
//
//   node bench/run.js            quick mode: 10 & 100 nodes, 100 & 1,000 services (a few minutes)
//   node bench/run.js --full     adds 1,000 nodes x 1,000 and x 10,000 services
//
// For every cluster size it generates a scenario file, starts the simulator in its own process
// (bench/sim-host.js, on 127.0.0.1), runs `kdiag doctor clusterip -o json`, `kdiag service-list -A -o json` and
// the targeted `kdiag doctor clusterip NS/SVC -o json` (one generated Service that every size has) several times under /usr/bin/time (wall time, peak RSS, CPU) with the simulator's request counter reset
// before each run, and runs the seed's playbook as a shell script (bench/playbook.sh) against the same
// simulator as the baseline. Then: a --concurrency sweep, cold start, and a CPU profile of the largest size.
// Writes bench/results/latest.json, bench/results/latest.svg and the generated part of docs/performance.md.
//
// Options:
//   --full                 add the 1,000-node sizes; sized to finish in under 20 minutes on 2 cores: 1 run at
//                          >= 1,000 nodes, a 10-pod playbook sample there, --run-timeout 90, no profile of a
//                          command whose timed run took over --prof-max (60 s)
//   --sizes 10x100,100x1000 explicit sizes (NODESxSERVICES), replaces the mode's list
//   --latency MS           injected API latency per request (default 5)
//   --runs N               timed runs per command and size (default 3)
//   --runs-large N         timed runs at >= 1,000 nodes (default 3; 1 with --full)
//   --baseline-runs N      full playbook runs at <= --baseline-max-nodes (default 3 at 10 nodes, 1 above)
//   --baseline-max-nodes N largest node count where the playbook runs in full (default 100)
//   --baseline-sample N    agent pods the playbook visits above that; the rest is extrapolated (default 20; 10 with --full)
//   --sweep 8,32,128       --concurrency values for the sweep (at --sweep-size, default 100x1000)
//   --sweep-runs N         timed runs per sweep point (default 2)
//   --run-timeout S        a single measured command is killed after S seconds and reported as such (600; 90 with --full)
//   --prof-max S           profile a command at the largest size only if its timed run took at most S seconds (60)
//   --no-baseline --no-sweep --no-cold --no-prof --no-doc   skip parts
//   --out FILE             results JSON (default bench/results/latest.json)
import { fork, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activities } from './profile-summary.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// kdiag and the simulator run from a private copy of bin/ and dist/ (see snapshot()), so a `npm run build`
// elsewhere in the checkout during a long run cannot pull the files from under the benchmark.
let APP = ROOT;
let BIN = join(ROOT, 'bin', 'run.js');
const NODE = process.execPath;
const TIME = '/usr/bin/time';
const KUBECTL = process.env.KUBECTL ?? 'kubectl';

// ------------------------------------------------------------------ options

const argv = process.argv.slice(2);
const flag = (n) => argv.includes(`--${n}`);
const opt = (n, d) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : d;
};
const FULL = flag('full');
const LATENCY = Number(opt('latency', '5'));
const RUNS = Number(opt('runs', '3'));
const RUNS_LARGE = Number(opt('runs-large', FULL ? '1' : '3'));
const BASELINE_MAX_NODES = Number(opt('baseline-max-nodes', '100'));
const BASELINE_SAMPLE = Number(opt('baseline-sample', FULL ? '10' : '20'));
const BASELINE_RUNS = opt('baseline-runs') === undefined ? undefined : Number(opt('baseline-runs'));
const SWEEP = opt('sweep', '8,32,128').split(',').map(Number);
const SWEEP_RUNS = Number(opt('sweep-runs', '2'));
const RUN_TIMEOUT_MS = Number(opt('run-timeout', FULL ? '90' : '600')) * 1000;
const PROF_MAX_MS = Number(opt('prof-max', '60')) * 1000;
/** The issue's budget for `--full` on this 2-core machine (acceptance of #13). */
const FULL_BUDGET_S = 20 * 60;
const SWEEP_SIZE = parseSize(opt('sweep-size', '100x1000'));
const OUT = resolve(ROOT, opt('out', 'bench/results/latest.json')); // an absolute --out stays absolute
const DOC = join(ROOT, 'docs', 'performance.md');
/** latest.json -> latest.svg, latest.md, latest-profiles/ beside it. */
const sibling = (ext) => OUT.replace(/\.json$/, '') + ext;

function parseSize(s) {
  const m = /^(\d+)x(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`bad size "${s}": expected NODESxSERVICES, e.g. 100x1000`);
  return { nodes: Number(m[1]), services: Number(m[2]) };
}

const QUICK_SIZES = ['10x100', '10x1000', '100x100', '100x1000'];
const FULL_SIZES = [...QUICK_SIZES, '1000x1000', '1000x10000'];
const SIZES = (opt('sizes') ? opt('sizes').split(',') : FULL ? FULL_SIZES : QUICK_SIZES).map(parseSize);

/**
 * A generated Service that every size has: the first one, `bench-1/svc-001` (the simulator pads the number
 * to the width of the count, at least 3: svc-0001 at 1,000, svc-00001 at 10,000; src/sim/scenario.ts).
 */
const targetService = (s) => `bench-1/svc-${'1'.padStart(Math.max(String(s.services).length, 3), '0')}`;

/** The measured commands per size, in table order. The playbook is the same script for all three. */
const commandsFor = (s) => ({
  doctor: ['doctor', 'clusterip', '-o', 'json'],
  'service-list': ['service-list', '-A', '-o', 'json'],
  'doctor-target': ['doctor', 'clusterip', targetService(s), '-o', 'json'],
});
const COMMAND_NAMES = ['doctor', 'service-list', 'doctor-target'];
/** What the tables call each command. */
const TITLE = { doctor: 'doctor clusterip', 'service-list': 'service-list -A', 'doctor-target': 'doctor clusterip NS/SVC' };

// ------------------------------------------------------------------ helpers

const log = (...a) => process.stderr.write(a.join(' ') + '\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const summary = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length, all: xs });
const r1 = (x) => Math.round(x * 10) / 10;
const r3 = (x) => Math.round(x * 1000) / 1000;
const label = (s) => `${s.nodes}n × ${s.services}s`;
const key = (s) => `${s.nodes}x${s.services}`;

/**
 * Runs a command under /usr/bin/time; wall time from the harness clock, peak RSS (KiB) and CPU from time.
 * stdout and stderr go to files (the harness reads them afterwards).
 */
async function timed(cmd, args, { cwd = ROOT, env = {}, dir, name = 'cmd', timeoutMs = RUN_TIMEOUT_MS }) {
  const timeFile = join(dir, `${name}.time`);
  const outFile = join(dir, `${name}.out`);
  const errFile = join(dir, `${name}.err`);
  const { openSync, closeSync } = await import('node:fs');
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  const t0 = process.hrtime.bigint();
  const child = spawn(TIME, ['-f', '%e %M %U %S', '-o', timeFile, cmd, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env },
    stdio: ['ignore', out, err],
    detached: true, // own process group: a run over the time limit is ended with everything it started
  });
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, timeoutMs);
  const code = await new Promise((res) => child.on('exit', (c, sig) => res(c ?? (sig ? 128 : 1))));
  clearTimeout(killer);
  if (timedOut) {
    closeSync(out);
    closeSync(err);
    return { code: 124, wallMs: Number(process.hrtime.bigint() - t0) / 1e6, peakRssKiB: NaN, cpuMs: NaN, outFile, errFile, timedOut: true };
  }
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  closeSync(out);
  closeSync(err);
  // time appends "Command exited with non-zero status N" before the format line.
  const tl = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ');
  return {
    code,
    wallMs,
    peakRssKiB: Number(tl[1]),
    cpuMs: (Number(tl[2]) + Number(tl[3])) * 1000,
    outFile,
    errFile,
  };
}

// ------------------------------------------------------------------ the simulator

function scenarioYaml(s) {
  const nsCount = Math.min(10, Math.max(1, Math.ceil(s.services / 100)));
  const namespaces = Array.from({ length: nsCount }, (_, i) => `bench-${i + 1}`);
  return `# Generated by bench/run.js: a healthy cluster of ${s.nodes} nodes and ${s.services} services.
name: bench-${key(s)}
description: kdiag benchmark, ${s.nodes} nodes, ${s.services} generated ClusterIP services with 2 ready backends each
seed: 1
cilium:
  version: 1.16.5
nodes:
  count: ${s.nodes}
services:
  generated:
    count: ${s.services}
    backends: 2
    namespaces: [${namespaces.join(', ')}]
api:
  latencyMs: ${LATENCY}
expect:
  rootCause: null
`;
}

class Sim {
  static async start(size, dir) {
    const file = join(dir, `bench-${key(size)}.yaml`);
    writeFileSync(file, scenarioYaml(size));
    const kubeconfig = join(dir, `kubeconfig-${key(size)}`);
    const t0 = performance.now();
    const child = fork(join(ROOT, 'bench', 'sim-host.js'), ['--scenario', file, '--kubeconfig', kubeconfig, '--root', APP], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // A 10,000-service cluster is a lot of objects; give the simulator room (its memory is not kdiag's).
      execArgv: ['--max-old-space-size=8192'],
    });
    const sim = new Sim(child, file, kubeconfig);
    const ready = await sim.next('ready', 600_000);
    sim.ready = { ...ready, startMs: Math.round(performance.now() - t0) };
    return sim;
  }

  constructor(child, scenarioFile, kubeconfig) {
    this.child = child;
    this.scenarioFile = scenarioFile;
    this.kubeconfig = kubeconfig;
    this.waiters = [];
    child.on('message', (m) => {
      const i = this.waiters.findIndex((w) => w.cmd === m.cmd);
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    });
    child.on('exit', (code) => {
      for (const w of this.waiters.splice(0)) w.reject(new Error(`simulator exited (${code})`));
    });
  }

  next(cmd, timeoutMs = 30_000) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`simulator: no "${cmd}" within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        cmd,
        resolve: (m) => (clearTimeout(t), resolve(m)),
        reject: (e) => (clearTimeout(t), reject(e)),
      });
    });
  }

  async raw() {
    const p = this.next('stats');
    this.child.send({ cmd: 'stats' });
    return p;
  }

  /** Marks the start of a measured command: stats() then counts from here. */
  async reset() {
    this.base = await this.raw();
  }

  async stats() {
    const now = await this.raw();
    const base = this.base ?? { requests: 0, byPath: {} };
    const byPath = {};
    for (const [p, n] of Object.entries(now.byPath)) if (n - (base.byPath[p] ?? 0) > 0) byPath[p] = n - (base.byPath[p] ?? 0);
    // execs and bytes since reset(); maxOpen is the simulator's high-water mark since it started.
    const exec = now.exec && { execs: now.exec.execs - (base.exec?.execs ?? 0), bytes: now.exec.bytes - (base.exec?.bytes ?? 0), maxOpen: now.exec.maxOpen };
    return { requests: now.requests - base.requests, byPath, exec, rss: now.rss, cpuMs: now.cpuMs - (base.cpuMs ?? 0) };
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    const gone = new Promise((r) => this.child.on('exit', r));
    this.child.send({ cmd: 'stop' });
    await Promise.race([gone, sleep(5000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

// ------------------------------------------------------------------ measurements

/** One kdiag run: timed, requests counted by the simulator, output checked. */
async function runKdiag(sim, name, args, dir, extraFlags = []) {
  await sim.reset();
  const r = await timed(NODE, [BIN, ...args, '--kubeconfig', sim.kubeconfig, ...extraFlags], { dir, name });
  const st = await sim.stats();
  const res = { wallMs: r.wallMs, peakRssKiB: r.peakRssKiB, cpuMs: r.cpuMs, simCpuMs: st.cpuMs, code: r.code, requests: st.requests, byPath: st.byPath, exec: st.exec };
  const outBytes = statSync(r.outFile).size;
  res.outputBytes = outBytes;
  if (r.timedOut) {
    res.error = `timed out after ${RUN_TIMEOUT_MS / 1000} s (--run-timeout)`;
    rmSync(r.outFile, { force: true });
    return res;
  }
  // doctor exits 1 when it finds problems; 2 means it could not run: that run does not count.
  if (r.code >= 2) res.error = readFileSync(r.errFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
  else {
    try {
      const j = JSON.parse(readFileSync(r.outFile, 'utf8'));
      if (name.startsWith('doctor')) res.check = { rootCause: j.rootCauses?.[0]?.id ?? null };
      else {
        const rows = j.rows ?? j.services ?? j.items ?? (Array.isArray(j) ? j : []);
        res.check = { rows: rows.length, notOk: rows.filter((x) => (x.status ?? 'OK') !== 'OK').length };
      }
    } catch (e) {
      res.error = `output is not JSON: ${e.message}`;
    }
  }
  rmSync(r.outFile, { force: true });
  return res;
}

function aggregate(runs) {
  const ok = runs.filter((r) => !r.error);
  if (!ok.length) return { runs, error: runs[0]?.error ?? 'no runs' };
  return {
    wallMs: summary(ok.map((r) => r1(r.wallMs))),
    peakRssMB: summary(ok.map((r) => r1(r.peakRssKiB / 1024))),
    cpuMs: summary(ok.map((r) => Math.round(r.cpuMs))),
    simCpuMs: ok.some((r) => r.simCpuMs == null || !isFinite(r.simCpuMs)) ? undefined : summary(ok.map((r) => Math.round(r.simCpuMs))),
    requests: summary(ok.map((r) => r.requests)),
    byPath: summarizePaths(ok[0].byPath),
    // Exec streams and their bytes (the simulator's counters); maxOpen: the most open at once so far.
    execs: ok[0].exec ? summary(ok.map((r) => r.exec.execs)) : undefined,
    execBytes: ok[0].exec ? ok[0].exec.bytes : undefined,
    maxOpenExec: ok[0].exec ? Math.max(...ok.map((r) => r.exec.maxOpen)) : undefined,
    outputBytes: ok[0].outputBytes,
    check: ok[0].check,
    errors: runs.filter((r) => r.error).map((r) => r.error),
  };
}

/** Request counts grouped by kind of call (logs, exec, lists), not by pod. */
function summarizePaths(byPath) {
  const out = {};
  for (const [p, n] of Object.entries(byPath ?? {})) {
    const k = p
      .replace(/\/namespaces\/[^/]+\/pods\/[^/]+(\/|$)/, '/namespaces/NS/pods/POD$1')
      .replace(/\/namespaces\/[^/]+\//, '/namespaces/NS/');
    out[k] = (out[k] ?? 0) + n;
  }
  return out;
}

/** The playbook script, timed; its phase lines give the per-pod cost. */
async function runPlaybook(sim, size, dir, maxPods) {
  const outDir = mkdtempSync(join(dir, 'playbook-'));
  await sim.reset();
  const r = await timed('bash', [join(ROOT, 'bench', 'playbook.sh'), sim.kubeconfig, outDir, String(maxPods)], {
    dir,
    name: 'playbook',
    env: { KUBECTL },
  });
  const st = await sim.stats();
  const err = readFileSync(r.errFile, 'utf8');
  const phase = (n) => Number(new RegExp(`^phase ${n} (\\d+)`, 'm').exec(err)?.[1] ?? NaN);
  const num = (n) => Number(new RegExp(`^${n} (\\d+)`, 'm').exec(err)?.[1] ?? NaN);
  const pods = num('pods');
  const res = {
    wallMs: r.wallMs,
    peakRssKiB: r.peakRssKiB,
    cpuMs: r.cpuMs,
    requests: st.requests,
    byPath: st.byPath,
    pods,
    failedSteps: num('failed-steps-total'),
    listPodsMs: phase('list-pods'),
    perPodLoopMs: phase('per-pod'),
    servicesMs: phase('services'),
  };
  res.perPodMs = res.perPodLoopMs / Math.max(1, pods);
  if (pods < size.nodes) {
    res.sampled = true;
    res.extrapolatedWallMs = res.wallMs + res.perPodMs * (size.nodes - pods);
  }
  if (r.code !== 0) res.error = err.trim().split('\n').slice(-3).join(' | ');
  else if (res.failedSteps > 0) res.warning = `${res.failedSteps} kubectl steps failed (see ${outDir})`;
  if (!res.failedSteps) rmSync(outDir, { recursive: true, force: true });
  return res;
}

function aggregatePlaybook(runs, size) {
  const ok = runs.filter((r) => !r.error);
  if (!ok.length) return { runs, error: runs[0]?.error ?? 'no runs' };
  const sampled = ok[0].sampled ?? false;
  return {
    sampled,
    podsVisited: ok[0].pods,
    nodes: size.nodes,
    wallMs: summary(ok.map((r) => r1(r.wallMs))),
    // The time the whole playbook takes on all nodes: measured, or measured sample + per-pod cost x rest.
    totalMs: summary(ok.map((r) => r1(sampled ? r.extrapolatedWallMs : r.wallMs))),
    perPodMs: summary(ok.map((r) => r1(r.perPodMs))),
    listPodsMs: median(ok.map((r) => r.listPodsMs)),
    servicesMs: median(ok.map((r) => r.servicesMs)),
    peakRssMB: summary(ok.map((r) => r1(r.peakRssKiB / 1024))),
    cpuMs: summary(ok.map((r) => Math.round(r.cpuMs))),
    requests: summary(ok.map((r) => r.requests)),
    requestsPerPod: r1((ok[0].byPath ? Object.entries(ok[0].byPath).filter(([p]) => p.includes('/pods/')).reduce((a, [, n]) => a + n, 0) : 0) / Math.max(1, ok[0].pods)),
    byPath: summarizePaths(ok[0].byPath),
    failedSteps: ok[0].failedSteps,
    warnings: ok.map((r) => r.warning).filter(Boolean),
  };
}

async function coldStart(dir, n = 10) {
  const cases = {
    'node -e 0': [NODE, ['-e', '0']],
    'kdiag --version': [NODE, [BIN, '--version']],
    'kdiag --help': [NODE, [BIN, '--help']],
    'kubectl version --client': [KUBECTL, ['version', '--client']],
  };
  const out = {};
  for (const [name, [cmd, args]] of Object.entries(cases)) {
    await timed(cmd, args, { dir, name: 'cold' }); // warm the page cache; not counted
    const runs = [];
    for (let i = 0; i < n; i++) runs.push(await timed(cmd, args, { dir, name: 'cold' }));
    const bad = runs.find((r) => r.code !== 0);
    out[name] = {
      wallMs: summary(runs.map((r) => r1(r.wallMs))),
      peakRssMB: summary(runs.map((r) => r1(r.peakRssKiB / 1024))),
      ...(bad ? { error: `exit ${bad.code}: ${readFileSync(bad.errFile, 'utf8').trim().slice(0, 200)}` } : {}),
    };
  }
  const base = out['node -e 0'].wallMs.median;
  for (const v of Object.values(out)) v.ratioToNode = r3(v.wallMs.median / base);
  const kc = out['kubectl version --client'].wallMs.median;
  for (const v of Object.values(out)) v.ratioToKubectl = r3(v.wallMs.median / kc);
  return out;
}

// ------------------------------------------------------------------ CPU profile

/** Runs kdiag under --cpu-prof and aggregates self time by function and by module. */
async function profile(sim, name, args, dir) {
  const pdir = mkdtempSync(join(dir, `prof-${name}-`));
  await sim.reset();
  const r = await timed(NODE, ['--cpu-prof', '--cpu-prof-dir', pdir, BIN, ...args, '--kubeconfig', sim.kubeconfig], { dir, name: `prof-${name}` });
  const files = readdirSync(pdir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) return { error: `no .cpuprofile written (exit ${r.code})` };
  const prof = JSON.parse(readFileSync(join(pdir, files[0]), 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const us = prof.timeDeltas[i] ?? 0;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + us);
  }
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
  const fnAgg = new Map();
  const modAgg = new Map();
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const where = shortUrl(cf.url);
    const fkey = `${cf.functionName || '(anonymous)'} ${where}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    fnAgg.set(fkey, (fnAgg.get(fkey) ?? 0) + us);
    const m = moduleOf(cf);
    modAgg.set(m, (modAgg.get(m) ?? 0) + us);
  }
  const top = (m, n) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => ({ name: k, selfMs: Math.round(us / 1000), pct: r1((100 * us) / totalUs) }));
  const busyUs = totalUs - (modAgg.get('(idle)') ?? 0);
  const res = {
    command: `node --cpu-prof bin/run.js ${args.join(' ')}`,
    wallMs: r1(r.wallMs),
    profiledMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    byActivity: activities(prof),
    topFunctions: top(fnAgg, 25),
    byModule: top(modAgg, 15),
    file: relative(ROOT, join(pdir, files[0])),
  };
  return res;
}

function shortUrl(url) {
  if (!url) return '';
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) return p.slice(nm + 'node_modules/'.length);
  if (p.startsWith(APP + '/')) return p.slice(APP.length + 1);
  if (p.startsWith(ROOT + '/')) return p.slice(ROOT.length + 1);
  return p;
}

function moduleOf(cf) {
  const n = cf.functionName;
  if (n === '(idle)' || n === '(program)' || n === '(garbage collector)' || n === '(root)') return n;
  const u = cf.url ?? '';
  if (!u) return '(native / V8 builtins)';
  if (u.startsWith('node:')) return 'node: internals';
  const s = shortUrl(u);
  if (s.startsWith('dist/')) return s;
  if (u.includes('node_modules/')) {
    const parts = s.split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return s;
}

// ------------------------------------------------------------------ rendering

function machine() {
  const cpus = os.cpus();
  const kubectlVer = spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? '';
  return {
    cpuModel: cpus[0]?.model?.trim(),
    cpus: cpus.length,
    memGiB: r1(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    distro: (existsSync('/etc/os-release') && /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]) || '',
    node: process.version,
    kubectl: kubectlVer.replace(/^Client Version:\s*/, ''),
    kdiag: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    gitCommit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim(),
    // Uncommitted changes under src/ or bin/ at the time of the run (the numbers are for that tree).
    dirty: (spawnSync('git', ['status', '--porcelain', '--', 'src', 'bin'], { cwd: ROOT, encoding: 'utf8' }).stdout ?? '').trim().length > 0,
    loadavgAtStart: os.loadavg().map(r1),
  };
}

const fmtS = (ms) => (ms >= 100_000 ? `${Math.round(ms / 1000)} s` : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`);
const fmtSpread = (s) => `${fmtS(s.median)} (${fmtS(s.min)}–${fmtS(s.max)})`;
const fmtMB = (s) => `${Math.round(s.median)} MB`;

function svgChart({ title, x, series, yLabel, log = false, w = 460, h = 320 }) {
  series = series.filter((s) => s.points.some((v) => v != null && isFinite(v)));
  const rows = Math.ceil(series.length / 2);
  const m = { l: 58, r: 28, t: 28, b: 44 + rows * 16 };
  const pw = w - m.l - m.r;
  const ph = h - m.t - m.b;
  const vals = series.flatMap((s) => s.points.filter((p) => p != null && isFinite(p)));
  let lo = log ? Math.min(...vals) : 0;
  let hi = Math.max(...vals);
  let ticks;
  if (log) {
    lo = 10 ** Math.floor(Math.log10(lo));
    hi = 10 ** Math.ceil(Math.log10(hi));
    ticks = [];
    for (let v = lo; v <= hi * 1.0001; v *= 10) ticks.push(v);
  } else {
    const step = niceStep(hi / 5);
    hi = Math.ceil(hi / step) * step || 1;
    ticks = [];
    for (let v = 0; v <= hi + 1e-9; v += step) ticks.push(v);
  }
  const Y = (v) => m.t + ph - (log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : v / hi) * ph;
  const X = (i) => m.l + (x.length === 1 ? pw / 2 : (i * pw) / (x.length - 1));
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  let g = `<text x="${w / 2}" y="17" text-anchor="middle" font-weight="bold">${esc(title)}</text>`;
  for (const t of ticks) {
    g += `<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(t)}" y2="${Y(t)}" stroke="#ddd"/>`;
    g += `<text x="${m.l - 5}" y="${Y(t) + 4}" text-anchor="end">${esc(fmtTick(t))}</text>`;
  }
  g += `<text transform="translate(13 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`;
  x.forEach((lab, i) => {
    g += `<line x1="${X(i)}" x2="${X(i)}" y1="${m.t + ph}" y2="${m.t + ph + 4}" stroke="#333"/>`;
    const [a, b] = lab.split(' × ');
    g += `<text x="${X(i)}" y="${m.t + ph + 17}" text-anchor="middle">${esc(a)}</text><text x="${X(i)}" y="${m.t + ph + 30}" text-anchor="middle">${esc(b ?? '')}</text>`;
  });
  g += `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`;
  series.forEach((s, si) => {
    const pts = s.points.map((v, i) => (v != null && isFinite(v) ? [X(i), Y(v)] : null));
    let d = '';
    let pen = false;
    for (const p of pts) {
      if (!p) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)} `;
      pen = true;
    }
    g += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ' stroke-dasharray="5,4"' : ''}/>`;
    for (const p of pts) if (p) g += `<circle cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" r="3" fill="${s.color}"/>`;
    const ly = m.t + ph + 50 + Math.floor(si / 2) * 16;
    const lx = m.l + (si % 2) * (pw / 2);
    g += `<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dash ? ' stroke-dasharray="5,4"' : ''}/><text x="${lx + 22}" y="${ly}">${esc(s.name)}</text>`;
  });
  return { w, h, body: g };
}

function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  for (const k of [1, 2, 2.5, 5, 10]) if (k * p >= raw) return k * p;
  return 10 * p;
}
function fmtTick(v) {
  if (v >= 1000) return `${v / 1000}k`;
  if (v < 1) return String(Math.round(v * 1000) / 1000);
  return String(Math.round(v * 10) / 10);
}

function renderSvg(results) {
  const sizes = results.sizes;
  const x = sizes.map((s) => s.label);
  const pts = (f) => sizes.map((s) => {
    try {
      return f(s);
    } catch {
      return null;
    }
  });
  const time = svgChart({
    title: `Wall time vs cluster size (${LATENCY} ms API latency)`,
    x,
    yLabel: 'seconds (log scale)',
    log: true,
    series: [
      { name: 'doctor clusterip', color: '#1f77b4', points: pts((s) => s.kdiag.doctor.wallMs.median / 1000) },
      { name: 'service-list -A', color: '#2ca02c', points: pts((s) => s.kdiag['service-list'].wallMs.median / 1000) },
      { name: 'doctor clusterip NS/SVC', color: '#9467bd', points: pts((s) => s.kdiag['doctor-target'].wallMs.median / 1000) },
      { name: 'kubectl playbook', color: '#d62728', dash: false, points: pts((s) => (s.baseline && !s.baseline.sampled ? s.baseline.totalMs.median / 1000 : null)) },
      // Dashed through every point (under the solid line where measured), shown only if a point is extrapolated.
      ...(sizes.some((s) => s.baseline?.sampled)
        ? [{ name: 'playbook (extrapolated)', color: '#d62728', dash: true, points: pts((s) => (s.baseline ? s.baseline.totalMs.median / 1000 : null)) }]
        : []),
    ],
  });
  const mem = svgChart({
    title: 'Peak RSS of the kdiag process vs cluster size',
    x,
    yLabel: 'MB',
    series: [
      { name: 'doctor clusterip', color: '#1f77b4', points: pts((s) => s.kdiag.doctor.peakRssMB.median) },
      { name: 'service-list -A', color: '#2ca02c', points: pts((s) => s.kdiag['service-list'].peakRssMB.median) },
      { name: 'doctor clusterip NS/SVC', color: '#9467bd', points: pts((s) => s.kdiag['doctor-target'].peakRssMB.median) },
    ],
  });
  const W = time.w + mem.w + 10;
  const H = Math.max(time.h, mem.h);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="#fff"/>
<g>${time.body}</g>
<g transform="translate(${time.w + 10} 0)">${mem.body}</g>
</svg>
`;
}

function renderMarkdown(res) {
  const L = [];
  const m = res.machine;
  const took = `${Math.floor(res.durationS / 60)} min ${res.durationS % 60} s`;
  const budget = /--full\b/.test(res.command) ? ` (--full must finish in under ${FULL_BUDGET_S / 60} min here: ${res.durationS < FULL_BUDGET_S ? 'it did' : '**it did not**'})` : '';
  L.push(`Generated by \`${res.command}\` on ${res.finishedAt.slice(0, 16).replace('T', ' ')} UTC (kdiag ${m.kdiag}, commit ${m.gitCommit}${m.dirty ? ' plus uncommitted changes in src/ or bin/' : ''}), total elapsed time ${took}${budget}.`);
  L.push('');
  L.push(`Machine: ${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB RAM, ${m.distro} (${m.os}), Node ${m.node}, kubectl ${m.kubectl}.`);
  if (m.loadavgAtStart) L.push(`Load average (1/5/15 min) at the start: ${m.loadavgAtStart.join(' / ')}; before each size: ${res.sizes.map((s) => `${s.label} ${s.loadavgBefore?.[0] ?? '?'}`).join(', ')} (all three in latest.json). Above ${m.cpus} the machine is shared and wall times are inflated; the CPU columns are less sensitive to that.`);
  L.push(`Simulator: own process on 127.0.0.1, ${res.latencyMs} ms injected latency per API request (exec and log streams included), Cilium 1.16.5 scenario, 2 ready backends per service. Runs per point: ${res.runs} (${res.runsLarge} at ≥ 1,000 nodes).`);
  L.push('');
  L.push('### kdiag vs the kubectl playbook');
  L.push('');
  L.push('Wall time is the median (min–max) of the runs; RSS is the peak RSS of the kdiag process (`/usr/bin/time`); CPU is user+system of the kdiag process and, apart, of the simulator\'s process; requests and exec streams are counted by the simulator (in brackets: the most exec streams open at once since the simulator of that size started, which must stay within the default `--concurrency` of 32). `doctor clusterip NS/SVC` targets the first generated Service (`bench-1/svc-001`, padded to the count\'s width); the playbook is the same script for all three commands.');
  L.push('');
  L.push('| cluster | command | wall time | peak RSS | CPU kdiag / simulator | API requests (per node) | execs (most open at once) | playbook (kubectl) | speed-up |');
  L.push('|---|---|---|---|---|---|---|---|---|');
  for (const s of res.sizes) {
    for (const [cmd, a] of Object.entries(s.kdiag)) {
      const title = TITLE[cmd] ?? cmd;
      if (a.error) {
        L.push(`| ${s.label} | ${title} | failed: ${a.error.slice(0, 80)} | | | | | | |`);
        continue;
      }
      const b = s.baseline;
      const bl = !b ? '—' : b.error ? `failed` : b.sampled ? `≈ ${fmtS(b.totalMs.median)} (extrapolated from ${b.podsVisited} of ${b.nodes} pods)` : fmtSpread(b.totalMs);
      const ratio = b && !b.error ? `${b.sampled ? '≈ ' : ''}${Math.round(b.totalMs.median / a.wallMs.median)}×` : '—';
      const ex = a.execs ? `${a.execs.median} (${a.maxOpenExec})` : '—';
      L.push(`| ${s.label} | ${title} | ${fmtSpread(a.wallMs)} | ${fmtMB(a.peakRssMB)} | ${fmtS(a.cpuMs.median)} / ${a.simCpuMs ? fmtS(a.simCpuMs.median) : '?'} | ${a.requests.median} (${r1(a.requests.median / s.nodes)}) | ${ex} | ${bl} | ${ratio} |`);
    }
  }
  L.push('');
  const pb = res.sizes.filter((s) => s.baseline && !s.baseline.error);
  if (pb.length) {
    L.push('The playbook (`bench/playbook.sh`), per cluster size:');
    L.push('');
    L.push('| cluster | pods visited | runs | measured wall | per agent pod | `get svc,endpointslices -A` | kubectl API requests | peak RSS (largest kubectl) |');
    L.push('|---|---|---|---|---|---|---|---|');
    for (const s of pb) {
      const b = s.baseline;
      L.push(`| ${s.label} | ${b.podsVisited} of ${b.nodes} | ${b.wallMs.n} | ${fmtSpread(b.wallMs)} | ${fmtS(b.perPodMs.median)} | ${fmtS(b.servicesMs)} | ${b.requests.median} | ${fmtMB(b.peakRssMB)} |`);
    }
    L.push('');
    L.push('Where the playbook visited only a sample of the agent pods, its total is extrapolated as *measured wall time + (nodes − pods visited) × measured per-pod cost*; that number is an estimate, marked ≈.');
    L.push('');
  }
  L.push('![wall time and peak RSS vs cluster size](../bench/results/latest.svg)');
  L.push('');
  if (res.sweep) {
    L.push(`### --concurrency sweep (${label(res.sweep.size)})`);
    L.push('');
    L.push('| --concurrency | doctor clusterip | peak RSS | service-list -A | peak RSS | doctor clusterip NS/SVC | peak RSS |');
    L.push('|---|---|---|---|---|---|---|');
    for (const row of res.sweep.rows) {
      const c = (a) => (!a ? '—' : a.error ? `failed: ${a.error.slice(0, 60)}` : fmtSpread(a.wallMs));
      const mm = (a) => (!a || a.error ? '' : fmtMB(a.peakRssMB));
      L.push(`| ${row.concurrency} | ${COMMAND_NAMES.map((n) => `${c(row[n])} | ${mm(row[n])}`).join(' | ')} |`);
    }
    L.push('');
  }
  if (res.coldStart) {
    L.push('### Cold start');
    L.push('');
    L.push(`Median of ${res.coldStart['node -e 0'].wallMs.n} runs after one warm-up run (page cache warm, no compile cache).`);
    L.push('');
    L.push('| command | wall time | min–max | peak RSS | × `node -e 0` | × `kubectl version --client` |');
    L.push('|---|---|---|---|---|---|');
    for (const [name, c] of Object.entries(res.coldStart)) {
      L.push(`| \`${name}\` | ${Math.round(c.wallMs.median)} ms | ${Math.round(c.wallMs.min)}–${Math.round(c.wallMs.max)} ms | ${fmtMB(c.peakRssMB)} | ${c.ratioToNode.toFixed(2)} | ${c.ratioToKubectl.toFixed(2)} |`);
    }
    L.push('');
  }
  if (res.targets?.length) {
    L.push('### Targets');
    L.push('');
    L.push('The targets of issue #13, judged on this run only: *not measured* where the run did not include the size or the number.');
    L.push('');
    L.push('| target | measured | status |');
    L.push('|---|---|---|');
    for (const t of res.targets) L.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'not measured' : t.met ? 'met' : '**not met**'} |`);
    L.push('');
  }
  if (res.profiles) {
    for (const [name, p] of Object.entries(res.profiles)) {
      if (p.error) {
        L.push(`### CPU profile: ${TITLE[name] ?? name} (${p.size})`);
        L.push('');
        L.push(p.error);
        L.push('');
        continue;
      }
      L.push(`### CPU profile: ${TITLE[name] ?? name} (${p.size})`);
      L.push('');
      L.push(`\`${p.command}\`: ${fmtS(p.wallMs)} wall, ${fmtS(p.profiledMs)} profiled, of which ${fmtS(p.busyMs)} on the CPU (the rest idle, waiting on the API).`);
      L.push('');
      L.push('| time | % of profile | activity (by stack: module loading first, then the innermost known frame) |');
      L.push('|---|---|---|');
      for (const a of p.byActivity ?? []) L.push(`| ${a.ms} ms | ${a.pct} % | ${a.name} |`);
      L.push('');
      L.push('| self time | % of profile | module |');
      L.push('|---|---|---|');
      for (const f of p.byModule.slice(0, 10)) L.push(`| ${f.selfMs} ms | ${f.pct} % | ${f.name} |`);
      L.push('');
      L.push('| self time | % of profile | function (file:line) |');
      L.push('|---|---|---|');
      for (const f of p.topFunctions.slice(0, 15)) L.push(`| ${f.selfMs} ms | ${f.pct} % | \`${f.name}\` |`);
      L.push('');
    }
  }
  return L.join('\n');
}

/**
 * Issue #13's targets, each met / not met / not measured (null) on this run's numbers only, with the number.
 * Ratios are against the playbook measured (or extrapolated from its sample, marked ≈) in the same run.
 */
function evaluateTargets(res) {
  const t = [];
  const size = (n, sv) => res.sizes.find((s) => s.nodes === n && s.services === sv);
  const big = size(1000, 10000);
  const ok = (a) => a && !a.error;
  const ratio = (s, a) => (s?.baseline && !s.baseline.error && ok(a) ? s.baseline.totalMs.median / a.wallMs.median : null);
  const approx = (s) => (s?.baseline?.sampled ? '≈ ' : '');
  const notRun = (what = '1,000 × 10,000') => ({ measured: `${what} not in this run`, met: null });
  const failed = (a) => ({ measured: `failed: ${(a?.error ?? 'no result').slice(0, 80)}`, met: false });
  const wallRow = (target, s, cmd, maxMs, what) => {
    const a = s?.kdiag[cmd];
    if (!s) return { target, ...notRun(what) };
    if (!a) return { target, measured: 'command not in this run', met: null };
    if (!ok(a)) return { target, ...failed(a) };
    return { target, measured: fmtSpread(a.wallMs), met: a.wallMs.median <= maxMs };
  };
  const ratioRow = (target, s, cmd, min) => {
    const a = s?.kdiag[cmd];
    if (!s) return { target, ...notRun() };
    if (!a) return { target, measured: 'command not in this run', met: null };
    if (!ok(a)) return { target, ...failed(a) };
    const r = ratio(s, a);
    if (r === null) return { target, measured: 'playbook not measured in this run', met: null };
    return { target, measured: `${approx(s)}${Math.round(r)}× (${fmtS(a.wallMs.median)} vs ${approx(s)}${fmtS(s.baseline.totalMs.median)})`, met: r >= min };
  };
  // Targeted doctor at 1,000 x 10,000.
  t.push(wallRow('`doctor clusterip NS/SVC` ≤ 3 s at 1,000 × 10,000', big, 'doctor-target', 3000));
  t.push(ratioRow('`doctor clusterip NS/SVC` ≥ 100× the playbook at 1,000 × 10,000', big, 'doctor-target', 100));
  // Cluster-wide views at 1,000 x 10,000.
  for (const cmd of ['doctor', 'service-list']) {
    t.push(wallRow(`\`${TITLE[cmd]}\` ≤ 10 s at 1,000 × 10,000`, big, cmd, 10_000));
    t.push(ratioRow(`\`${TITLE[cmd]}\` ≥ 50× the playbook at 1,000 × 10,000`, big, cmd, 50));
    const a = big?.kdiag[cmd];
    t.push(
      !big
        ? { target: `\`${TITLE[cmd]}\` peak RSS ≤ 200 MB at 1,000 × 10,000`, ...notRun() }
        : !ok(a)
          ? { target: `\`${TITLE[cmd]}\` peak RSS ≤ 200 MB at 1,000 × 10,000`, ...failed(a) }
          : { target: `\`${TITLE[cmd]}\` peak RSS ≤ 200 MB at 1,000 × 10,000`, measured: fmtMB(a.peakRssMB), met: a.peakRssMB.median <= 200 },
    );
  }
  // Linear in nodes + services (not their product): growth between the smallest and the largest size
  // measured, against the growth of nodes + services. Memory above the process floor (kdiag --help's RSS).
  const floor = res.coldStart?.['kdiag --help']?.peakRssMB.median ?? 0;
  for (const cmd of ['doctor', 'service-list']) {
    const pts = res.sizes.filter((s) => ok(s.kdiag[cmd]));
    const target = `\`${TITLE[cmd]}\` time and memory linear in nodes + services`;
    if (pts.length < 2 || pts[pts.length - 1].nodes < 1000) {
      t.push({ target, measured: pts.length < 2 ? 'fewer than two sizes measured' : `largest size measured ${pts[pts.length - 1].label}: needs 1,000 nodes`, met: null });
      continue;
    }
    const a0 = pts[0];
    const a1 = pts[pts.length - 1];
    const data = (a1.services + a1.nodes) / (a0.services + a0.nodes);
    const time = a1.kdiag[cmd].wallMs.median / a0.kdiag[cmd].wallMs.median;
    const mem = (a1.kdiag[cmd].peakRssMB.median - floor) / Math.max(1, a0.kdiag[cmd].peakRssMB.median - floor);
    t.push({
      target,
      measured: `${a0.label} → ${a1.label}: nodes + services × ${data.toFixed(0)}, wall time × ${time.toFixed(1)}, RSS above the ${Math.round(floor)} MB floor × ${mem.toFixed(1)}`,
      met: time <= data * 1.1 && mem <= data * 1.1,
    });
  }
  // 100 x 1,000: every command within 2 s.
  const mid = size(100, 1000);
  for (const cmd of COMMAND_NAMES) t.push(wallRow(`\`${TITLE[cmd]}\` ≤ 2 s at 100 × 1,000`, mid, cmd, 2000, '100 × 1,000'));
  // Exec streams open at once never above --concurrency (default 32; the sweep's own points aside), and
  // requests per node.
  const measured = res.sizes.flatMap((s) => COMMAND_NAMES.map((c) => ({ s, c, a: s.kdiag[c] }))).filter((x) => ok(x.a));
  const withOpen = measured.filter((x) => x.a.maxOpenExec !== undefined);
  if (withOpen.length) {
    const worst = withOpen.reduce((m, x) => (x.a.maxOpenExec > m.a.maxOpenExec ? x : m));
    t.push({ target: 'exec streams open at once ≤ --concurrency (32)', measured: `at most ${worst.a.maxOpenExec} (${worst.s.label}, the simulator's count)`, met: worst.a.maxOpenExec <= 32 });
  } else t.push({ target: 'exec streams open at once ≤ --concurrency (32)', measured: "the simulator host does not report its exec counter", met: null });
  const largest = res.sizes[res.sizes.length - 1];
  if (largest)
    t.push({
      target: 'requests per node reported',
      measured: COMMAND_NAMES.filter((c) => ok(largest.kdiag[c])).map((c) => `${TITLE[c]} ${r1(largest.kdiag[c].requests.median / largest.nodes)}`).join(', ') + ` (${largest.label})`,
      met: true,
    });
  const simCpu = measured.every((x) => x.a.simCpuMs);
  t.push({ target: "kdiag's CPU reported apart from the simulator's", measured: simCpu ? 'CPU column: kdiag process / simulator process' : 'the simulator host does not report its CPU', met: measured.length ? simCpu : null });
  if (/--full\b/.test(res.command ?? ''))
    t.push({ target: `\`--full\` finishes in under ${FULL_BUDGET_S / 60} min`, measured: `${Math.floor(res.durationS / 60)} min ${res.durationS % 60} s`, met: res.durationS < FULL_BUDGET_S });
  const cs = res.coldStart;
  if (cs) {
    const r = cs['kdiag --version'].ratioToNode;
    t.push({ target: 'kdiag --version cold start ≤ 1.5× node -e 0', measured: `${r.toFixed(2)}× (${Math.round(cs['kdiag --version'].wallMs.median)} ms vs ${Math.round(cs['node -e 0'].wallMs.median)} ms)`, met: r <= 1.5 });
  }
  return t;
}

function updateDoc(md) {
  const begin = '<!-- bench:begin (generated by bench/run.js; edits inside are overwritten) -->';
  const end = '<!-- bench:end -->';
  let doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : `# Performance\n\n## Results\n\n${begin}\n${end}\n`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < 0) doc += `\n## Results\n\n${begin}\n${end}\n`;
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  doc = doc.slice(0, a + begin.length) + '\n' + md + '\n' + doc.slice(b);
  writeFileSync(DOC, doc);
}

// ------------------------------------------------------------------ main

function snapshot(work) {
  const snap = join(work, 'app');
  mkdirSync(snap);
  for (const f of ['bin', 'dist', 'package.json', 'oclif.manifest.json', 'scenarios']) {
    if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(snap, f), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(snap, 'node_modules'), 'dir');
  return snap;
}

/** --merge a.json,b.json: one report from several runs (e.g. quick mode + a separate 1,000-node run). */
function merge(files) {
  const parts = files.map((f) => JSON.parse(readFileSync(join(ROOT, f), 'utf8')));
  const res = { ...parts[0], command: parts.map((p) => p.command).join(' && '), mergedFrom: files, sizes: [] };
  for (const p of parts) {
    res.sizes.push(...p.sizes);
    for (const k of ['sweep', 'coldStart']) if (p[k]) res[k] = p[k];
  }
  res.profiles = {};
  for (const p of parts) for (const [n, v] of Object.entries(p.profiles ?? {})) res.profiles[n in res.profiles ? `${n}, ${v.size}` : n] = v;
  res.durationS = parts.reduce((a, p) => a + p.durationS, 0);
  res.sizes.sort((a, b) => a.nodes - b.nodes || a.services - b.services);
  const large = parts.find((p) => p.sizes.some((z) => z.nodes >= 1000));
  if (large) res.runsLarge = large.runsLarge;
  res.finishedAt = parts.map((p) => p.finishedAt).sort().pop();
  res.targets = evaluateTargets(res);
  return res;
}

async function main() {
  if (opt('merge')) {
    const results = merge(opt('merge').split(','));
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
    writeFileSync(sibling('.svg'), renderSvg(results));
    const md = renderMarkdown(results).replace('../bench/results/latest.svg', relative(join(ROOT, 'docs'), sibling('.svg')));
    writeFileSync(sibling('.md'), md + '\n');
    if (!flag('no-doc')) updateDoc(md);
    log(`merged ${opt('merge')} into ${relative(ROOT, OUT)}`);
    for (const t of results.targets) log(`  ${t.met === null ? '·' : t.met ? '✓' : '✗'} ${t.target}: ${t.measured}`);
    return;
  }
  // Someone else's `npm run build` (rm -rf dist && tsc) may be half-way: give it two minutes.
  for (let i = 0; i < 24 && !(existsSync(join(ROOT, 'dist', 'sim', 'index.js')) && existsSync(join(ROOT, 'dist', 'commands', 'service-list.js'))); i++) await sleep(5000);
  if (!existsSync(join(ROOT, 'dist', 'sim', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
  await sleep(3000); // let a build that just produced these files finish writing the rest
  if (!existsSync(TIME)) throw new Error(`${TIME} is missing: apt-get install time`);
  const work = mkdtempSync(join(os.tmpdir(), 'kdiag-bench-'));
  APP = snapshot(work);
  BIN = join(APP, 'bin', 'run.js');
  const started = new Date();
  const results = {
    command: `node bench/run.js ${argv.join(' ')}`.trim(),
    startedAt: started.toISOString(),
    machine: machine(),
    latencyMs: LATENCY,
    runs: RUNS,
    runsLarge: RUNS_LARGE,
    sizes: [],
  };
  log(`kdiag bench: ${SIZES.map(label).join(', ')}; ${LATENCY} ms latency; work dir ${work}`);

  for (const size of SIZES) {
    const dir = mkdtempSync(join(work, `${key(size)}-`));
    const sim = await Sim.start(size, dir);
    log(`\n[${label(size)}] simulator ready in ${sim.ready.startMs} ms (build ${sim.ready.buildMs} ms, RSS ${Math.round(sim.ready.rss.now / 1024)} MB)`);
    const entry = { nodes: size.nodes, services: size.services, label: label(size), sim: { startMs: sim.ready.startMs, buildMs: sim.ready.buildMs }, loadavgBefore: os.loadavg().map(r1), kdiag: {} };
    try {
      const runs = size.nodes >= 1000 ? RUNS_LARGE : RUNS;
      entry.target = targetService(size);
      for (const [name, args] of Object.entries(commandsFor(size))) {
        // One untimed warm-up (page cache, the simulator's JIT) where it is cheap.
        if (size.nodes < 1000) {
          const w = await runKdiag(sim, `${name}-warmup`, args, dir);
          if (w.error) log(`  ${name} warm-up failed: ${w.error}`);
        }
        const rs = [];
        for (let i = 0; i < runs; i++) {
          const r = await runKdiag(sim, name, args, dir);
          rs.push(r);
          log(`  ${name} run ${i + 1}/${runs}: ${r.error ? `ERROR ${r.error}` : `${fmtS(r.wallMs)}, ${Math.round(r.peakRssKiB / 1024)} MB, ${r.requests} requests${r.exec ? `, ${r.exec.execs} execs (at most ${r.exec.maxOpen} open)` : ''}`}`);
        }
        entry.kdiag[name] = aggregate(rs);
      }
      if (!flag('no-baseline')) {
        const full = size.nodes <= BASELINE_MAX_NODES;
        const n = full ? (BASELINE_RUNS ?? (size.nodes <= 10 ? 3 : 1)) : 1;
        const rs = [];
        for (let i = 0; i < n; i++) {
          const r = await runPlaybook(sim, size, dir, full ? 0 : BASELINE_SAMPLE);
          rs.push(r);
          log(`  playbook run ${i + 1}/${n}${full ? '' : ` (sample of ${BASELINE_SAMPLE} pods)`}: ${r.error ? `ERROR ${r.error}` : `${fmtS(r.wallMs)}, ${r.pods} pods, ${fmtS(r.perPodMs)} per pod, ${r.requests} requests${r.sampled ? `, ≈ ${fmtS(r.extrapolatedWallMs)} for all` : ''}${r.warning ? `; ${r.warning}` : ''}`}`);
        }
        entry.baseline = aggregatePlaybook(rs, size);
      }
      // Never at 1,000 nodes: three --concurrency points x three commands there would eat --full's budget.
      const sweepHere = !flag('no-sweep') && size.nodes < 1000 && size.nodes === SWEEP_SIZE.nodes && size.services === SWEEP_SIZE.services;
      if (sweepHere) {
        results.sweep = { size: SWEEP_SIZE, rows: [] };
        for (const c of SWEEP) {
          const row = { concurrency: c };
          for (const [name, args] of Object.entries(commandsFor(size))) {
            const rs = [];
            for (let i = 0; i < SWEEP_RUNS; i++) rs.push(await runKdiag(sim, name, args, dir, ['--concurrency', String(c)]));
            row[name] = aggregate(rs);
            log(`  sweep --concurrency ${c} ${name}: ${row[name].error ? `ERROR ${row[name].error}` : fmtSpread(row[name].wallMs)}`);
          }
          results.sweep.rows.push(row);
        }
      }
      if (!flag('no-prof') && size === SIZES[SIZES.length - 1]) {
        results.profiles = {};
        for (const [name, args] of Object.entries(commandsFor(size))) {
          // A profile costs one more run: skip a command that failed or was slow, so --full keeps its budget.
          const timedRun = entry.kdiag[name];
          if (timedRun.error || timedRun.wallMs.median > PROF_MAX_MS) {
            results.profiles[name] = { size: label(size), error: `not profiled: its timed run ${timedRun.error ? 'failed' : `took ${fmtS(timedRun.wallMs.median)}`} (--prof-max ${PROF_MAX_MS / 1000} s)` };
            log(`  cpu profile ${name}: skipped (${results.profiles[name].error})`);
            continue;
          }
          const p = await profile(sim, name, args, dir);
          p.size = label(size);
          results.profiles[name] = p;
          log(`  cpu profile ${name}: ${p.error ?? `${fmtS(p.busyMs)} busy; top: ${p.topFunctions.slice(0, 3).map((f) => f.name).join(', ')}`}`);
        }
      }
      const st = await sim.stats();
      entry.sim.peakRssMB = Math.round(st.rss.peak / 1024);
      entry.loadavgAfter = os.loadavg().map(r1);
    } finally {
      await sim.stop();
    }
    results.sizes.push(entry);
  }

  if (!flag('no-cold')) {
    log('\n[cold start]');
    results.coldStart = await coldStart(work);
    for (const [k, v] of Object.entries(results.coldStart)) log(`  ${k}: ${Math.round(v.wallMs.median)} ms (× ${v.ratioToNode} node -e 0)`);
  }

  results.finishedAt = new Date().toISOString();
  results.durationS = Math.round((Date.now() - started.getTime()) / 1000);
  results.targets = evaluateTargets(results);

  // Keep the profiles next to the results; the temp dir goes.
  if (results.profiles) {
    const pd = sibling('-profiles');
    mkdirSync(pd, { recursive: true });
    for (const [name, p] of Object.entries(results.profiles)) {
      if (!p.file) continue;
      const dest = join(pd, `${name}.cpuprofile`);
      writeFileSync(dest, readFileSync(join(ROOT, p.file)));
      p.file = relative(ROOT, dest);
    }
  }
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(sibling('.svg'), renderSvg(results));
  const md = renderMarkdown(results).replace('../bench/results/latest.svg', relative(join(ROOT, 'docs'), sibling('.svg')));
  writeFileSync(sibling('.md'), md + '\n');
  if (!flag('no-doc')) updateDoc(md);
  rmSync(work, { recursive: true, force: true });
  log(`\ndone in ${results.durationS} s: ${relative(ROOT, OUT)}, ${relative(ROOT, sibling('.svg'))}${flag('no-doc') ? '' : ', docs/performance.md'}`);
  for (const t of results.targets) log(`  ${t.met === null ? '·' : t.met ? '✓' : '✗'} ${t.target}: ${t.measured}`);
}

main().catch((e) => {
  log(`bench failed: ${e.stack ?? e}`);
  process.exit(1);
});
