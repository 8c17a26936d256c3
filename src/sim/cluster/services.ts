// Services and their EndpointSlices (and backend Pods as data): the scenario's explicit ones, the
// generated ones, the apiserver's own `kubernetes` Service, and kube-dns with its two CoreDNS pods (every
// real cluster has it, and its 53/UDP + 53/TCP ports are where Cilium versions differ: docs/formats.md).
import { isIPv4, isIPv6 } from 'node:net';
import { KdiagError } from '../../errors.js';
import { hash32 } from '../prng.js';
import type { KObj } from '../store.js';
import { podConditions } from './agent-pods.js';
import type { Cluster, NodeInfo } from './index.js';

export function buildServices(cl: Cluster): void {
  const sc = cl.scenario;
  // The apiserver's own Service; its endpoint is data only (documentation range).
  addService(
    cl,
    {
      name: 'kubernetes',
      namespace: 'default',
      type: 'ClusterIP',
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }],
    },
    [{ ip: '192.0.2.10', ready: true, nodeName: undefined, podName: undefined }],
    { component: 'apiserver', provider: 'kubernetes' },
  );

  let ipCounter = 0;
  const taken = new Set(sc.services.explicit.map((s) => s.clusterIP).filter(Boolean));
  const nextIP = (): string => {
    for (;;) {
      ipCounter++;
      const ip = `10.96.${1 + Math.floor(ipCounter / 250)}.${1 + (ipCounter % 250)}`;
      if (!taken.has(ip)) return ip;
    }
  };
  const gen = sc.services.generated;
  const withPods = sc.services.backendPods ?? gen.count + sc.services.explicit.length <= 2000;
  const podCounter = new Map<string, number>();
  const backendsFor = (
    svcName: string,
    ns: string,
    count: number,
    notReady: number,
    targetPort: number,
    terminating = 0,
  ): Backend[] => {
    const out: Backend[] = [];
    const rs = cl.prng.suffix(10).slice(0, 9);
    for (let b = 0; b < count + notReady + terminating; b++) {
      const node = cl.nodes[cl.prng.int(cl.nodes.length)]!;
      const c = (podCounter.get(node.name) ?? 0) + 1;
      podCounter.set(node.name, c);
      const ip = `${node.podCidr.split('.').slice(0, 3).join('.')}.${10 + (c % 240)}`;
      const podName = `${svcName}-${rs}-${cl.prng.suffix()}`;
      // dual-stack: the pod's IPv6 address in its node's fd00:10:244:<i>::/64 (as podCidrV6)
      const ip6 = sc.nodes.dualStack
        ? `fd00:10:244:${node.index.toString(16)}::${(10 + (c % 240)).toString(16)}`
        : undefined;
      const ready = b < count;
      // the last `terminating` backends: pods being deleted that have not gone
      const term = b >= count + notReady;
      if (withPods) {
        // still passing its readiness probe while it drains: Ready in the pod, serving in the slice
        const pod = backendPod(cl, podName, ns, svcName, node, ip, ready || term, targetPort);
        if (term) {
          pod.metadata.deletionTimestamp = cl.ago(600);
          pod.metadata.deletionGracePeriodSeconds = 30;
        }
        if (ip6) (pod.status as { podIPs: { ip: string }[] }).podIPs.push({ ip: ip6 });
        cl.store.create('pods', pod, true);
      }
      out.push({
        ip,
        ...(ip6 ? { ip6 } : {}),
        ready,
        nodeName: node.name,
        podName,
        ...(term ? { terminating: true } : {}),
      });
    }
    return out;
  };
  type ExplicitEndpoint = { ip: string; port?: number; node?: string; ready: boolean; terminating: boolean };
  // A scenario's explicit backends, exactly as given: the pod on `node`, else the node whose IPv4 pod CIDR
  // (a /24) holds the address, else a seeded pick as for generated backends.
  const explicitBackends = (svcName: string, ns: string, eps: ExplicitEndpoint[], targetPort: number): Backend[] => {
    const rs = cl.prng.suffix(10).slice(0, 9);
    return eps.map((e) => {
      const v6 = isIPv6(e.ip);
      const node = e.node
        ? cl.nodes.find((n) => n.name === e.node)
        : (cl.nodes.find(
            (n) => !v6 && n.podCidr.split('.').slice(0, 3).join('.') === e.ip.split('.').slice(0, 3).join('.'),
          ) ?? cl.nodes[cl.prng.int(cl.nodes.length)]);
      if (!node)
        throw new KdiagError('config', `services.explicit ${ns}/${svcName}: endpoint ${e.ip}: no node "${e.node}"`);
      const podName = `${svcName}-${rs}-${cl.prng.suffix()}`;
      if (withPods) {
        const pod = backendPod(cl, podName, ns, svcName, node, e.ip, e.ready || e.terminating, e.port ?? targetPort);
        if (e.terminating) {
          pod.metadata.deletionTimestamp = cl.ago(600);
          pod.metadata.deletionGracePeriodSeconds = 30;
        }
        cl.store.create('pods', pod, true);
      }
      return {
        ip: e.ip,
        ...(v6 ? { ip6: e.ip } : {}),
        ...(e.port ? { port: e.port } : {}),
        ready: e.ready && !e.terminating,
        nodeName: node.name,
        podName,
        ...(e.terminating ? { terminating: true } : {}),
      };
    });
  };
  let v6Counter = 0;
  for (const s of sc.services.explicit) {
    const v4 = s.ipFamilies.includes('IPv4') ? (s.clusterIP ?? nextIP()) : undefined;
    const v6 = s.ipFamilies.includes('IPv6')
      ? (s.clusterIPv6 ?? (!v4 && s.clusterIP ? s.clusterIP : `fd00:10:96::${(++v6Counter + 0x100).toString(16)}`))
      : undefined;
    const clusterIPs = s.ipFamilies.map((f) => (f === 'IPv4' ? v4! : v6!));
    const tp = s.ports[0]!.targetPort ?? s.ports[0]!.port;
    addService(
      cl,
      { ...s, clusterIP: clusterIPs[0]!, clusterIPs },
      s.endpoints
        ? explicitBackends(s.name, s.namespace, s.endpoints, tp)
        : backendsFor(s.name, s.namespace, s.backends ?? 2, s.notReadyBackends, tp, s.terminatingBackends),
      { app: s.name },
      s.labels,
    );
  }
  const width = String(gen.count).length;
  for (let i = 1; i <= gen.count; i++) {
    const ns = gen.namespaces[(i - 1) % gen.namespaces.length]!;
    const name = `svc-${String(i).padStart(Math.max(width, 3), '0')}`;
    addService(
      cl,
      {
        name,
        namespace: ns,
        type: 'ClusterIP',
        clusterIP: nextIP(),
        ports: [{ name: 'http', port: gen.port, targetPort: gen.targetPort, protocol: 'TCP' }],
      },
      backendsFor(name, ns, gen.backends, 0, gen.targetPort),
      { app: name },
    );
  }
  // kube-dns last, so the generated names and IPs of every other object stay what they were before it
  if (!sc.services.explicit.some((s) => s.namespace === 'kube-system' && s.name === 'kube-dns')) {
    const coredns = backendsFor('coredns', 'kube-system', 2, 0, 53);
    addKubeDns(cl, coredns, withPods);
  }
}

/** One backend as its EndpointSlice lists it; `terminating`: its pod is being deleted (still serving). */
type Backend = {
  ip: string;
  /** The pod's IPv6 address on a dual-stack cluster (an explicit IPv6 backend: `ip` and `ip6` both). */
  ip6?: string;
  /** An explicit backend's port: stands in for the first Service port's targetPort. */
  port?: number;
  ready: boolean;
  nodeName?: string;
  podName?: string;
  terminating?: boolean;
};

export function backendPod(
  cl: Cluster,
  name: string,
  ns: string,
  app: string,
  node: NodeInfo,
  ip: string,
  ready: boolean,
  port: number,
): KObj {
  const created = cl.ago(2400);
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace: ns,
      uid: cl.prng.uuid(),
      resourceVersion: '0',
      creationTimestamp: created,
      labels: { app },
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.k8s.io/e2e-test-images/agnhost:2.45',
          ports: [{ containerPort: port, protocol: 'TCP' }],
          resources: {},
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      nodeName: node.name,
      schedulerName: 'default-scheduler',
    },
    status: {
      phase: 'Running',
      conditions: podConditions(cl, ready, created, created).map((c) =>
        (c as { type: string }).type === 'Ready' || (c as { type: string }).type === 'ContainersReady'
          ? { ...c, ...(ready ? {} : { message: 'containers with unready status: [app]' }) }
          : c,
      ),
      hostIP: node.internalIP,
      podIP: ip,
      podIPs: [{ ip }],
      startTime: created,
      containerStatuses: [
        {
          name: 'app',
          state: { running: { startedAt: created } },
          lastState: {},
          ready,
          restartCount: 0,
          image: 'registry.k8s.io/e2e-test-images/agnhost:2.45',
          imageID: '',
          containerID: `containerd://${cl.prng.hex(64)}`,
          started: true,
        },
      ],
      qosClass: 'BestEffort',
    },
  };
}

export function addService(
  cl: Cluster,
  s: {
    name: string;
    namespace: string;
    type: string;
    clusterIP: string;
    /** Dual-stack or IPv6: every ClusterIP, in the order of `ipFamilies`. */
    clusterIPs?: string[];
    ipFamilies?: ('IPv4' | 'IPv6')[];
    ports: { name?: string; port: number; targetPort?: number; protocol: string; nodePort?: number }[];
  },
  backends: Backend[],
  selector: Record<string, string>,
  labels?: Record<string, string>,
): void {
  const isApi = s.name === 'kubernetes' && s.namespace === 'default';
  const families = s.ipFamilies ?? ['IPv4'];
  let npCounter = 30000 + (hash32(`${s.namespace}/${s.name}`) % 2000);
  const ports = s.ports.map((p) => ({
    ...(p.name ? { name: p.name } : {}),
    protocol: p.protocol,
    port: p.port,
    targetPort: p.targetPort ?? p.port,
    ...(s.type !== 'ClusterIP' ? { nodePort: p.nodePort ?? npCounter++ } : {}),
  }));
  cl.store.create(
    'services',
    {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: cl.meta(s.name, s.namespace, isApi ? { labels: selector } : labels ? { labels } : {}),
      spec: {
        ports,
        ...(isApi ? {} : { selector }),
        clusterIP: s.clusterIP,
        clusterIPs: s.clusterIPs ?? [s.clusterIP],
        type: s.type,
        sessionAffinity: 'None',
        ipFamilies: families,
        // what the apiserver stores for a Service created with two families and no policy
        ipFamilyPolicy: families.length > 1 ? 'RequireDualStack' : 'SingleStack',
        internalTrafficPolicy: 'Cluster',
        ...(s.type !== 'ClusterIP' ? { externalTrafficPolicy: 'Cluster' } : {}),
      },
      status: { loadBalancer: {} },
    },
    true,
  );
  // One EndpointSlice per address family (the EndpointSlice controller never mixes families in a slice).
  // Backends on another port than the targetPort get their own slice, as the controller groups them.
  const slicePorts = (bp: number | undefined) =>
    ports.map((p, i) => ({ name: p.name ?? '', protocol: p.protocol, port: i === 0 && bp ? bp : p.targetPort }));
  const inFamily = (fam: string) => (b: Backend) => (fam === 'IPv6' ? Boolean(b.ip6) : isIPv4(b.ip));
  for (const fam of families) {
    const inFam = backends.filter(inFamily(fam));
    const groups = [...new Set(inFam.map((b) => b.port))];
    for (const bp of groups.length ? groups : [undefined]) {
      const famBackends = inFam.filter((b) => b.port === bp);
      cl.store.create(
        'endpointslices.discovery.k8s.io',
        {
          kind: 'EndpointSlice',
          apiVersion: 'discovery.k8s.io/v1',
          metadata: cl.meta(isApi ? 'kubernetes' : `${s.name}-${cl.prng.suffix()}`, s.namespace, {
            generation: 1,
            labels: {
              'endpointslice.kubernetes.io/managed-by': isApi
                ? 'endpointslicemirroring-controller.k8s.io'
                : 'endpointslice-controller.k8s.io',
              'kubernetes.io/service-name': s.name,
            },
          }),
          addressType: fam,
          endpoints: famBackends.map((b) => ({
            addresses: [fam === 'IPv6' ? b.ip6! : b.ip],
            // A terminating pod is never ready; serving keeps its readiness (discovery/v1 EndpointConditions).
            conditions: b.terminating
              ? { ready: false, serving: true, terminating: true }
              : { ready: b.ready, serving: b.ready, terminating: false },
            ...(b.podName ? { targetRef: { kind: 'Pod', namespace: s.namespace, name: b.podName } } : {}),
            ...(b.nodeName ? { nodeName: b.nodeName } : {}),
          })),
          ports: slicePorts(bp),
        },
        true,
      );
    }
  }
  // The core/v1 Endpoints object the endpoints controller still keeps next to the slices (1.32).
  // It mirrors the primary family only (the first of ipFamilies).
  const addr = (b: (typeof backends)[number]): Record<string, unknown> => ({
    ip: families[0] === 'IPv6' ? (b.ip6 ?? b.ip) : b.ip,
    ...(b.nodeName ? { nodeName: b.nodeName } : {}),
    ...(b.podName ? { targetRef: { kind: 'Pod', namespace: s.namespace, name: b.podName } } : {}),
  });
  // The endpoints controller leaves terminating pods out of Endpoints (no publishNotReadyAddresses).
  const primary = families[0] === 'IPv6' ? backends : backends.filter(inFamily('IPv4'));
  const subsets = [...new Set(primary.map((b) => b.port))]
    .map((bp) => {
      const group = primary.filter((b) => b.port === bp);
      const ready = group.filter((b) => b.ready && !b.terminating).map(addr);
      const notReady = group.filter((b) => !b.ready && !b.terminating).map(addr);
      return { ready, notReady, bp };
    })
    .filter((g) => g.ready.length + g.notReady.length);
  cl.store.create(
    'endpoints',
    {
      kind: 'Endpoints',
      apiVersion: 'v1',
      metadata: cl.meta(
        s.name,
        s.namespace,
        isApi ? { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } } : {},
      ),
      ...(subsets.length
        ? {
            subsets: subsets.map(({ ready, notReady, bp }) => ({
              ...(ready.length ? { addresses: ready } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady } : {}),
              ports: slicePorts(bp).map((p) => ({
                ...(p.name ? { name: p.name } : {}),
                port: p.port,
                protocol: p.protocol,
              })),
            })),
          }
        : {}),
    },
    true,
  );
}

/**
 * kube-system/kube-dns as kubeadm creates it (10.96.0.10; dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP;
 * selector k8s-app=kube-dns) with two CoreDNS backends.
 */
function addKubeDns(cl: Cluster, backends: Backend[], withPods: boolean): void {
  const sel = { 'k8s-app': 'kube-dns' };
  if (withPods)
    for (const b of backends) {
      const pod = b.podName ? cl.store.get('pods', 'kube-system', b.podName) : undefined;
      if (!pod) continue;
      pod.metadata.labels = { ...sel, 'pod-template-hash': b.podName!.split('-')[1]! };
      const spec = pod.spec as { containers: Record<string, unknown>[] };
      spec.containers[0] = {
        ...spec.containers[0],
        name: 'coredns',
        image: 'registry.k8s.io/coredns/coredns:v1.11.3',
        args: ['-conf', '/etc/coredns/Corefile'],
        ports: [
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
        ],
      };
      const status = pod.status as { containerStatuses: Record<string, unknown>[] };
      status.containerStatuses[0] = {
        ...status.containerStatuses[0],
        name: 'coredns',
        image: 'registry.k8s.io/coredns/coredns:v1.11.3',
      };
    }
  addService(
    cl,
    {
      name: 'kube-dns',
      namespace: 'kube-system',
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      ports: [
        { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' },
      ],
    },
    backends,
    sel,
    { ...sel, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
  );
}
