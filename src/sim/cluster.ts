// The simulated cluster: objects built from a scenario, per-node Cilium agent state, and the two
// controllers a real cluster has (kubelet finishing pod termination, the DaemonSet recreating pods).
import type { BpfProgram, LbBackend, LbService } from '../cilium/types.js';
import { Prng, hash32 } from './prng.js';
import type { Fault, Scenario } from './scenario.js';
import { clone, type KObj, Store } from './store.js';

export type ResolvedFault = Scenario['resolvedFaults'][number];

export interface NodeInfo {
  name: string;
  index: number;
  internalIP: string;
  podCidr: string;
  kernel: string;
}

/** Per-node agent state: the node's facts and the faults currently active on it. */
export interface AgentState {
  node: NodeInfo;
  faults: ResolvedFault[];
  /** Start time of the current agent container (drives log timestamps and bpftool loaded_at). */
  startedAt: Date;
  podName?: string;
}

const CILIUM_NS_DEFAULT = 'kube-system';

export function nodeIP(i: number): string {
  // node-1 → 127.0.0.11 as in the recordings; beyond 240 nodes, further 127.0.x.0/24 blocks.
  const j = i - 1;
  return `127.0.${Math.floor(j / 240)}.${11 + (j % 240)}`;
}

export function podCidr(i: number): string {
  return `10.${i >> 8}.${i & 255}.0/24`;
}

function ts(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function has<K extends Fault['kind']>(st: AgentState, kind: K): Extract<ResolvedFault, { kind: K }> | undefined {
  return st.faults.find((f) => f.kind === kind) as Extract<ResolvedFault, { kind: K }> | undefined;
}

export type AgentHealth = 'running' | 'not-ready' | 'crashloop';

export class Cluster {
  readonly store = new Store();
  readonly scenario: Scenario;
  readonly prng: Prng;
  readonly ns: string;
  readonly nodes: NodeInfo[] = [];
  readonly agents = new Map<string, AgentState>();
  readonly startTime = new Date();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private dsUid = '';
  private sliceIndex: Map<string, KObj[]> | null = null;
  private svcIds = new Map<string, number>();
  private nextSvcId = 1;

  constructor(scenario: Scenario, seed?: number) {
    this.scenario = scenario;
    this.prng = new Prng(seed ?? scenario.seed);
    this.ns = scenario.cilium.namespace || CILIUM_NS_DEFAULT;
    this.store.on('event', (e: { resource: string }) => {
      if (e.resource === 'endpointslices.discovery.k8s.io') this.sliceIndex = null;
    });
    this.build();
    this.store.markBaseline();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  private ago(seconds: number): string {
    return ts(new Date(this.startTime.getTime() - seconds * 1000));
  }

  private meta(
    name: string,
    namespace: string | undefined,
    extra: Record<string, unknown> = {},
    ageSec = 3600,
  ): KObj['metadata'] {
    return {
      name,
      ...(namespace ? { namespace } : {}),
      uid: this.prng.uuid(),
      resourceVersion: '0',
      creationTimestamp: this.ago(ageSec),
      ...extra,
    };
  }

  // ---------------------------------------------------------------- building

  private build(): void {
    const sc = this.scenario;
    const namespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', this.ns, ...sc.namespaces]);
    for (const s of sc.services.explicit) namespaces.add(s.namespace);
    if (sc.services.generated.count > 0) sc.services.generated.namespaces.forEach((n) => namespaces.add(n));
    for (const n of [...namespaces].sort()) {
      this.store.create(
        'namespaces',
        {
          kind: 'Namespace',
          apiVersion: 'v1',
          metadata: this.meta(n, undefined, { labels: { 'kubernetes.io/metadata.name': n } }, 7200),
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' },
        },
        true,
      );
    }

    for (let i = 1; i <= sc.nodes.count; i++) {
      const name = `node-${i}`;
      const faults = sc.resolvedFaults.filter((f) => f.nodeNames.includes(name));
      const tooOld = faults.find((f) => f.kind === 'kernel-too-old') as
        Extract<Fault, { kind: 'kernel-too-old' }> | undefined;
      const kernel =
        tooOld?.kernel ?? (sc.nodes.kernels ? sc.nodes.kernels[(i - 1) % sc.nodes.kernels.length]! : sc.nodes.kernel);
      const info: NodeInfo = { name, index: i, internalIP: nodeIP(i), podCidr: podCidr(i), kernel };
      this.nodes.push(info);
      this.store.create('nodes', this.nodeObject(info), true);
      this.agents.set(name, {
        node: info,
        faults: [...faults],
        startedAt: new Date(this.startTime.getTime() - 3000 * 1000),
      });
    }

    this.buildCilium();
    this.buildServices();
    this.buildEvents();
  }

  private nodeObject(n: NodeInfo): KObj {
    const sc = this.scenario;
    const t = this.ago(7200);
    return {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: this.meta(
        n.name,
        undefined,
        {
          labels: {
            'kubernetes.io/arch': 'amd64',
            'kubernetes.io/hostname': n.name,
            'kubernetes.io/os': 'linux',
            ...(n.index === 1 ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
          },
          annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
        },
        7200,
      ),
      spec: { podCIDR: n.podCidr, podCIDRs: [n.podCidr] },
      status: {
        capacity: { cpu: '4', 'ephemeral-storage': '101430960Ki', memory: '16365604Ki', pods: '110' },
        allocatable: { cpu: '4', 'ephemeral-storage': '93478772582', memory: '16263204Ki', pods: '110' },
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            lastHeartbeatTime: t,
            lastTransitionTime: t,
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
          },
          {
            type: 'MemoryPressure',
            status: 'False',
            lastHeartbeatTime: t,
            lastTransitionTime: t,
            reason: 'KubeletHasSufficientMemory',
            message: 'kubelet has sufficient memory available',
          },
        ],
        addresses: [
          { type: 'InternalIP', address: n.internalIP },
          { type: 'Hostname', address: n.name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: this.prng.hex(32),
          systemUUID: this.prng.uuid(),
          bootID: this.prng.uuid(),
          kernelVersion: n.kernel,
          osImage: sc.nodes.osImage,
          containerRuntimeVersion: 'containerd://1.7.24',
          kubeletVersion: sc.kubeletVersion,
          kubeProxyVersion: sc.kubeletVersion,
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
      },
    };
  }

  ciliumConfigData(): Record<string, string> {
    const sc = this.scenario;
    const minor = sc.minor;
    const kpr = this.kprMode();
    const data: Record<string, string> = {
      'bpf-lb-sock': 'false',
      'cluster-name': 'default',
      'cluster-pool-ipv4-cidr': '10.0.0.0/8',
      debug: 'false',
      'enable-bpf-masquerade': 'false',
      'enable-health-checking': 'true',
      'enable-ipv4': 'true',
      'enable-ipv6': 'false',
      'enable-l7-proxy': 'true',
      ipam: 'cluster-pool',
      'identity-allocation-mode': 'crd',
      'kube-proxy-replacement': kpr,
      'monitor-aggregation': 'medium',
      'preallocate-bpf-maps': 'false',
    };
    if (minor <= 13) {
      data.tunnel = 'vxlan';
    } else {
      data['routing-mode'] = 'tunnel';
      data['tunnel-protocol'] = 'vxlan';
    }
    if (minor <= 12) data['enable-bpf-clock-probe'] = 'true';
    return Object.fromEntries(Object.entries({ ...data, ...sc.cilium.config }).sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** cilium-config's kube-proxy-replacement as this version spells it. */
  kprMode(): string {
    const sc = this.scenario;
    const v = sc.cilium.kubeProxyReplacement ?? (sc.minor <= 13 ? 'strict' : 'true');
    if (sc.cilium.config['kube-proxy-replacement']) return sc.cilium.config['kube-proxy-replacement'];
    return v;
  }

  private containerSecurityContext(): Record<string, unknown> {
    const caps = this.scenario.cilium.capabilities;
    if (!caps) return { privileged: true };
    return { capabilities: { add: caps, drop: ['ALL'] }, seLinuxOptions: { level: 's0', type: 'spc_t' } };
  }

  private buildCilium(): void {
    const sc = this.scenario;
    if (sc.cilium.installed) {
      this.store.create(
        'configmaps',
        {
          kind: 'ConfigMap',
          apiVersion: 'v1',
          metadata: this.meta('cilium-config', this.ns),
          data: this.ciliumConfigData(),
        },
        true,
      );
      this.store.create('serviceaccounts', this.saObject('cilium', this.ns), true);
      const ds = this.daemonSetObject('cilium', 'cilium-agent', `quay.io/cilium/cilium:v${sc.cilium.version}`);
      this.dsUid = ds.metadata.uid;
      this.store.create('daemonsets.apps', ds, true);
      for (const n of this.nodes) {
        const st = this.agents.get(n.name)!;
        const pod = this.agentPod(n, st, 'initial');
        st.podName = pod.metadata.name;
        this.store.create('pods', pod, true);
      }
    }
    if (sc.kubeProxy) {
      const ds = this.daemonSetObject('kube-proxy', 'kube-proxy', `registry.k8s.io/kube-proxy:${sc.kubeletVersion}`);
      this.store.create('daemonsets.apps', ds, true);
      for (const n of this.nodes) this.store.create('pods', this.kubeProxyPod(n, ds.metadata.uid), true);
      this.store.create(
        'configmaps',
        {
          kind: 'ConfigMap',
          apiVersion: 'v1',
          metadata: this.meta('kube-proxy', 'kube-system', { labels: { app: 'kube-proxy' } }),
          data: {
            'config.conf':
              'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\n',
          },
        },
        true,
      );
    }
    for (const ns of ['default', 'kube-system'])
      this.store.create('serviceaccounts', this.saObject('default', ns), true);
  }

  private saObject(name: string, ns: string): KObj {
    return { kind: 'ServiceAccount', apiVersion: 'v1', metadata: this.meta(name, ns) };
  }

  private daemonSetObject(name: string, container: string, image: string): KObj {
    const n = this.nodes.length;
    const labels =
      name === 'cilium'
        ? { 'app.kubernetes.io/name': 'cilium-agent', 'app.kubernetes.io/part-of': 'cilium', 'k8s-app': 'cilium' }
        : { 'k8s-app': name };
    const ready = name === 'cilium' ? [...this.agents.values()].filter((a) => this.health(a) === 'running').length : n;
    return {
      kind: 'DaemonSet',
      apiVersion: 'apps/v1',
      metadata: this.meta(name, name === 'cilium' ? this.ns : 'kube-system', {
        generation: 1,
        labels,
        annotations: { 'deprecated.daemonset.template.generation': '1' },
      }),
      spec: {
        selector: { matchLabels: { 'k8s-app': name } },
        template: {
          metadata: { creationTimestamp: null, labels },
          spec: {
            containers: [
              {
                name: container,
                image,
                command: [name === 'cilium' ? 'cilium-agent' : '/usr/local/bin/kube-proxy'],
                args:
                  name === 'cilium'
                    ? ['--config-dir=/tmp/cilium/config-map']
                    : ['--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
                resources: {},
                terminationMessagePath: '/dev/termination-log',
                terminationMessagePolicy: 'File',
                imagePullPolicy: 'IfNotPresent',
                securityContext: name === 'cilium' ? this.containerSecurityContext() : { privileged: true },
              },
            ],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: name === 'cilium' ? 1 : 30,
            dnsPolicy: 'ClusterFirst',
            serviceAccountName: name === 'cilium' ? 'cilium' : 'kube-proxy',
            serviceAccount: name === 'cilium' ? 'cilium' : 'kube-proxy',
            hostNetwork: true,
            securityContext: {},
            schedulerName: 'default-scheduler',
            tolerations: [{ operator: 'Exists' }],
            priorityClassName: 'system-node-critical',
          },
        },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2, maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
      status: {
        currentNumberScheduled: n,
        numberMisscheduled: 0,
        desiredNumberScheduled: n,
        numberReady: ready,
        observedGeneration: 1,
        updatedNumberScheduled: n,
        numberAvailable: ready,
        ...(ready < n ? { numberUnavailable: n - ready } : {}),
      },
    };
  }

  health(st: AgentState): AgentHealth {
    if (has(st, 'agent-crashloop') || has(st, 'missing-capabilities')) return 'crashloop';
    const old = has(st, 'kernel-too-old');
    if (old?.crashloop) return 'crashloop';
    if (has(st, 'agent-not-ready')) return 'not-ready';
    return 'running';
  }

  restartsOf(st: AgentState): number {
    const c = has(st, 'agent-crashloop');
    if (c) return c.restarts;
    if (has(st, 'missing-capabilities') || has(st, 'kernel-too-old')?.crashloop) return 5;
    return has(st, 'agent-not-ready')?.restarts ?? 0;
  }

  private agentContainerStatus(
    pod: { name: string; uid: string },
    st: AgentState,
    phase: 'pending' | 'started',
    restarts: number,
  ): Record<string, unknown> {
    const image = `quay.io/cilium/cilium:v${this.scenario.cilium.version}`;
    const base = {
      name: 'cilium-agent',
      image,
      imageID: `quay.io/cilium/cilium@sha256:${'0'.repeat(64)}`,
    };
    if (phase === 'pending') {
      return {
        ...base,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
        ready: false,
        restartCount: 0,
        started: false,
      };
    }
    const containerID = `containerd://${this.prng.hex(64)}`;
    const h = this.health(st);
    if (h === 'crashloop') {
      const fin = new Date(Date.now() - 20_000);
      return {
        ...base,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off 5m0s restarting failed container=cilium-agent pod=${pod.name}_${this.ns}(${pod.uid})`,
          },
        },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: 'Error',
            startedAt: ts(new Date(fin.getTime() - 4000)),
            finishedAt: ts(fin),
            containerID,
          },
        },
        ready: false,
        restartCount: Math.max(restarts, 1),
        containerID,
        started: false,
      };
    }
    return {
      ...base,
      state: { running: { startedAt: ts(st.startedAt) } },
      lastState:
        restarts > 0
          ? {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                startedAt: ts(new Date(st.startedAt.getTime() - 60_000)),
                finishedAt: ts(new Date(st.startedAt.getTime() - 1000)),
                containerID: `containerd://${this.prng.hex(64)}`,
              },
            }
          : {},
      ready: h === 'running',
      restartCount: restarts,
      containerID,
      started: true,
    };
  }

  private podConditions(
    ready: boolean,
    scheduledAt: string,
    readyAt: string,
    initialized = true,
  ): Record<string, unknown>[] {
    const notReady = { reason: 'ContainersNotReady', message: 'containers with unready status: [cilium-agent]' };
    return [
      {
        type: 'Initialized',
        status: initialized ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: scheduledAt,
      },
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: readyAt,
        ...(ready ? {} : notReady),
      },
      {
        type: 'ContainersReady',
        status: ready ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: readyAt,
        ...(ready ? {} : notReady),
      },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: scheduledAt },
    ];
  }

  static readonly INIT_CONTAINERS = [
    'config',
    'mount-cgroup',
    'apply-sysctl-overwrites',
    'mount-bpf-fs',
    'clean-cilium-state',
    'install-cni-binaries',
  ];

  /** An agent pod on a node: `initial` (scenario state), `pending` (just recreated) or `started`. */
  private agentPod(n: NodeInfo, st: AgentState, mode: 'initial' | 'pending'): KObj {
    const name = `cilium-${this.prng.suffix()}`;
    const age = mode === 'initial' ? 3000 : 0;
    const created = mode === 'initial' ? this.ago(age) : ts(new Date());
    const meta = {
      name,
      namespace: this.ns,
      uid: this.prng.uuid(),
      resourceVersion: '0',
      creationTimestamp: created,
      labels: {
        'app.kubernetes.io/name': 'cilium-agent',
        'app.kubernetes.io/part-of': 'cilium',
        'controller-revision-hash': '6d8f9c7b5d',
        'k8s-app': 'cilium',
        'pod-template-generation': '1',
      },
      annotations: { 'kubectl.kubernetes.io/default-container': 'cilium-agent' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          name: 'cilium',
          uid: this.dsUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    };
    const vol = `kube-api-access-${this.prng.suffix()}`;
    const image = `quay.io/cilium/cilium:v${this.scenario.cilium.version}`;
    const container = (cname: string): Record<string, unknown> => ({
      name: cname,
      image,
      ...(cname === 'cilium-agent' ? { command: ['cilium-agent'], args: ['--config-dir=/tmp/cilium/config-map'] } : {}),
      resources: {},
      volumeMounts: [{ name: vol, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'FallbackToLogsOnError',
      imagePullPolicy: 'IfNotPresent',
      securityContext: this.containerSecurityContext(),
    });
    const pod: KObj = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: meta,
      spec: {
        volumes: [
          {
            name: vol,
            projected: {
              sources: [
                { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
                { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                {
                  downwardAPI: {
                    items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
                  },
                },
              ],
              defaultMode: 420,
            },
          },
        ],
        initContainers: Cluster.INIT_CONTAINERS.map(container),
        containers: [container('cilium-agent')],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 1,
        dnsPolicy: 'ClusterFirst',
        serviceAccountName: 'cilium',
        serviceAccount: 'cilium',
        nodeName: n.name,
        hostNetwork: true,
        securityContext: {},
        schedulerName: 'default-scheduler',
        tolerations: [{ operator: 'Exists' }],
        priorityClassName: 'system-node-critical',
        priority: 2000001000,
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
      },
      status: {},
    };
    if (mode === 'pending') {
      pod.status = {
        phase: 'Pending',
        conditions: this.podConditions(false, created, created),
        hostIP: n.internalIP,
        hostIPs: [{ ip: n.internalIP }],
        startTime: created,
        initContainerStatuses: this.initStatuses(image, created),
        containerStatuses: [this.agentContainerStatus({ name, uid: meta.uid }, st, 'pending', 0)],
        qosClass: 'BestEffort',
      };
    } else {
      this.setStarted(pod, st, this.restartsOf(st), created);
    }
    return pod;
  }

  private initStatuses(image: string, at: string): Record<string, unknown>[] {
    return Cluster.INIT_CONTAINERS.map((c) => ({
      name: c,
      state: {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt: at,
          finishedAt: at,
          containerID: `containerd://${this.prng.hex(64)}`,
        },
      },
      lastState: {},
      ready: true,
      restartCount: 0,
      image,
      imageID: `quay.io/cilium/cilium@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${this.prng.hex(64)}`,
      started: false,
    }));
  }

  private setStarted(pod: KObj, st: AgentState, restarts: number, created: string): void {
    const n = st.node;
    const h = this.health(st);
    const image = `quay.io/cilium/cilium:v${this.scenario.cilium.version}`;
    const readyAt = ts(st.startedAt);
    pod.status = {
      phase: 'Running',
      conditions: this.podConditions(h === 'running', created, readyAt),
      hostIP: n.internalIP,
      hostIPs: [{ ip: n.internalIP }],
      podIP: n.internalIP,
      podIPs: [{ ip: n.internalIP }],
      startTime: created,
      initContainerStatuses: this.initStatuses(image, created),
      containerStatuses: [
        this.agentContainerStatus({ name: pod.metadata.name, uid: pod.metadata.uid }, st, 'started', restarts),
      ],
      qosClass: 'BestEffort',
    };
  }

  private kubeProxyPod(n: NodeInfo, dsUid: string): KObj {
    const name = `kube-proxy-${this.prng.suffix()}`;
    const created = this.ago(3500);
    const image = `registry.k8s.io/kube-proxy:${this.scenario.kubeletVersion}`;
    return {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name,
        namespace: 'kube-system',
        uid: this.prng.uuid(),
        resourceVersion: '0',
        creationTimestamp: created,
        labels: { 'controller-revision-hash': '7c8d9f6b4', 'k8s-app': 'kube-proxy', 'pod-template-generation': '1' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            name: 'kube-proxy',
            uid: dsUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        containers: [
          {
            name: 'kube-proxy',
            image,
            command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'],
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: 'IfNotPresent',
            securityContext: { privileged: true },
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        serviceAccountName: 'kube-proxy',
        serviceAccount: 'kube-proxy',
        nodeName: n.name,
        hostNetwork: true,
        schedulerName: 'default-scheduler',
        tolerations: [{ operator: 'Exists' }],
        priorityClassName: 'system-node-critical',
        priority: 2000001000,
      },
      status: {
        phase: 'Running',
        conditions: this.podConditions(true, created, created).map((c) => ({
          ...c,
          reason: undefined,
          message: undefined,
        })),
        hostIP: n.internalIP,
        podIP: n.internalIP,
        podIPs: [{ ip: n.internalIP }],
        startTime: created,
        containerStatuses: [
          {
            name: 'kube-proxy',
            state: { running: { startedAt: created } },
            lastState: {},
            ready: true,
            restartCount: 0,
            image,
            imageID: `${image}@sha256:${'1'.repeat(64)}`,
            containerID: `containerd://${this.prng.hex(64)}`,
            started: true,
          },
        ],
        qosClass: 'BestEffort',
      },
    };
  }

  private buildServices(): void {
    const sc = this.scenario;
    // The apiserver's own Service; its endpoint is data only (documentation range).
    this.addService(
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
    ): { ip: string; ready: boolean; nodeName: string; podName: string }[] => {
      const out = [];
      const rs = this.prng.suffix(10).slice(0, 9);
      for (let b = 0; b < count + notReady; b++) {
        const node = this.nodes[this.prng.int(this.nodes.length)]!;
        const c = (podCounter.get(node.name) ?? 0) + 1;
        podCounter.set(node.name, c);
        const ip = `${node.podCidr.split('.').slice(0, 3).join('.')}.${10 + (c % 240)}`;
        const podName = `${svcName}-${rs}-${this.prng.suffix()}`;
        const ready = b < count;
        if (withPods)
          this.store.create('pods', this.backendPod(podName, ns, svcName, node, ip, ready, targetPort), true);
        out.push({ ip, ready, nodeName: node.name, podName });
      }
      return out;
    };
    for (const s of sc.services.explicit) {
      const clusterIP = s.clusterIP ?? nextIP();
      const tp = s.ports[0]!.targetPort ?? s.ports[0]!.port;
      this.addService({ ...s, clusterIP }, backendsFor(s.name, s.namespace, s.backends, s.notReadyBackends, tp), {
        app: s.name,
      });
    }
    const width = String(gen.count).length;
    for (let i = 1; i <= gen.count; i++) {
      const ns = gen.namespaces[(i - 1) % gen.namespaces.length]!;
      const name = `svc-${String(i).padStart(Math.max(width, 3), '0')}`;
      this.addService(
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
  }

  private backendPod(
    name: string,
    ns: string,
    app: string,
    node: NodeInfo,
    ip: string,
    ready: boolean,
    port: number,
  ): KObj {
    const created = this.ago(2400);
    return {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name,
        namespace: ns,
        uid: this.prng.uuid(),
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
        conditions: this.podConditions(ready, created, created).map((c) =>
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
            containerID: `containerd://${this.prng.hex(64)}`,
            started: true,
          },
        ],
        qosClass: 'BestEffort',
      },
    };
  }

  private addService(
    s: {
      name: string;
      namespace: string;
      type: string;
      clusterIP: string;
      ports: { name?: string; port: number; targetPort?: number; protocol: string; nodePort?: number }[];
    },
    backends: { ip: string; ready: boolean; nodeName?: string; podName?: string }[],
    selector: Record<string, string>,
  ): void {
    const isApi = s.name === 'kubernetes' && s.namespace === 'default';
    let npCounter = 30000 + (hash32(`${s.namespace}/${s.name}`) % 2000);
    const ports = s.ports.map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      protocol: p.protocol,
      port: p.port,
      targetPort: p.targetPort ?? p.port,
      ...(s.type !== 'ClusterIP' ? { nodePort: p.nodePort ?? npCounter++ } : {}),
    }));
    this.store.create(
      'services',
      {
        kind: 'Service',
        apiVersion: 'v1',
        metadata: this.meta(s.name, s.namespace, isApi ? { labels: selector } : {}),
        spec: {
          ports,
          ...(isApi ? {} : { selector }),
          clusterIP: s.clusterIP,
          clusterIPs: [s.clusterIP],
          type: s.type,
          sessionAffinity: 'None',
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          internalTrafficPolicy: 'Cluster',
          ...(s.type !== 'ClusterIP' ? { externalTrafficPolicy: 'Cluster' } : {}),
        },
        status: { loadBalancer: {} },
      },
      true,
    );
    this.store.create(
      'endpointslices.discovery.k8s.io',
      {
        kind: 'EndpointSlice',
        apiVersion: 'discovery.k8s.io/v1',
        metadata: this.meta(isApi ? 'kubernetes' : `${s.name}-${this.prng.suffix()}`, s.namespace, {
          generation: 1,
          labels: {
            'endpointslice.kubernetes.io/managed-by': isApi
              ? 'endpointslicemirroring-controller.k8s.io'
              : 'endpointslice-controller.k8s.io',
            'kubernetes.io/service-name': s.name,
          },
        }),
        addressType: 'IPv4',
        endpoints: backends.map((b) => ({
          addresses: [b.ip],
          conditions: { ready: b.ready, serving: b.ready, terminating: false },
          ...(b.podName ? { targetRef: { kind: 'Pod', namespace: s.namespace, name: b.podName } } : {}),
          ...(b.nodeName ? { nodeName: b.nodeName } : {}),
        })),
        ports: ports.map((p) => ({ name: p.name ?? '', protocol: p.protocol, port: p.targetPort })),
      },
      true,
    );
  }

  private buildEvents(): void {
    for (const st of this.agents.values()) {
      if (!st.podName) continue;
      const h = this.health(st);
      if (h === 'crashloop') {
        this.podEvent(
          st.podName,
          'Warning',
          'BackOff',
          'Back-off restarting failed container cilium-agent in pod ' + `${st.podName}_${this.ns}`,
          this.restartsOf(st) * 5,
        );
      } else if (h === 'not-ready') {
        this.podEvent(
          st.podName,
          'Warning',
          'Unhealthy',
          'Readiness probe failed: Get "http://127.0.0.1:9879/healthz": dial tcp 127.0.0.1:9879: connect: connection refused',
          12,
        );
      }
    }
  }

  podEvent(podName: string, type: string, reason: string, message: string, count = 1): void {
    const pod = this.store.get('pods', this.ns, podName);
    if (!pod) return;
    const node = (pod.spec as { nodeName?: string }).nodeName;
    const first = this.ago(600);
    const last = ts(new Date());
    this.store.create(
      'events',
      {
        kind: 'Event',
        apiVersion: 'v1',
        metadata: this.meta(`${podName}.${this.prng.hex(16)}`, this.ns, {}, 600),
        involvedObject: {
          kind: 'Pod',
          namespace: this.ns,
          name: podName,
          uid: pod.metadata.uid,
          apiVersion: 'v1',
          resourceVersion: pod.metadata.resourceVersion,
          fieldPath: 'spec.containers{cilium-agent}',
        },
        reason,
        message,
        source: { component: 'kubelet', host: node },
        firstTimestamp: first,
        lastTimestamp: last,
        count,
        type,
        eventTime: null,
        reportingComponent: 'kubelet',
        reportingInstance: node ?? '',
      },
      true,
    );
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * DELETE of a pod. Returns the object to answer with (200), or undefined when not found.
   * Graceful delete of a scheduled pod sets deletionTimestamp; the simulated kubelet then removes it.
   */
  deletePod(ns: string, name: string, gracePeriodSeconds: number | undefined, dryRun: boolean): KObj | undefined {
    const pod = this.store.get('pods', ns, name);
    if (!pod) return undefined;
    const spec = pod.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const now = Date.now();
    if (!spec.nodeName || gracePeriodSeconds === 0) {
      const copy = clone(pod);
      copy.metadata.deletionTimestamp = ts(new Date(now));
      copy.metadata.deletionGracePeriodSeconds = 0;
      if (dryRun) return copy;
      if (spec.nodeName) this.store.update('pods', copy);
      const gone = this.store.remove('pods', copy);
      this.afterPodGone(gone);
      return spec.nodeName ? gone : copy;
    }
    const grace = gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
    const deadline = new Date(now + grace * 1000);
    const cur = pod.metadata.deletionTimestamp ? Date.parse(pod.metadata.deletionTimestamp) : Infinity;
    if (deadline.getTime() >= cur) return pod; // repeated DELETE: same object, nothing changes
    const copy = clone(pod);
    copy.metadata.deletionTimestamp = ts(deadline);
    copy.metadata.deletionGracePeriodSeconds = grace;
    if (dryRun) return copy;
    const updated = this.store.update('pods', copy);
    const firstDelete = cur === Infinity;
    if (firstDelete) {
      this.later(this.scenario.timing.terminationMs, () => this.kubeletFinish(ns, name, updated.metadata.uid));
    }
    return updated;
  }

  /** The kubelet confirms termination: grace-0 update then removal (MODIFIED, DELETED). */
  private kubeletFinish(ns: string, name: string, uid: string): void {
    const pod = this.store.get('pods', ns, name);
    if (!pod || pod.metadata.uid !== uid) return;
    const copy = clone(pod);
    copy.metadata.deletionGracePeriodSeconds = 0;
    const st = copy.status as {
      phase?: string;
      conditions?: { type: string; status: string }[];
      containerStatuses?: Record<string, unknown>[];
    };
    st.conditions = st.conditions?.map((c) =>
      c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c,
    );
    st.containerStatuses = st.containerStatuses?.map((c) => ({
      ...c,
      ready: false,
      started: false,
      state: {
        terminated: { exitCode: 0, reason: 'Completed', startedAt: ts(this.startTime), finishedAt: ts(new Date()) },
      },
    }));
    this.store.update('pods', copy);
    const gone = this.store.remove('pods', copy);
    this.afterPodGone(gone);
  }

  /** DaemonSet controller: an agent pod that is gone is replaced on the same node. */
  private afterPodGone(pod: KObj): void {
    const owner = pod.metadata.ownerReferences?.[0] as { kind?: string; name?: string } | undefined;
    const nodeName = (pod.spec as { nodeName?: string }).nodeName;
    if (!owner || owner.kind !== 'DaemonSet' || !nodeName) return;
    if (owner.name === 'cilium') {
      const st = this.agents.get(nodeName);
      if (!st) return;
      // A restart clears the faults the scenario marks fixedByRestart.
      st.faults = st.faults.filter((f) => !f.fixedByRestart);
      st.startedAt = new Date();
      const fresh = this.agentPod(st.node, st, 'pending');
      st.podName = fresh.metadata.name;
      this.store.create('pods', fresh);
      this.refreshDaemonSetStatus();
      this.later(this.scenario.timing.agentStartMs, () => this.agentStarted(fresh.metadata.name, nodeName));
    } else if (owner.name === 'kube-proxy') {
      const ds = this.store.get('daemonsets.apps', 'kube-system', 'kube-proxy');
      const node = this.nodes.find((n) => n.name === nodeName);
      if (ds && node) this.store.create('pods', this.kubeProxyPod(node, ds.metadata.uid));
    }
  }

  private agentStarted(podName: string, nodeName: string): void {
    const pod = this.store.get('pods', this.ns, podName);
    const st = this.agents.get(nodeName);
    if (!pod || !st || pod.metadata.deletionTimestamp) return;
    st.startedAt = new Date();
    const copy = clone(pod);
    const restarts = this.health(st) === 'crashloop' ? 1 : 0;
    this.setStarted(copy, st, restarts, pod.metadata.creationTimestamp);
    this.store.update('pods', copy);
    this.refreshDaemonSetStatus();
  }

  private refreshDaemonSetStatus(): void {
    const ds = this.store.get('daemonsets.apps', this.ns, 'cilium');
    if (!ds) return;
    const pods = this.store.list('pods', this.ns).filter((p) => p.metadata.labels?.['k8s-app'] === 'cilium');
    const ready = pods.filter((p) =>
      ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ),
    ).length;
    const copy = clone(ds);
    const n = this.nodes.length;
    const status: Record<string, unknown> = {
      currentNumberScheduled: pods.length,
      numberMisscheduled: 0,
      desiredNumberScheduled: n,
      numberReady: ready,
      observedGeneration: 1,
      updatedNumberScheduled: pods.length,
      numberAvailable: ready,
    };
    if (ready < n) status.numberUnavailable = n - ready;
    copy.status = status;
    this.store.update('daemonsets.apps', copy);
  }

  /** The node an agent pod runs on, or undefined for other pods. */
  agentFor(pod: KObj): AgentState | undefined {
    if (pod.metadata.labels?.['k8s-app'] !== 'cilium') return undefined;
    const node = (pod.spec as { nodeName?: string }).nodeName;
    return node ? this.agents.get(node) : undefined;
  }

  // ---------------------------------------------------------------- agent view

  /** eBPF programs currently loaded on a node (none when the agent is down or faulted). */
  programs(st: AgentState): (BpfProgram & {
    bytesXlated: number;
    bytesJited: number;
    bytesMemlock: number;
    btfId: number;
    mapIds: number[];
  })[] {
    if (this.health(st) === 'crashloop') return [];
    if (has(st, 'kernel-too-old')) return [];
    const missing = has(st, 'bpf-programs-not-loaded');
    const minor = this.scenario.minor;
    const names =
      minor >= 13
        ? [
            ['sched_cls', 'cil_from_netdev'],
            ['sched_cls', 'cil_to_netdev'],
            ['sched_cls', 'cil_from_host'],
            ['sched_cls', 'cil_to_host'],
            ['sched_cls', 'cil_from_overlay'],
            ['sched_cls', 'cil_to_overlay'],
            ['cgroup_sock_addr', 'cil_sock4_connect'],
            ['cgroup_sock_addr', 'cil_sock4_sendmsg'],
            ['cgroup_sock_addr', 'cil_sock4_recvmsg'],
            ['cgroup_sock_addr', 'cil_sock4_getpeername'],
            ['sched_cls', 'cil_from_container'],
            ['sched_cls', 'cil_to_container'],
            ['sched_cls', 'cil_from_container'],
            ['sched_cls', 'cil_to_container'],
          ]
        : [
            ['sched_cls', 'from_netdev'],
            ['sched_cls', 'to_netdev'],
            ['sched_cls', 'from_host'],
            ['sched_cls', 'to_host'],
            ['sched_cls', 'from_overlay'],
            ['sched_cls', 'to_overlay'],
            ['cgroup_sock_addr', 'sock4_connect'],
            ['cgroup_sock_addr', 'sock4_sendmsg'],
            ['cgroup_sock_addr', 'sock4_recvmsg'],
            ['cgroup_sock_addr', 'sock4_getpeername'],
            ['sched_cls', 'handle_xgress'],
            ['sched_cls', 'handle_to_container'],
            ['sched_cls', 'handle_xgress'],
            ['sched_cls', 'handle_to_container'],
          ];
    const rng = new Prng(hash32(`${st.node.name}/${st.startedAt.getTime()}`));
    const base = 60 + rng.int(3000);
    const loadedAt = new Date(st.startedAt.getTime() + 2000).toISOString().replace(/\.\d{3}Z$/, '+0000');
    const out = [];
    let id = base;
    for (const [type, name] of names) {
      id += 1 + rng.int(4);
      if (missing && (!missing.programs || missing.programs.includes(name!))) continue;
      const x = 8 * (200 + rng.int(3000));
      out.push({
        id,
        type: type!,
        name: name!,
        tag: rng.hex(16),
        loadedAt,
        uid: 0,
        bytesXlated: x,
        bytesJited: Math.floor(x * 0.6),
        bytesMemlock: 4096 * (1 + Math.floor(x / 4096)),
        btfId: 100 + rng.int(400),
        mapIds: [10 + rng.int(50), 60 + rng.int(50), 120 + rng.int(50)],
      });
    }
    return out;
  }

  bpffsMounted(st: AgentState): boolean {
    return !has(st, 'bpffs-not-mounted');
  }

  execHangs(st: AgentState, argv: string[]): boolean {
    const f = has(st, 'exec-hangs');
    if (!f) return false;
    if (!f.commands) return true;
    const cmd = argv.join(' ');
    return f.commands.some((c) => cmd.startsWith(c));
  }

  recordedOutput(st: AgentState, argv: string[]): Extract<ResolvedFault, { kind: 'recorded-output' }> | undefined {
    const cmd = argv.join(' ');
    return st.faults.find((f) => f.kind === 'recorded-output' && f.command === cmd) as
      Extract<ResolvedFault, { kind: 'recorded-output' }> | undefined;
  }

  private slices(): Map<string, KObj[]> {
    if (this.sliceIndex) return this.sliceIndex;
    const idx = new Map<string, KObj[]>();
    for (const s of this.store.list('endpointslices.discovery.k8s.io')) {
      const svc = s.metadata.labels?.['kubernetes.io/service-name'];
      if (!svc) continue;
      const k = `${s.metadata.namespace}/${svc}`;
      const arr = idx.get(k);
      if (arr) arr.push(s);
      else idx.set(k, [s]);
    }
    this.sliceIndex = idx;
    return idx;
  }

  private serviceId(key: string): number {
    let id = this.svcIds.get(key);
    if (id === undefined) {
      id = this.nextSvcId++;
      this.svcIds.set(key, id);
    }
    return id;
  }

  /** The agent's load-balancer map on a node, generated on the fly from Services and EndpointSlices plus drift. */
  *serviceMap(st: AgentState): Generator<LbService> {
    const drift = st.faults.filter((f) => f.kind === 'service-map-drift') as Extract<
      ResolvedFault,
      { kind: 'service-map-drift' }
    >[];
    const missing = new Set(drift.flatMap((d) => d.missingFrontends));
    const wrong = new Map(drift.flatMap((d) => d.wrongBackends.map((w) => [w.service, w.backends] as const)));
    const dropped = new Map(drift.flatMap((d) => d.missingBackends.map((m) => [m.service, m.count] as const)));
    const extra = new Map(drift.flatMap((d) => d.extraBackends.map((m) => [m.service, m.backends] as const)));
    const slices = this.slices();
    const rows: LbService[] = [];
    for (const svc of this.store.list('services')) {
      const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
      if (missing.has(key)) continue;
      const spec = svc.spec as {
        clusterIP?: string;
        type?: string;
        ports?: { name?: string; port: number; protocol: string; nodePort?: number; targetPort?: number | string }[];
      };
      if (!spec.clusterIP || spec.clusterIP === 'None') continue;
      for (const port of spec.ports ?? []) {
        let backends: LbBackend[] = [];
        for (const sl of slices.get(key) ?? []) {
          const slPorts = (sl.ports as { name: string; port: number; protocol: string }[]) ?? [];
          const sp = slPorts.find((p) => (p.name ?? '') === (port.name ?? '')) ?? slPorts[0];
          if (!sp) continue;
          for (const ep of (sl.endpoints as {
            addresses: string[];
            conditions: { ready?: boolean; terminating?: boolean };
            nodeName?: string;
          }[]) ?? []) {
            if (ep.conditions.ready === false && !ep.conditions.terminating) continue;
            backends.push({
              ip: ep.addresses[0]!,
              port: sp.port,
              protocol: port.protocol,
              state: ep.conditions.terminating ? 'terminating' : 'active',
              ...(ep.nodeName ? { nodeName: ep.nodeName } : {}),
            });
          }
        }
        const w = wrong.get(key);
        if (w) backends = w.map((b) => ({ ip: b.ip, port: b.port, protocol: b.protocol, state: 'active' }));
        if (dropped.has(key)) {
          const c = dropped.get(key);
          backends = c === undefined ? [] : backends.slice(0, Math.max(0, backends.length - c));
        }
        const ex = extra.get(key);
        if (ex)
          backends.push(...ex.map((b) => ({ ip: b.ip, port: b.port, protocol: b.protocol, state: 'active' as const })));
        const base = { name: svc.metadata.name, namespace: svc.metadata.namespace };
        rows.push({
          id: this.serviceId(`${key}/${port.port}/${port.protocol}/cip`),
          frontend: { ip: spec.clusterIP, port: port.port, protocol: port.protocol },
          type: 'ClusterIP',
          backends,
          ...base,
        });
        if (port.nodePort && spec.type !== 'ClusterIP') {
          rows.push({
            id: this.serviceId(`${key}/${port.nodePort}/${st.node.name}/np`),
            frontend: { ip: st.node.internalIP, port: port.nodePort, protocol: port.protocol },
            type: 'NodePort',
            backends,
            ...base,
          });
          rows.push({
            id: this.serviceId(`${key}/${port.nodePort}/any/np`),
            frontend: { ip: '0.0.0.0', port: port.nodePort, protocol: port.protocol },
            type: 'NodePort',
            backends,
            ...base,
          });
        }
        if (rows.length >= 256) {
          yield* rows;
          rows.length = 0;
        }
      }
    }
    yield* rows;
    let staleId = 100000;
    for (const d of drift) {
      for (const s of d.staleFrontends) {
        yield {
          id: staleId++,
          frontend: { ip: s.ip, port: s.port, protocol: s.protocol },
          type: s.type,
          backends: s.backends.map((b) => ({ ip: b.ip, port: b.port, protocol: b.protocol, state: 'active' as const })),
        };
      }
    }
  }
}
