// Nodes: their addresses (loopback for InternalIP, as in the recordings) and their Node objects.
import { createHash } from 'node:crypto';
import type { KObj } from '../store.js';
import type { Cluster, NodeInfo } from './index.js';

export function nodeIP(i: number): string {
  // node-1 → 127.0.0.11 as in the recordings; beyond 240 nodes, further 127.0.x.0/24 blocks.
  const j = i - 1;
  return `127.0.${Math.floor(j / 240)}.${11 + (j % 240)}`;
}

export function podCidr(i: number): string {
  return `10.${i >> 8}.${i & 255}.0/24`;
}

/** The IPv6 pod CIDR of node i on a dual-stack cluster (ULA, data only: never dialled). */
export function podCidrV6(i: number): string {
  return `fd00:10:244:${i.toString(16)}::/64`;
}

/** The IPv6 InternalIP of node i on a dual-stack cluster (data only). */
export function nodeIPv6(i: number): string {
  return `fd00:172:18::${(10 + i).toString(16)}`;
}

/** A time as the API server writes it (RFC3339, seconds). */
export function ts(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nodeObject(c: Cluster, n: NodeInfo): KObj {
  const sc = c.scenario;
  const t = c.ago(7200);
  // the kubelet posted its status moments before the simulator started (heartbeat() keeps it fresh)
  const beat = c.ago(20);
  return {
    kind: 'Node',
    apiVersion: 'v1',
    metadata: c.meta(
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
    spec: { podCIDR: n.podCidr, podCIDRs: sc.nodes.dualStack ? [n.podCidr, podCidrV6(n.index)] : [n.podCidr] },
    status: {
      capacity: { cpu: '4', 'ephemeral-storage': '101430960Ki', memory: '16365604Ki', pods: '110' },
      allocatable: { cpu: '4', 'ephemeral-storage': '93478772582', memory: '16263204Ki', pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          lastHeartbeatTime: beat,
          lastTransitionTime: t,
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
        {
          type: 'MemoryPressure',
          status: 'False',
          lastHeartbeatTime: beat,
          lastTransitionTime: t,
          reason: 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available',
        },
      ],
      addresses: [
        { type: 'InternalIP', address: n.internalIP },
        ...(sc.nodes.dualStack ? [{ type: 'InternalIP', address: nodeIPv6(n.index) }] : []),
        { type: 'Hostname', address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: c.prng.hex(32),
        systemUUID: c.prng.uuid(),
        bootID: c.prng.uuid(),
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

// The kubelet's heartbeats (kubelet nodelease controller and node status loop): each node's Lease in
// kube-node-lease, held by the node, leaseDurationSeconds 40 and renewed every 10 s (0.25 of it); the Node
// conditions' lastHeartbeatTime, posted every 5 minutes when nothing changes (nodeStatusReportFrequency).
// Renewed when read rather than on a timer, so 1,000 idle nodes cost nothing; each renewal is a real
// update (new resourceVersion, a MODIFIED event).
export const NODE_LEASE_NS = 'kube-node-lease';
const LEASE_DURATION_S = 40;
const LEASE_RENEW_MS = 10_000;
const STATUS_REPORT_MS = 300_000;

function derivedUid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A metav1.MicroTime as the API server writes it (RFC3339, microseconds). */
export function microTs(d: Date): string {
  return d.toISOString().replace(/Z$/, '000Z');
}

export function leaseObject(c: Cluster, n: NodeInfo, nodeUid: string): KObj {
  return {
    kind: 'Lease',
    apiVersion: 'coordination.k8s.io/v1',
    // uid derived from the Node's, not drawn from the scenario's PRNG: adding Leases moves no other name
    metadata: {
      name: n.name,
      namespace: NODE_LEASE_NS,
      uid: derivedUid(`lease/${nodeUid}`),
      resourceVersion: '0',
      creationTimestamp: c.ago(7200),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: n.name, uid: nodeUid }],
    },
    spec: {
      holderIdentity: n.name,
      leaseDurationSeconds: LEASE_DURATION_S,
      renewTime: microTs(new Date(c.startTime.getTime() - 3000)),
    },
  };
}

/** Renew what a live kubelet would have renewed by now: Leases older than 10 s, heartbeats older than 5 min. */
export function heartbeat(c: Cluster, now = new Date()): void {
  for (const n of c.nodes) {
    const lease = c.store.get('leases.coordination.k8s.io', NODE_LEASE_NS, n.name);
    const renew = (lease?.spec as { renewTime?: string } | undefined)?.renewTime;
    if (lease && (!renew || now.getTime() - Date.parse(renew) >= LEASE_RENEW_MS)) {
      const next = structuredClone(lease);
      (next.spec as { renewTime: string }).renewTime = microTs(now);
      c.store.update('leases.coordination.k8s.io', next);
    }
    const node = c.store.get('nodes', undefined, n.name);
    const conds = (node?.status as { conditions?: { lastHeartbeatTime?: string }[] } | undefined)?.conditions;
    const last = conds?.[0]?.lastHeartbeatTime;
    if (node && conds && (!last || now.getTime() - Date.parse(last) >= STATUS_REPORT_MS)) {
      const next = structuredClone(node);
      for (const cond of (next.status as { conditions: { lastHeartbeatTime?: string }[] }).conditions)
        cond.lastHeartbeatTime = ts(now);
      c.store.update('nodes', next);
    }
  }
}
