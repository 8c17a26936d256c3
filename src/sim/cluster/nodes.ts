// Nodes: their addresses (loopback for InternalIP, as in the recordings) and their Node objects.
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
