// Workload pods the faults place on their nodes (the client of a `--from` run: a hostNetwork pod, a pod
// with a service-mesh sidecar). Shaped like the backend pods (services.ts); a hostNetwork pod has the
// node's IP, a pod-network one an address at the top of the node's pod CIDR, clear of the backends'.
import { faultDef } from '../faults/index.js';
import { podConditions } from './agent-pods.js';
import type { Cluster } from './index.js';

export function buildFaultPods(cl: Cluster): void {
  for (const [node, agent] of cl.agents) {
    let n = 0;
    for (const f of agent.faults) {
      for (const p of faultDef(f.kind).pods?.(f, node) ?? []) {
        const ip = p.hostNetwork ? agent.node.internalIP : agent.node.podCidr.replace(/\.0\/24$/, `.${250 - n++}`);
        const created = cl.ago(1800);
        const status = (c: { name: string; image: string }) => ({
          name: c.name,
          state: { running: { startedAt: created } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: c.image,
          imageID: '',
          containerID: `containerd://${cl.prng.hex(64)}`,
          started: true,
        });
        cl.store.create(
          'pods',
          {
            kind: 'Pod',
            apiVersion: 'v1',
            metadata: cl.meta(p.name, p.namespace, { labels: p.labels }, 1800),
            spec: {
              ...(p.initContainers ? { initContainers: p.initContainers.map((c) => ({ ...c, resources: {} })) } : {}),
              containers: p.containers.map((c) => ({ ...c, resources: {} })),
              restartPolicy: 'Always',
              dnsPolicy: p.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
              ...(p.hostNetwork ? { hostNetwork: true } : {}),
              nodeName: node,
              schedulerName: 'default-scheduler',
            },
            status: {
              phase: 'Running',
              conditions: podConditions(cl, true, created, created),
              hostIP: agent.node.internalIP,
              podIP: ip,
              podIPs: [{ ip }],
              startTime: created,
              ...(p.initContainers
                ? {
                    initContainerStatuses: p.initContainers.map((c) => ({
                      ...status(c),
                      state: {
                        terminated: { exitCode: 0, reason: 'Completed', startedAt: created, finishedAt: created },
                      },
                      ready: true,
                      started: false,
                    })),
                  }
                : {}),
              containerStatuses: p.containers.map(status),
              qosClass: 'BestEffort',
            },
          },
          true,
        );
      }
    }
  }
}
