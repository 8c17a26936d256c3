// The cluster-wide facts, read from the Kubernetes API: nodes, Services with their EndpointSlices, the
// cilium-config ConfigMap, kube-proxy, and the `--from` client pod.
import type { KubeClient, KubeObject } from '../cluster/client.js';
import type { DaemonSet, Pod } from '../cilium/discovery.js';
import { KdiagError } from '../errors.js';
import type { ClientPodFact, EndpointFact, KubeProxyFact, NodeFact, ServiceFact } from '../model/facts.js';

interface NodeObj extends KubeObject {
  spec?: { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
  status?: {
    nodeInfo?: { kernelVersion?: string; osImage?: string };
    addresses?: { type: string; address: string }[];
    conditions?: { type: string; status: string }[];
  };
}

export async function listNodes(client: KubeClient): Promise<NodeFact[]> {
  const out: NodeFact[] = [];
  for await (const n of client.list<NodeObj>('/api/v1/nodes')) {
    out.push({
      name: n.metadata?.name ?? '',
      kernelVersion: n.status?.nodeInfo?.kernelVersion ?? '',
      osImage: n.status?.nodeInfo?.osImage,
      internalIP: n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address,
      ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      schedulable: !n.spec?.unschedulable,
      taints: (n.spec?.taints ?? [])
        .filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
        .map((t) => t.key),
    });
  }
  return out;
}

interface ServiceObj extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    ports?: { name?: string; port: number; protocol?: string; nodePort?: number; targetPort?: string | number }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}
interface SliceObj extends KubeObject {
  addressType?: string;
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    nodeName?: string;
    targetRef?: { name?: string };
  }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

export async function listServices(
  client: KubeClient,
  namespace?: string,
  target?: { namespace: string; name: string },
): Promise<ServiceFact[]> {
  const ns = target?.namespace ?? namespace;
  const base = ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}` : '/api/v1';
  const sliceBase = ns ? `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(ns)}` : '/apis/discovery.k8s.io/v1';
  const [svcs, slices] = await Promise.all([
    target
      ? client.get<ServiceObj>(`${base}/services/${encodeURIComponent(target.name)}`).then((s) => [s])
      : client.listAll<ServiceObj>(`${base}/services`),
    client.listAll<SliceObj>(`${sliceBase}/endpointslices`, {
      labelSelector: target ? `kubernetes.io/service-name=${target.name}` : undefined,
    }),
  ]);
  const eps = new Map<string, EndpointFact[]>();
  for (const sl of slices) {
    const svc = sl.metadata?.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const key = `${sl.metadata?.namespace}/${svc}`;
    const list = eps.get(key) ?? [];
    for (const ep of sl.endpoints ?? []) {
      const c = ep.conditions ?? {};
      // EndpointConditions: a nil `ready` means ready (discovery.k8s.io/v1 API docs); serving defaults to ready.
      const ready = c.ready !== false;
      for (const ip of ep.addresses)
        for (const p of sl.ports ?? [])
          list.push({
            ip,
            port: p.port ?? 0,
            protocol: p.protocol ?? 'TCP',
            portName: p.name || undefined,
            ready,
            serving: c.serving ?? ready,
            terminating: c.terminating ?? false,
            nodeName: ep.nodeName,
            targetPod: ep.targetRef?.name,
          });
    }
    eps.set(key, list);
  }
  return svcs.map((s) => {
    const ips = (s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])).filter(
      (ip) => ip && ip !== 'None',
    );
    return {
      namespace: s.metadata?.namespace ?? '',
      name: s.metadata?.name ?? '',
      type: s.spec?.type ?? 'ClusterIP',
      clusterIPs: ips,
      ports: (s.spec?.ports ?? []).map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' })),
      externalIPs: s.spec?.externalIPs ?? [],
      loadBalancerIPs: (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip),
      headless: s.spec?.clusterIP === 'None',
      ...(s.metadata?.labels?.['service.kubernetes.io/service-proxy-name'] !== undefined
        ? { proxyName: s.metadata.labels['service.kubernetes.io/service-proxy-name'] }
        : {}),
      endpoints: eps.get(`${s.metadata?.namespace}/${s.metadata?.name}`) ?? [],
    };
  });
}

export async function getCiliumConfig(client: KubeClient, namespace: string): Promise<Record<string, string>> {
  const cm = await client.getOptional<KubeObject & { data?: Record<string, string> }>(
    `/api/v1/namespaces/${namespace}/configmaps/cilium-config`,
  );
  if (!cm) throw new KdiagError('not-found', `ConfigMap ${namespace}/cilium-config not found`);
  return cm.data ?? {};
}

export async function findKubeProxy(client: KubeClient): Promise<KubeProxyFact> {
  const sel = { labelSelector: 'k8s-app=kube-proxy' };
  let sets: DaemonSet[];
  let pods: Pod[];
  try {
    [sets, pods] = await Promise.all([
      client.listAll<DaemonSet>('/apis/apps/v1/daemonsets', sel),
      client.listAll<Pod>('/api/v1/pods', sel),
    ]);
  } catch (e) {
    if (!(e instanceof KdiagError && e.kind === 'forbidden')) throw e;
    [sets, pods] = await Promise.all([
      client.listAll<DaemonSet>('/apis/apps/v1/namespaces/kube-system/daemonsets', sel),
      client.listAll<Pod>('/api/v1/namespaces/kube-system/pods', sel),
    ]);
  }
  const ds = sets[0];
  return {
    daemonSet: ds
      ? {
          namespace: ds.metadata?.namespace ?? '',
          name: ds.metadata?.name ?? '',
          desired: ds.status?.desiredNumberScheduled ?? 0,
          ready: ds.status?.numberReady ?? 0,
        }
      : undefined,
    pods: pods
      .filter((p) => !p.metadata?.deletionTimestamp)
      .map((p) => ({
        name: p.metadata?.name ?? '',
        node: p.spec?.nodeName ?? '',
        ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      })),
  };
}

export async function getClientPod(client: KubeClient, namespace: string, name: string): Promise<ClientPodFact> {
  const p = await client.get<Pod>(
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
  );
  return {
    namespace,
    name,
    node: p.spec?.nodeName ?? '',
    ip: p.status?.podIP,
    hostNetwork: Boolean(p.spec?.hostNetwork),
    labels: p.metadata?.labels ?? {},
    containers: [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].map((c) => c.name),
  };
}
