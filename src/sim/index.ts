// Public API of the simulator: start a simulated Cilium cluster's API server on loopback.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Cluster } from './cluster/index.js';
import { execStats } from './api/exec.js';
import { monitorStats, type MonitorStats } from './monitor.js';
import { serviceMapRenders } from './cluster/service-map.js';
import { shellSocketCalls, stopShellHost } from './api/exec-shell.js';
import { loadScenario, validateScenario, type Scenario, type ScenarioInput } from './scenario.js';
import { SimServer } from './server.js';
import { makeServingCert } from './tls.js';
import { clone, type KObj } from './store.js';
import { writePrivateFile } from '../util/private-file.js';

export { listScenarios, loadScenario, validateScenario, ROOT_CAUSES, FAULT_KINDS } from './scenario.js';
export type { Scenario, ScenarioInput, Fault } from './scenario.js';

export interface SimOptions {
  /** Scenario name (scenarios/NAME.yaml), a file path, or inline scenario data. */
  scenario: string | ScenarioInput;
  /** 0 or omitted: a random free port. */
  port?: number;
  host?: string;
  /** Where to write the kubeconfig; default a new temp file. */
  kubeconfigPath?: string;
  /** Added to every request (on top of the scenario's api.latencyMs). */
  latencyMs?: number;
  /** Overrides the scenario's seed. */
  seed?: number;
}

export interface SimHandle {
  /** The kubeconfig's server: https (kubectl sends bearer tokens only over TLS). */
  url: string;
  /** PEM of the self-signed serving certificate (also the kubeconfig's certificate-authority-data). */
  caPem: string;
  port: number;
  token: string;
  kubeconfigPath: string;
  scenario: Scenario;
  stop(): Promise<void>;
  stats(): { requests: number; byPath: Record<string, number> };
  /** Execs served and their stdout+stderr bytes, in total and per pod (`ns/name`). */
  execStats(): {
    execs: number;
    bytes: number;
    byPod: Record<string, { execs: number; bytes: number }>;
    /** Service maps rendered: one per distinct map and form (cluster/service-map.ts), not one per read. */
    mapRenders: number;
    /** Most exec streams open at once since the start. */
    maxOpen: number;
    /** Exec streams open now (0 after a run: nothing left running in a container). */
    open: number;
    /** Tool calls inside `sh -c` scripts answered over the simulator's socket (not a pre-rendered file). */
    shellSocketCalls: number;
    /** `sh -c` execs answered in-process (kdiag's fixed scripts, api/exec-script.ts) and by the real shell. */
    shellJs: number;
    shellReal: number;
  };
  /** Current pods (copies), optionally in one namespace. */
  pods(ns?: string): KObj[];
  /** Any stored object list, e.g. list('nodes'), list('endpointslices.discovery.k8s.io', 'default'). */
  list(resource: string, ns?: string): KObj[];
  /** Node names whose agent currently has a fault of this kind. */
  nodesWithFault(kind: string): string[];
  /** `cilium-dbg monitor` runs started and ended in the agent containers, and the drop lines they wrote. */
  monitorStats(): MonitorStats;
  /** TLS connections and exec upgrades since the start, and how many resumed a session (server.ts). */
  tlsStats(): { connections: number; resumed: number; upgrades: number; upgradesResumed: number };
}

export function kubeconfigYaml(url: string, token: string, caPem: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kdiag-sim',
    '  cluster:',
    `    server: ${url}`,
    `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    'contexts:',
    '- name: kdiag-sim',
    '  context:',
    '    cluster: kdiag-sim',
    '    user: kdiag-sim',
    '    namespace: default',
    'current-context: kdiag-sim',
    'users:',
    '- name: kdiag-sim',
    '  user:',
    `    token: ${token}`,
    '',
  ].join('\n');
}

export async function startSim(opts: SimOptions): Promise<SimHandle> {
  const scenario =
    typeof opts.scenario === 'string' ? loadScenario(opts.scenario) : validateScenario(opts.scenario, 'scenario');
  const cluster = new Cluster(scenario, opts.seed);
  const host = opts.host ?? '127.0.0.1';
  const token = randomBytes(24).toString('hex');
  const tls = makeServingCert();
  const server = new SimServer(cluster, { token, latencyMs: opts.latencyMs ?? 0, host, ...tls });
  let port: number;
  try {
    port = await server.listen(opts.port ?? 0);
  } catch (e) {
    cluster.stop();
    throw e;
  }
  const url = `https://${host}:${port}`;
  let tmpDir: string | undefined;
  let kubeconfigPath = opts.kubeconfigPath;
  if (!kubeconfigPath) {
    tmpDir = mkdtempSync(join(tmpdir(), 'kdiag-sim-'));
    kubeconfigPath = join(tmpDir, 'kubeconfig');
  } else mkdirSync(dirname(kubeconfigPath), { recursive: true });
  writePrivateFile(kubeconfigPath, kubeconfigYaml(url, token, tls.certPem));
  let stopped = false;
  return {
    url,
    caPem: tls.certPem,
    port,
    token,
    kubeconfigPath,
    scenario,
    async stop() {
      if (stopped) return;
      stopped = true;
      cluster.stop();
      await server.close();
      stopShellHost(cluster);
      if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
    },
    stats: () => ({ requests: server.requests, byPath: { ...server.byPath } }),
    execStats: () => {
      const s = execStats(cluster);
      return {
        execs: s.execs,
        bytes: s.bytes,
        byPod: Object.fromEntries([...s.byPod].map(([k, v]) => [k, { ...v }])),
        maxOpen: s.maxOpen,
        open: s.open,
        mapRenders: serviceMapRenders(cluster),
        shellSocketCalls: shellSocketCalls(cluster),
        shellJs: s.shellJs,
        shellReal: s.shellReal,
      };
    },
    pods: (ns) => cluster.store.list('pods', ns).map(clone),
    list: (resource, ns) => cluster.store.list(resource, ns).map(clone),
    nodesWithFault: (kind) =>
      [...cluster.agents.values()].filter((a) => a.faults.some((f) => f.kind === kind)).map((a) => a.node.name),
    monitorStats: () => ({ ...monitorStats(cluster) }),
    tlsStats: () => ({ ...server.tlsStats }),
  };
}
