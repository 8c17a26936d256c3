// Every shipped scenario, with the simulator's in-process answer of kdiag's scripts (api/exec-script.ts)
// and with the real shell (KDIAG_SIM_SHELL=real, read per exec): each agent's script answers are byte for
// byte the same (healthy and drifted nodes, the container's CLI and the other name), and doctor and
// service-list give the same findings and rows on both paths. The simulator runs in this process, so the
// variable switches its path between two runs against the same cluster.
import { KubeClient } from '../../src/cluster/client.js';
import { diagnose } from '../../src/engine/doctor.js';
import { buildServiceList } from '../../src/engine/service-list.js';
import {
  NODE_DIGEST_NAME,
  NODE_DIGEST_SCRIPT,
  NODE_FILTER_NAME,
  NODE_FILTER_SCRIPT,
  NODE_SCRIPT,
  NODE_SCRIPT_NAME,
  SECTIONS,
} from '../../src/model/node-script.js';
import { cliFor } from '../../src/cilium/versions.js';
import { listScenarios } from '../../src/sim/index.js';
import { agentPods, shipped, simulator, type SimHandle } from '../helpers/sim.js';

const names = listScenarios()
  .map((s) => s.name)
  .filter((n) => n !== 'large');

/** Runs `fn` with the simulator's scripts on the real shell, then restores the variable. */
async function realShell<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.env.KDIAG_SIM_SHELL;
  process.env.KDIAG_SIM_SHELL = 'real';
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.KDIAG_SIM_SHELL;
    else process.env.KDIAG_SIM_SHELL = before;
  }
}

/**
 * The scripts kdiag runs, for one node: the whole script, the filter and the digest alone with the
 * container's CLI, and the digest (which keeps the CLI's stderr) with the other name.
 */
function scriptsFor(cli: string, keys: string[]): string[][] {
  const other = cli === 'cilium' ? 'cilium-dbg' : 'cilium';
  return [
    ['sh', '-c', NODE_SCRIPT, NODE_SCRIPT_NAME, cli, SECTIONS.join(' '), ...keys],
    ['sh', '-c', NODE_FILTER_SCRIPT, NODE_FILTER_NAME, cli, ...keys],
    ['sh', '-c', NODE_DIGEST_SCRIPT, NODE_DIGEST_NAME, cli],
    ['sh', '-c', NODE_DIGEST_SCRIPT, NODE_DIGEST_NAME, other],
  ];
}

/** Findings as a user reads them (evidence by source, node and pod: the map's evidence names the path). */
const findings = (fs: { id: string; node?: string; status: string; evidence?: object[] }[]) =>
  fs.map((f) => ({
    ...f,
    evidence: (f.evidence ?? []).map((e) => {
      const { source, node, pod } = e as { source: string; node?: string; pod?: string };
      return { source, node, pod };
    }),
  }));

async function answers(sim: SimHandle, client: KubeClient, keys: string[]) {
  const cli = cliFor(sim.scenario.minor);
  const runs = agentPods(sim).flatMap((p) => {
    const running = (p.status as { containerStatuses?: { state?: { running?: unknown } }[] }).containerStatuses?.some(
      (c) => c.state?.running,
    );
    return running
      ? scriptsFor(cli, keys).map(async (argv) => {
          const r = await client
            .exec('kube-system', p.metadata.name, 'cilium-agent', argv)
            .catch((e: Error) => e.message);
          return [`${p.metadata.name} ${argv.filter((_, i) => i !== 2).join(' ')}`, r] as const;
        })
      : [];
  });
  return Object.fromEntries(await Promise.all(runs));
}

async function views(client: KubeClient) {
  const { diagnosis } = await diagnose(client, {});
  const { report } = await buildServiceList(client, {});
  return {
    findings: findings(diagnosis.findings as never),
    causes: diagnosis.rootCauses.map((c) => [c.id, c.nodes]),
    unknowns: diagnosis.unknowns,
    rows: report.rows,
    nodes: report.nodes,
  };
}

describe.each(names.map((n) => [n]))('shipped scenario %s', (name) => {
  test('the scripts, doctor and service-list are the same in-process as on the real shell', async () => {
    const sim = await simulator(shipped(name));
    const client = await KubeClient.connect({
      kubeconfig: sim.kubeconfigPath,
      requestTimeoutMs: 30_000,
      concurrency: 4,
    });
    try {
      // kube-dns's address and ports, a Service's NodePort if any, and a frontend no node has.
      const ports = sim
        .list('services')
        .flatMap((s) => ((s.spec as { ports?: { nodePort?: number }[] }).ports ?? []).map((p) => p.nodePort))
        .filter((p): p is number => !!p);
      const keys = ['ip=10.96.0.10', 'ip=192.0.2.1', ...ports.slice(0, 1).map((p) => `port=${p}`)];
      const before = sim.execStats();
      const js = await answers(sim, client, keys);
      const mid = sim.execStats();
      const real = await realShell(() => answers(sim, client, keys));
      const after = sim.execStats();
      expect(js).toEqual(real);
      // Paths taken: the real-shell run never answers in-process.
      expect(after.shellJs).toBe(mid.shellJs);
      expect(after.shellReal - mid.shellReal).toBe(Object.keys(real).length);
      if (Object.keys(js).length) expect(mid.shellReal - before.shellReal).toBeLessThan(Object.keys(js).length);

      const a = await views(client);
      const b = await realShell(() => views(client));
      expect(a).toEqual(b);
    } finally {
      client.close();
      await sim.stop();
    }
  }, 300_000);
});
