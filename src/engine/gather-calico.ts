// Calico's per-node facts, when the cluster runs calico-node: its pods, and (on Calico eBPF) each node's
// NAT map read through the Calico datapath plus Felix's ERROR/PANIC/FATAL log lines and, when a check
// needs them, the eBPF programs loaded (bpftool in the calico-node container). Per pod on the
// client's bounded pool; one node that fails keeps its error and never hides the others.
import { createInterface } from 'node:readline';
import type { KubeClient } from '../cluster/client.js';
import type { Pod } from '../cilium/discovery.js';
import { CALICO_CONTAINER, readCalicoNat, readCalicoPrograms } from '../datapath/calico.js';
import type { AgentCli } from '../datapath/index.js';
import { KdiagError, oneLine } from '../errors.js';
import { calicoBpfEnabled, type CalicoNodePodFact } from '../model/calico.js';
import { failed, got, type Facts, type Gathered } from '../model/facts.js';
import { capLine } from '../model/finding.js';

/** Felix's log prefix: `2025-09-19 07:25:19.184 [ERROR][55] felix/…` (fixtures/calico/felix-log.*). */
const FELIX_BAD = /^\S+ \S+ \[(ERROR|PANIC|FATAL)\]/;
const MAX_FELIX_LINES = 20;

export async function gatherCalico(
  client: KubeClient,
  facts: Facts,
  opts: { logTail?: number; nodes?: string[]; programs?: boolean },
): Promise<void> {
  const sig = facts.datapathSignals?.ok ? facts.datapathSignals.value : undefined;
  if (!sig?.calico) return;
  const ns = sig.calico.namespace;
  let pods: CalicoNodePodFact[];
  try {
    pods = (
      await client.listAll<Pod>(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods`, {
        labelSelector: 'k8s-app=calico-node',
      })
    ).map(podFact);
    facts.calicoNodes = got(pods);
  } catch (e) {
    facts.calicoNodes =
      e instanceof KdiagError ? failed(oneLine(e), { kind: e.kind, hint: e.hint }) : failed(oneLine(e));
    return;
  }
  if (!calicoBpfEnabled(sig)) return;
  const nat = (facts.calicoNat = new Map());
  const logs = (facts.calicoLogs = new Map());
  const progs = opts.programs ? (facts.calicoPrograms = new Map()) : undefined;
  const scope = opts.nodes;
  await Promise.all(
    pods
      .filter((p) => !p.deleting && (!scope || scope.includes(p.node)))
      .map((p) =>
        client.pool(async () => {
          const cli: AgentCli = {
            name: 'calico-node',
            run: (args) => client.exec(p.namespace, p.name, CALICO_CONTAINER, ['calico-node', ...args]),
          };
          nat.set(
            p.node,
            p.running
              ? await settle(readCalicoNat(cli))
              : failed(
                  `calico-node ${p.namespace}/${p.name} on ${p.node} is not running (${p.waitingReason ?? 'not started'})`,
                ),
          );
          logs.set(p.node, await settle(felixErrors(client, p, opts.logTail ?? 2000)));
          // Felix's programs per node (bpftool in the calico-node image); a container not running cannot answer.
          progs?.set(
            p.node,
            p.running
              ? await settle(readCalicoPrograms((argv) => client.exec(p.namespace, p.name, CALICO_CONTAINER, argv)))
              : failed(`calico-node ${p.namespace}/${p.name} on ${p.node} is not running`),
          );
        }),
      ),
  );
}

async function felixErrors(client: KubeClient, p: CalicoNodePodFact, tail: number): Promise<string[]> {
  const res = await client.logStream(p.namespace, p.name, {
    container: CALICO_CONTAINER,
    tailLines: tail,
    previous: p.restartCount > 0 && !p.ready,
  });
  const out: string[] = [];
  for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
    if (!FELIX_BAD.test(line)) continue;
    out.push(capLine(line));
    if (out.length > MAX_FELIX_LINES) out.shift();
  }
  return out;
}

function podFact(p: Pod): CalicoNodePodFact {
  const cs = p.status?.containerStatuses?.find((c) => c.name === CALICO_CONTAINER);
  return {
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    node: p.spec?.nodeName ?? '',
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    running: Boolean(cs?.state?.running),
    restartCount: cs?.restartCount ?? 0,
    ...(cs?.state?.waiting?.reason ? { waitingReason: cs.state.waiting.reason } : {}),
    deleting: Boolean(p.metadata?.deletionTimestamp),
    ownerDaemonSet: p.metadata?.ownerReferences?.find((o) => o.kind === 'DaemonSet')?.name,
  };
}

async function settle<T>(p: Promise<T>): Promise<Gathered<T>> {
  try {
    return got(await p);
  } catch (e) {
    return e instanceof KdiagError ? failed(oneLine(e), { kind: e.kind, hint: e.hint }) : failed(oneLine(e));
  }
}
