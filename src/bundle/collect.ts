// `kdiag bundle`: one bounded, parallel pass over what the ClusterIP playbook reads, written as files plus
// a manifest (src/cluster/bundle-layout.ts). The cluster-wide lists go at once; the per-agent calls
// (execs and logs) run on the client's pool (--concurrency), each with --request-timeout. A failure is
// recorded with its reason and never stops the rest. No Secret is ever read; every text is redacted.
import { AGENT_CONTAINER, findCilium, listAgentPods } from '../cilium/discovery.js';
import type { KubeClient, KubeObject } from '../cluster/client.js';
import {
  BUNDLE_FORMAT,
  type ApiEntry,
  type BundleManifest,
  type ExecEntry,
  type LogEntry,
  type RecordedError,
} from '../cluster/bundle-layout.js';
import { parseServiceListText } from '../cilium/formats/service-list.js';
import { BPFTOOL_ARGV, NAT_DUMP_ARGV } from '../model/calico.js';
import { MAX_LB_ROWS_PER_NODE } from '../model/cilium.js';
import { CAT_PROC_IP_VS, IPTABLES_SAVE_NAT, IPVSADM_LN, NFT_LIST_KUBE_PROXY } from '../model/kube-proxy.js';
import { KdiagError, oneLine } from '../errors.js';
import type { AgentPodFact } from '../model/facts.js';
import { redactObject, redactText } from './redact.js';

/** Lines of each agent log kept (doctor reads the last 5000). */
export const LOG_TAIL = 5000;

export interface CollectOptions {
  kdiagVersion: string;
  ciliumNamespace?: string;
  /** Receives each file as it is collected (path under kdiag-bundle/). */
  write: (file: string, text: string) => Promise<void>;
  onProgress?: (done: number, total: number) => void;
}

/** Cluster-wide lists (GET path); the forbidden fallbacks to kube-system follow what the engine asks. */
const LISTS = [
  '/api/v1/nodes',
  '/api/v1/services',
  '/apis/discovery.k8s.io/v1/endpointslices',
  '/apis/apps/v1/daemonsets',
  '/api/v1/pods',
  '/api/v1/namespaces/kube-system/events',
];
/** Namespaced lists read when the cluster-wide one is forbidden (the engine's own fallback). */
const FALLBACK_NS = ['kube-system', 'calico-system'];

export async function collectBundle(client: KubeClient, opts: CollectOptions): Promise<BundleManifest> {
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    kdiagVersion: opts.kdiagVersion,
    createdAt: new Date().toISOString(),
    context: client.contextName,
    api: [],
    exec: [],
    logs: [],
    failed: [],
  };
  const fail = (what: string, e: RecordedError) => manifest.failed.push({ what, error: e.message });

  const list = async (path: string, names?: string[]): Promise<ApiEntry> => {
    const entry: ApiEntry = { path, ...(names ? { names } : {}) };
    try {
      const items: KubeObject[] = names
        ? (await Promise.all(names.map((n) => client.getOptional(`${path}/${n}`)))).filter(
            (o): o is KubeObject => o !== undefined,
          )
        : await client.listAll(path);
      entry.file = `${path.slice(1)}.json`;
      await opts.write(entry.file, JSON.stringify({ items: items.map(tidy) }, null, 1));
    } catch (e) {
      entry.error = recorded(e);
      fail(`GET ${path}`, entry.error);
    }
    manifest.api.push(entry);
    return entry;
  };

  // One pass: every cluster-wide list at once.
  const lists = await Promise.all(LISTS.map((p) => list(p)));
  // An unreachable API or rejected credentials end the run here: there is nothing to bundle.
  const fatal = lists.find((l) => l.error && ['unreachable', 'tls', 'unauthorized', 'timeout'].includes(l.error.kind));
  if (fatal?.error) throw new KdiagError(fatal.error.kind, fatal.error.message, { hint: fatal.error.hint });
  const forbidden = lists.filter((l) => l.error?.kind === 'forbidden' && !l.path.includes('/namespaces/'));
  const install = await findCilium(client, opts.ciliumNamespace).catch((e) => {
    fail('the Cilium DaemonSet', recorded(e));
    return undefined;
  });
  const cmNames = new Map<string, string[]>([['kube-system', ['kube-proxy']]]);
  if (install) cmNames.set(install.namespace, [...(cmNames.get(install.namespace) ?? []), 'cilium-config']);
  await Promise.all([
    ...forbidden.flatMap((l) => FALLBACK_NS.map((ns) => list(l.path.replace(/\/([a-z]+)$/, `/namespaces/${ns}/$1`)))),
    ...(install && opts.ciliumNamespace ? [list(`/apis/apps/v1/namespaces/${install.namespace}/daemonsets`)] : []),
    ...[...cmNames].map(([ns, names]) => list(`/api/v1/namespaces/${ns}/configmaps`, names)),
    // Calico's settings the datapath detection reads (absent objects are recorded as absent).
    list('/apis/crd.projectcalico.org/v1/felixconfigurations', ['default']),
    list('/apis/operator.tigera.io/v1/installations', ['default']),
  ]);
  if (install && !manifest.api.some((a) => a.path === `/api/v1/pods` && !a.error))
    await list(`/api/v1/namespaces/${install.namespace}/pods`);
  // kube-proxy's and calico-node's views where they serve Services: their rules or NAT maps, and logs.
  await collectPodCommand(client, manifest, opts.write, fail, KUBE_PROXY);
  await collectPodCommand(client, manifest, opts.write, fail, CALICO_NODE);
  if (!install) return manifest;

  let agents: AgentPodFact[];
  try {
    agents = [...(await listAgentPods(client, install)).values()];
  } catch (e) {
    fail('the Cilium agent pods', recorded(e));
    return manifest;
  }

  // Per agent: the commands the engine runs (src/engine/gather.ts), and its logs.
  let cli = install.cli;
  const tasks: Promise<void>[] = [];
  let done = 0;
  const perAgent = 7;
  const tick = () => opts.onProgress?.(++done, agents.length * perAgent);
  /** Each command's output while collecting, for the ones whose next step depends on it. */
  const outputs = new WeakMap<ExecEntry, string>();
  const exec = async (a: AgentPodFact, argv: string[], file: string): Promise<ExecEntry> => {
    const entry: ExecEntry = { namespace: a.namespace, pod: a.name, container: AGENT_CONTAINER, argv, node: a.node };
    try {
      const r = await client.exec(a.namespace, a.name, AGENT_CONTAINER, argv);
      entry.exitCode = r.exitCode;
      if (r.stderr) entry.stderr = redactText(r.stderr);
      entry.file = `nodes/${a.node}/${file}`;
      await opts.write(entry.file, redactText(r.stdout));
      outputs.set(entry, r.stdout);
      if (r.exitCode !== 0)
        manifest.failed.push({ what: `${argv.join(' ')} on ${a.node}`, error: `exit ${r.exitCode}` });
    } catch (e) {
      entry.error = recorded(e);
      fail(`${argv.join(' ')} on ${a.node}`, entry.error);
    }
    manifest.exec.push(entry);
    return entry;
  };
  /** The agent CLI; an image without this name (exit 127) is asked with the other one, as the engine does. */
  const agentCli = async (a: AgentPodFact, args: string[], file: string): Promise<[string, ExecEntry]> => {
    const first = cli;
    const r = await exec(a, [first, ...args], `${first}-${file}`);
    if (r.exitCode === 127 || r.exitCode === 126) {
      const alt = first === 'cilium-dbg' ? 'cilium' : 'cilium-dbg';
      const r2 = await exec(a, [alt, ...args], `${alt}-${file}`);
      if (r2.exitCode !== 127 && r2.exitCode !== 126) cli = alt;
      return [alt, r2];
    }
    return [first, r];
  };
  /**
   * The LB map as the engine reads it (src/datapath/cilium.ts readServiceList): the text table, and the
   * JSON only where the text is unreadable or longer than the engine keeps.
   */
  const serviceList = async (a: AgentPodFact) => {
    const [used, r] = await agentCli(a, ['service', 'list'], 'service-list.txt');
    if (r.exitCode !== 0 || !serviceListNeedsJson(outputs.get(r) ?? '')) return;
    await exec(a, [used, 'service', 'list', '-o', 'json'], `${used}-service-list.json`);
  };
  const log = async (a: AgentPodFact, previous: boolean) => {
    const entry: LogEntry = {
      namespace: a.namespace,
      pod: a.name,
      container: AGENT_CONTAINER,
      previous,
      node: a.node,
      tailLines: LOG_TAIL,
    };
    try {
      const text = await client.logs(a.namespace, a.name, {
        container: AGENT_CONTAINER,
        tailLines: LOG_TAIL,
        previous,
      });
      entry.file = `nodes/${a.node}/logs/${AGENT_CONTAINER}${previous ? '-previous' : ''}.log`;
      await opts.write(entry.file, redactText(text));
    } catch (e) {
      entry.error = recorded(e);
      // No previous container is the usual case, not a failure worth listing.
      if (!(previous && entry.error.status === 400))
        fail(`${previous ? 'previous ' : ''}log of ${a.name}`, entry.error);
    }
    manifest.logs.push(entry);
  };
  for (const a of agents) {
    const job = (fn: () => Promise<unknown>) =>
      tasks.push(
        client.pool(async () => {
          await fn();
          tick();
        }),
      );
    job(() => log(a, false));
    job(() => log(a, true));
    if (!a.agent.running) {
      // Exec into a container that is not running fails on the real API; the engine says so itself.
      done += perAgent - 2;
      continue;
    }
    job(async () => {
      const j = await exec(a, ['bpftool', '-j', 'prog', 'show'], 'bpftool-prog-show.json');
      if (j.exitCode !== 0) await exec(a, ['bpftool', 'prog', 'show'], 'bpftool-prog-show.txt');
    });
    job(() => agentCli(a, ['status'], 'status.txt'));
    job(() => serviceList(a));
    job(() => exec(a, ['cat', '/proc/mounts'], 'proc-mounts.txt'));
    // kube-proxy's chains left in the node's nat table (src/engine/gather-leftovers.ts reads the same).
    job(() => exec(a, IPTABLES_SAVE_NAT, 'iptables-save-nat.txt'));
  }
  await Promise.all(tasks);
  return manifest;
}

/** Whether the engine would read the JSON after this text: unreadable, or more rows than it keeps. */
function serviceListNeedsJson(text: string): boolean {
  try {
    return parseServiceListText(text).length > MAX_LB_ROWS_PER_NODE;
  } catch {
    return true;
  }
}

/** Redacted, without the server's bookkeeping nobody reads (managedFields). */
function tidy(o: KubeObject): KubeObject {
  const { managedFields: _m, ...meta } = o.metadata ?? {};
  return redactObject({ ...o, metadata: meta });
}

function recorded(e: unknown): RecordedError {
  if (e instanceof KdiagError)
    return {
      kind: e.kind,
      message: oneLine(e),
      ...(e.hint ? { hint: e.hint } : {}),
      ...(e.status ? { status: e.status } : {}),
    };
  return { kind: 'server', message: oneLine(e) };
}

// What the engine runs in the pods of the other datapaths, per node (kept in step by test/bundle):
// src/engine/gather-kube-proxy.ts in each Ready kube-proxy pod, src/engine/gather-calico.ts in each
// calico-node pod (its NAT map where Calico eBPF serves Services, and Felix's log).
interface PodCommand {
  what: string;
  labelSelector: string;
  container: string;
  /** Every command the engine may run there; kube-proxy's depend on its mode, so all of them are kept. */
  commands: { argv: string[]; file: string }[];
  logTail: number;
  /** Only Ready pods (kube-proxy's rules are read only there); else every pod not being deleted. */
  readyOnly: boolean;
}
const KUBE_PROXY: PodCommand = {
  what: 'the kube-proxy pods',
  labelSelector: 'k8s-app=kube-proxy',
  container: 'kube-proxy',
  commands: [
    { argv: IPTABLES_SAVE_NAT, file: 'kube-proxy-iptables-save-nat.txt' },
    { argv: IPVSADM_LN, file: 'kube-proxy-ipvsadm-Ln.txt' },
    { argv: CAT_PROC_IP_VS, file: 'kube-proxy-proc-net-ip_vs.txt' },
    { argv: NFT_LIST_KUBE_PROXY, file: 'kube-proxy-nft-list-table.txt' },
  ],
  logTail: 2000,
  readyOnly: true,
};
const CALICO_NODE: PodCommand = {
  what: 'the calico-node pods',
  labelSelector: 'k8s-app=calico-node',
  container: 'calico-node',
  commands: [
    { argv: NAT_DUMP_ARGV, file: 'calico-node-bpf-nat-dump.txt' },
    // Calico eBPF's loaded programs (calico-bpf-programs), read in the same pod.
    { argv: BPFTOOL_ARGV, file: 'calico-node-bpftool-prog-show.json' },
  ],
  logTail: 2000,
  readyOnly: false,
};

type PodStatus = {
  conditions?: { type: string; status: string }[];
  containerStatuses?: { name: string; restartCount?: number }[];
};

/** Each matching pod's command output and log (the previous one too where the engine reads it). */
async function collectPodCommand(
  client: KubeClient,
  manifest: BundleManifest,
  write: CollectOptions['write'],
  fail: (what: string, e: RecordedError) => void,
  c: PodCommand,
): Promise<void> {
  let pods: { name: string; node: string; ns: string; previous: boolean }[];
  try {
    const all = await client.listAll<KubeObject & { spec?: { nodeName?: string }; status?: PodStatus }>(
      '/api/v1/pods',
      { labelSelector: c.labelSelector },
    );
    const ready = (p: { status?: PodStatus }) =>
      p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;
    pods = all
      .filter((p) => !p.metadata?.deletionTimestamp && (!c.readyOnly || ready(p)))
      .map((p) => ({
        name: p.metadata?.name ?? '',
        node: p.spec?.nodeName ?? '',
        ns: p.metadata?.namespace ?? 'kube-system',
        // gather-calico reads the previous container's log of a pod that restarted and is not Ready.
        previous:
          !c.readyOnly &&
          !ready(p) &&
          (p.status?.containerStatuses?.find((s) => s.name === c.container)?.restartCount ?? 0) > 0,
      }));
  } catch (e) {
    fail(c.what, recorded(e));
    return;
  }
  await Promise.all(
    pods.map((p) =>
      client.pool(async () => {
        const { container } = c;
        const ns = p.ns;
        for (const { argv, file } of c.commands) {
          const entry: ExecEntry = { namespace: ns, pod: p.name, container, argv, node: p.node };
          try {
            const r = await client.exec(ns, p.name, container, argv);
            entry.exitCode = r.exitCode;
            if (r.stderr) entry.stderr = redactText(r.stderr);
            entry.file = `nodes/${p.node}/${file}`;
            await write(entry.file, redactText(r.stdout));
          } catch (e) {
            entry.error = recorded(e);
            fail(`${argv.join(' ')} on ${p.node}`, entry.error);
          }
          manifest.exec.push(entry);
        }
        const log: LogEntry = {
          namespace: ns,
          pod: p.name,
          container,
          previous: p.previous,
          node: p.node,
          tailLines: c.logTail,
        };
        try {
          const text = await client.logs(ns, p.name, { container, tailLines: c.logTail, previous: p.previous });
          log.file = `nodes/${p.node}/logs/${container}${p.previous ? '.previous' : ''}.log`;
          await write(log.file, redactText(text));
        } catch (e) {
          log.error = recorded(e);
          fail(`log of ${p.name}`, log.error);
        }
        manifest.logs.push(log);
      }),
    ),
  );
}
