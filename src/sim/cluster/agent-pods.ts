// Cilium agent pods as a DaemonSet creates them and as the kubelet reports them: initial (the scenario's
// state), pending (just recreated) or started; their container statuses follow the node's faults.
import type { KObj } from '../store.js';
import type { AgentState, Cluster, NodeInfo } from './index.js';
import { ts } from './nodes.js';

export const INIT_CONTAINERS = [
  'config',
  'mount-cgroup',
  'apply-sysctl-overwrites',
  'mount-bpf-fs',
  'clean-cilium-state',
  'install-cni-binaries',
];

export function agentContainerStatus(
  cl: Cluster,
  pod: { name: string; uid: string },
  st: AgentState,
  phase: 'pending' | 'started',
  restarts: number,
): Record<string, unknown> {
  const image = `quay.io/cilium/cilium:v${cl.scenario.cilium.version}`;
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
  const containerID = `containerd://${cl.prng.hex(64)}`;
  const h = cl.health(st);
  if (h === 'crashloop') {
    const fin = new Date(Date.now() - 20_000);
    return {
      ...base,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off 5m0s restarting failed container=cilium-agent pod=${pod.name}_${cl.ns}(${pod.uid})`,
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
              containerID: `containerd://${cl.prng.hex(64)}`,
            },
          }
        : {},
    ready: h === 'running',
    restartCount: restarts,
    containerID,
    started: true,
  };
}

export function podConditions(
  cl: Cluster,
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

/** The agent container's securityContext: the scenario's capabilities, or privileged. */
export function containerSecurityContext(cl: Cluster): Record<string, unknown> {
  const caps = cl.scenario.cilium.capabilities;
  if (!caps) return { privileged: true };
  return { capabilities: { add: caps, drop: ['ALL'] }, seLinuxOptions: { level: 's0', type: 'spc_t' } };
}

/** An agent pod on a node: `initial` (scenario state), `pending` (just recreated) or `started`. */
export function agentPod(cl: Cluster, n: NodeInfo, st: AgentState, mode: 'initial' | 'pending'): KObj {
  const name = `cilium-${cl.prng.suffix()}`;
  const age = mode === 'initial' ? 3000 : 0;
  const created = mode === 'initial' ? cl.ago(age) : ts(new Date());
  const meta = {
    name,
    namespace: cl.ns,
    uid: cl.prng.uuid(),
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
        uid: cl.dsUid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
  const vol = `kube-api-access-${cl.prng.suffix()}`;
  const image = `quay.io/cilium/cilium:v${cl.scenario.cilium.version}`;
  const container = (cname: string): Record<string, unknown> => ({
    name: cname,
    image,
    ...(cname === 'cilium-agent' ? { command: ['cilium-agent'], args: ['--config-dir=/tmp/cilium/config-map'] } : {}),
    resources: {},
    volumeMounts: [{ name: vol, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'FallbackToLogsOnError',
    imagePullPolicy: 'IfNotPresent',
    securityContext: containerSecurityContext(cl),
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
      initContainers: INIT_CONTAINERS.map(container),
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
  if (mode === 'pending') followTemplate(cl, pod);
  if (mode === 'pending') {
    pod.status = {
      phase: 'Pending',
      conditions: podConditions(cl, false, created, created),
      hostIP: n.internalIP,
      hostIPs: [{ ip: n.internalIP }],
      startTime: created,
      initContainerStatuses: initStatuses(cl, image, created),
      containerStatuses: [agentContainerStatus(cl, { name, uid: meta.uid }, st, 'pending', 0)],
      qosClass: 'BestEffort',
    };
  } else {
    setStarted(cl, pod, st, cl.restartsOf(st), created);
  }
  return pod;
}

export function initStatuses(cl: Cluster, image: string, at: string): Record<string, unknown>[] {
  return INIT_CONTAINERS.map((c) => ({
    name: c,
    state: {
      terminated: {
        exitCode: 0,
        reason: 'Completed',
        startedAt: at,
        finishedAt: at,
        containerID: `containerd://${cl.prng.hex(64)}`,
      },
    },
    lastState: {},
    ready: true,
    restartCount: 0,
    image,
    imageID: `quay.io/cilium/cilium@sha256:${'0'.repeat(64)}`,
    containerID: `containerd://${cl.prng.hex(64)}`,
    started: false,
  }));
}

export function setStarted(cl: Cluster, pod: KObj, st: AgentState, restarts: number, created: string): void {
  const n = st.node;
  const h = cl.health(st);
  const image = `quay.io/cilium/cilium:v${cl.scenario.cilium.version}`;
  const readyAt = ts(st.startedAt);
  pod.status = {
    phase: 'Running',
    conditions: podConditions(cl, h === 'running', created, readyAt),
    hostIP: n.internalIP,
    hostIPs: [{ ip: n.internalIP }],
    podIP: n.internalIP,
    podIPs: [{ ip: n.internalIP }],
    startTime: created,
    initContainerStatuses: initStatuses(cl, image, created),
    containerStatuses: [
      agentContainerStatus(cl, { name: pod.metadata.name, uid: pod.metadata.uid }, st, 'started', restarts),
    ],
    qosClass: 'BestEffort',
  };
}

/**
 * A pod the DaemonSet controller creates now carries the DaemonSet's current template: its generation
 * (pod-template-generation), its annotations (kubectl rollout restart's restartedAt) and container images
 * (kubectl set image).
 */
function followTemplate(cl: Cluster, pod: KObj): void {
  const ds = cl.store.get('daemonsets.apps', cl.ns, 'cilium');
  if (!ds) return;
  const tpl = (
    ds.spec as { template?: { metadata?: { annotations?: Record<string, string> }; spec?: Record<string, unknown> } }
  ).template;
  pod.metadata.labels = { ...pod.metadata.labels, 'pod-template-generation': String(ds.metadata.generation ?? 1) };
  pod.metadata.annotations = { ...pod.metadata.annotations, ...tpl?.metadata?.annotations };
  const spec = pod.spec as Record<string, { name: string; image?: string }[]>;
  for (const field of ['initContainers', 'containers']) {
    const want = (tpl?.spec?.[field] as { name: string; image?: string }[] | undefined) ?? [];
    for (const c of spec[field] ?? []) {
      const t = want.find((w) => w.name === c.name);
      if (t?.image) c.image = t.image;
    }
  }
}
