// The Cilium install (cilium-config, the cilium DaemonSet and its pods) and, when the scenario asks,
// kube-proxy beside it.
import type { KObj } from '../store.js';
import { agentPod, containerSecurityContext, INIT_CONTAINERS, podConditions } from './agent-pods.js';
import type { Cluster, NodeInfo } from './index.js';

export function buildCilium(cl: Cluster): void {
  const sc = cl.scenario;
  if (sc.cilium.installed) {
    cl.store.create(
      'configmaps',
      {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        // labels/annotations as a Helm install leaves them (scenario cilium.configMetadata)
        metadata: cl.meta('cilium-config', cl.ns, { ...sc.cilium.configMetadata }),
        data: cl.ciliumConfigData(),
      },
      true,
    );
    cl.store.create('serviceaccounts', saObject(cl, 'cilium', cl.ns), true);
    const ds = daemonSetObject(cl, 'cilium', 'cilium-agent', `quay.io/cilium/cilium:v${sc.cilium.version}`);
    cl.dsUid = ds.metadata.uid;
    cl.store.create('daemonsets.apps', ds, true);
    for (const n of cl.nodes) {
      const st = cl.agents.get(n.name)!;
      const pod = agentPod(cl, n, st, 'initial');
      st.podName = pod.metadata.name;
      cl.store.create('pods', pod, true);
    }
  }
  if (sc.kubeProxy) {
    const ds = daemonSetObject(cl, 'kube-proxy', 'kube-proxy', `registry.k8s.io/kube-proxy:${sc.kubeletVersion}`);
    cl.store.create('daemonsets.apps', ds, true);
    for (const n of cl.nodes) cl.store.create('pods', kubeProxyPod(cl, n, ds.metadata.uid), true);
    cl.store.create(
      'configmaps',
      {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: cl.meta('kube-proxy', 'kube-system', { labels: { app: 'kube-proxy' } }),
        data: {
          'config.conf': `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ${sc.datapath.kubeProxyMode || '""'}\n`,
        },
      },
      true,
    );
  }
  for (const ns of ['default', 'kube-system']) cl.store.create('serviceaccounts', saObject(cl, 'default', ns), true);
}

export function saObject(cl: Cluster, name: string, ns: string): KObj {
  return { kind: 'ServiceAccount', apiVersion: 'v1', metadata: cl.meta(name, ns) };
}

export function daemonSetObject(cl: Cluster, name: string, container: string, image: string): KObj {
  const n = cl.nodes.length;
  const labels =
    name === 'cilium'
      ? { 'app.kubernetes.io/name': 'cilium-agent', 'app.kubernetes.io/part-of': 'cilium', 'k8s-app': 'cilium' }
      : { 'k8s-app': name };
  const ready = name === 'cilium' ? [...cl.agents.values()].filter((a) => cl.health(a) === 'running').length : n;
  return {
    kind: 'DaemonSet',
    apiVersion: 'apps/v1',
    metadata: cl.meta(name, name === 'cilium' ? cl.ns : 'kube-system', {
      generation: 1,
      labels,
      annotations: { 'deprecated.daemonset.template.generation': '1' },
    }),
    spec: {
      selector: { matchLabels: { 'k8s-app': name } },
      template: {
        metadata: { creationTimestamp: null, labels },
        spec: {
          // the agent pods' init containers come from here (the pods list them; so must the template)
          ...(name === 'cilium'
            ? {
                initContainers: INIT_CONTAINERS.map((c) => ({
                  name: c,
                  image,
                  resources: {},
                  terminationMessagePath: '/dev/termination-log',
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                  imagePullPolicy: 'IfNotPresent',
                  securityContext: containerSecurityContext(cl),
                })),
              }
            : {}),
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
              securityContext: name === 'cilium' ? containerSecurityContext(cl) : { privileged: true },
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

export function kubeProxyPod(cl: Cluster, n: NodeInfo, dsUid: string): KObj {
  const name = `kube-proxy-${cl.prng.suffix()}`;
  const created = cl.ago(3500);
  const image = `registry.k8s.io/kube-proxy:${cl.scenario.kubeletVersion}`;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace: 'kube-system',
      uid: cl.prng.uuid(),
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
      conditions: podConditions(cl, true, created, created).map((c) => ({
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
          containerID: `containerd://${cl.prng.hex(64)}`,
          started: true,
        },
      ],
      qosClass: 'BestEffort',
    },
  };
}
