// Finds Cilium in a cluster: the agent DaemonSet (k8s-app=cilium, container cilium-agent, any namespace),
// its pods per node, the cilium-config ConfigMap, the agent version and which in-pod CLI it ships.
import type { KubeClient, KubeObject } from '../cluster/client.js';
import { KdiagError } from '../errors.js';
import type { AgentPodFact, CiliumInstallFact, ContainerState } from '../model/facts.js';
import { cliFor, parseCiliumVersion } from './versions.js';

export const AGENT_LABEL = 'k8s-app=cilium';
export const AGENT_CONTAINER = 'cilium-agent';

interface Container {
  name: string;
  image?: string;
  securityContext?: { privileged?: boolean; capabilities?: { add?: string[] } };
}
export interface DaemonSet extends KubeObject {
  spec?: {
    template?: { spec?: { containers?: Container[] } };
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string } };
  };
  status?: { desiredNumberScheduled?: number; numberReady?: number };
}
export interface Pod extends KubeObject {
  metadata?: KubeObject['metadata'] & {
    deletionTimestamp?: string;
    creationTimestamp?: string;
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
  };
  spec?: { nodeName?: string; hostNetwork?: boolean; containers?: Container[]; initContainers?: Container[] };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: {
      name: string;
      ready: boolean;
      restartCount: number;
      state?: {
        running?: { startedAt?: string };
        waiting?: { reason?: string };
        terminated?: { reason?: string; exitCode?: number };
      };
      lastState?: { terminated?: { reason?: string; exitCode?: number; finishedAt?: string } };
    }[];
  };
}

/** undefined when Cilium is not installed (no agent DaemonSet anywhere we may look). */
export async function findCilium(client: KubeClient, namespace?: string): Promise<CiliumInstallFact | undefined> {
  let sets: DaemonSet[];
  if (namespace) {
    sets = await client.listAll<DaemonSet>(`/apis/apps/v1/namespaces/${namespace}/daemonsets`, {
      labelSelector: AGENT_LABEL,
    });
  } else {
    try {
      sets = await client.listAll<DaemonSet>('/apis/apps/v1/daemonsets', { labelSelector: AGENT_LABEL });
    } catch (e) {
      // A user without cluster-wide list may still read kube-system, where Cilium lives by default.
      if (!(e instanceof KdiagError && e.kind === 'forbidden')) throw e;
      sets = await client.listAll<DaemonSet>('/apis/apps/v1/namespaces/kube-system/daemonsets', {
        labelSelector: AGENT_LABEL,
      });
    }
  }
  const ds = sets.find((d) => agentContainer(d.spec?.template?.spec?.containers));
  if (!ds) return undefined;
  const c = agentContainer(ds.spec?.template?.spec?.containers)!;
  const tag = c.image ?? '';
  const v = parseCiliumVersion(tag);
  return {
    namespace: ds.metadata?.namespace ?? 'kube-system',
    daemonSet: ds.metadata?.name ?? 'cilium',
    version: v ? `v${v.major}.${v.minor}.${v.patch}` : tag,
    minor: v?.minor,
    cli: cliFor(v?.minor ?? 15),
    capabilities: c.securityContext?.capabilities?.add,
    privileged: c.securityContext?.privileged,
    desiredNumberScheduled: ds.status?.desiredNumberScheduled ?? 0,
    numberReady: ds.status?.numberReady ?? 0,
    maxUnavailable: dsMaxUnavailable(ds),
  };
}

/**
 * rollingUpdate.maxUnavailable as a count: an integer, or a percentage of the desired pods rounded up
 * (as the DaemonSet controller does); Kubernetes' default is 1, and never less than 1.
 */
export function dsMaxUnavailable(ds: DaemonSet): number {
  const v = ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable;
  const desired = ds.status?.desiredNumberScheduled ?? 0;
  let n = 1;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\d+%$/.test(v)) n = Math.ceil((parseInt(v, 10) * desired) / 100);
  else if (typeof v === 'string' && /^\d+$/.test(v)) n = parseInt(v, 10);
  return Math.max(1, Math.floor(n));
}

function agentContainer(cs: Container[] | undefined): Container | undefined {
  return cs?.find((c) => c.name === AGENT_CONTAINER);
}

/** The agent pod of each node; when a node has two (one terminating), the live one wins. */
export async function listAgentPods(
  client: KubeClient,
  install: CiliumInstallFact,
): Promise<Map<string, AgentPodFact>> {
  const pods = await client.listAll<Pod>(`/api/v1/namespaces/${install.namespace}/pods`, {
    labelSelector: AGENT_LABEL,
  });
  const byNode = new Map<string, AgentPodFact>();
  for (const p of pods) {
    const fact = agentPodFact(p);
    if (!fact.node) continue;
    const prev = byNode.get(fact.node);
    if (
      !prev ||
      (prev.deleting && !fact.deleting) ||
      (prev.deleting === fact.deleting && (fact.createdAt ?? '') > (prev.createdAt ?? ''))
    )
      byNode.set(fact.node, fact);
  }
  return byNode;
}

export function agentPodFact(p: Pod): AgentPodFact {
  const cs = p.status?.containerStatuses?.find((c) => c.name === AGENT_CONTAINER);
  const last = cs?.lastState?.terminated;
  const agent: ContainerState = {
    running: Boolean(cs?.state?.running),
    ready: Boolean(cs?.ready),
    restartCount: cs?.restartCount ?? 0,
    waitingReason: cs?.state?.waiting?.reason,
    lastTermination: last ? `${last.reason ?? 'Terminated'} (exit ${last.exitCode ?? '?'})` : undefined,
    ...(cs?.state?.running?.startedAt ? { startedAt: cs.state.running.startedAt } : {}),
  };
  const owner = p.metadata?.ownerReferences?.find((o) => o.kind === 'DaemonSet');
  return {
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    node: p.spec?.nodeName ?? '',
    phase: p.status?.phase ?? 'Unknown',
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    deleting: Boolean(p.metadata?.deletionTimestamp),
    agent,
    ownerDaemonSet: owner?.name,
    createdAt: p.metadata?.creationTimestamp,
  };
}
