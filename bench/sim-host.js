// The simulator for the benchmark, in its own process (forked by bench/run.js, so its CPU and memory are
// never counted as kdiag's). It starts the simulator through its public API, `startSim` in
// dist/sim/index.js (what `node dist/sim/main.js` wraps: HTTPS on 127.0.0.1, a kubeconfig with a token),
// and adds what a benchmark needs over the IPC channel: the server's request and exec counters and its peak RSS.
//
// usage (normally via run.js): node bench/sim-host.js --scenario FILE --kubeconfig OUT [--port N] [--latency MS]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
}

const root = arg('root', join(dirname(fileURLToPath(import.meta.url)), '..'));
const scenarioFile = arg('scenario');
const kubeconfigPath = arg('kubeconfig');
const port = Number(arg('port', '0'));
const latencyMs = Number(arg('latency', '0'));
if (!scenarioFile || !kubeconfigPath) {
  process.stderr.write('usage: sim-host.js --scenario FILE --kubeconfig OUT [--port N] [--latency MS] [--root DIR]\n');
  process.exit(2);
}

const { startSim } = await import(pathToFileURL(join(root, 'dist', 'sim', 'index.js')).href);

/** Peak and current RSS of this process in KiB, from /proc (VmHWM, VmRSS). */
function rssKiB() {
  try {
    const s = readFileSync('/proc/self/status', 'utf8');
    const get = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
    return { peak: get('VmHWM'), now: get('VmRSS') };
  } catch {
    return { peak: 0, now: 0 };
  }
}

const t0 = performance.now();
const sim = await startSim({ scenario: scenarioFile, kubeconfigPath, port, latencyMs, host: '127.0.0.1' });
const buildMs = Math.round(performance.now() - t0);

const reply = (m) => process.send?.(m);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void sim.stop().finally(() => process.exit(0));
};
process.on('message', (m) => {
  if (m?.cmd === 'stats') {
    const cpu = process.cpuUsage();
    // The simulator's own exec counters (execs, bytes, most streams open at once): not per pod, to keep it small.
    const ex = typeof sim.execStats === 'function' ? sim.execStats() : undefined;
    // shellJs / shellReal: kdiag's scripts answered in-process vs by the real shell (KDIAG_SIM_SHELL=real).
    const exec = ex && {
      execs: ex.execs,
      bytes: ex.bytes,
      maxOpen: ex.maxOpen,
      mapRenders: ex.mapRenders,
      shellJs: ex.shellJs,
      shellReal: ex.shellReal,
    };
    reply({ cmd: 'stats', ...sim.stats(), exec, rss: rssKiB(), cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  else if (m?.cmd === 'stop') stop();
});
process.on('disconnect', stop);

process.stdout.write(`sim ready on ${sim.url} (${sim.scenario.nodes.count} nodes, built in ${buildMs} ms)\n`);
reply({ cmd: 'ready', port: sim.port, url: sim.url, buildMs, rss: rssKiB() });
