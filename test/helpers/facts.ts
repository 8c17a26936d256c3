// Facts for check/engine tests, the in-process counterpart of a simulator scenario: Cilium-side facts parsed from real recorded outputs
// (/work/shared/fixtures/cilium, override with KDIAG_FIXTURES) with the src/cilium parsers,
// plus small hand-written Kubernetes-side facts.
import {
  failed,
  got,
  type AgentPodFact,
  type Facts,
  type Gathered,
  type NodeFact,
  type ServiceFact,
  type LogFact,
} from '../../src/model/facts.js';
import { parseLogLine } from '../../src/cilium/formats/log.js';
import { parseBpftoolProgJson, parseBpftoolProgText, renderBpftoolProgText } from '../../src/cilium/formats/bpftool.js';
import { parseServiceListJson, parseServiceListText } from '../../src/cilium/formats/service-list.js';
import { parseCiliumStatus } from '../../src/cilium/formats/status.js';
import { readCiliumConfig } from '../../src/cilium/config.js';
import { requiredPrograms } from '../../src/cilium/programs.js';
import type { BpfProgram, LbService } from '../../src/cilium/types.js';
import type { Finding } from '../../src/model/check.js';

export { fixture } from '../cilium/fixtures.js';
import { fixture } from '../cilium/fixtures.js';

export const logsFrom = (name: string): LogFact => {
  const lines = fixture(name)
    .split('\n')
    .filter((l) => l.trim());
  return { records: lines.map(parseLogLine), lines: lines.length, previous: false };
};
export const programsText = (name: string): BpfProgram[] => parseBpftoolProgText(fixture(name));
export const programsJson = (name: string): BpfProgram[] => parseBpftoolProgJson(fixture(name));
export const serviceListText = (name: string): LbService[] => parseServiceListText(fixture(name));
export const serviceListJson = (name: string): LbService[] => parseServiceListJson(fixture(name));
export const statusFrom = (name: string) => parseCiliumStatus(fixture(name));

/** cilium-config data of the recorded 1.12.9 ConfigMap (kube-proxy-replacement: strict, tunnel: vxlan). */
export function configFrom(name = 'cilium-config.v1.12.9.data.yaml'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fixture(name).split('\n')) {
    const m = /^ {2}([A-Za-z0-9-]+): (.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/** A full, healthy program listing in the real bpftool text format for a config (render -> parse). */
export function healthyPrograms(config: Record<string, string>, minor: number): BpfProgram[] {
  const progs: BpfProgram[] = requiredPrograms(readCiliumConfig(config), minor).map((p, i) => ({
    id: 100 + i,
    type: p.type,
    // what the kernel keeps without BTF
    name: p.name.slice(0, 15),
    tag: '59f4a931744dcdc6',
    loadedAt: '2026-11-25T17:44:38+0000',
    uid: 0,
  }));
  return parseBpftoolProgText(renderBpftoolProgText(progs));
}

export const node = (name: string, kernelVersion = '5.15.0-126-generic', extra: Partial<NodeFact> = {}): NodeFact => ({
  name,
  kernelVersion,
  ready: true,
  schedulable: true,
  taints: [],
  ...extra,
});

export const agent = (nodeName: string, podName: string, extra: Partial<AgentPodFact> = {}): AgentPodFact => ({
  namespace: 'kube-system',
  name: podName,
  node: nodeName,
  phase: 'Running',
  ready: true,
  deleting: false,
  agent: { running: true, ready: true, restartCount: 0 },
  ownerDaemonSet: 'cilium',
  ...extra,
});

/** Services matching service-list.v1.20-dev.cilium-dbg.text.txt (kind cluster). */
export function kindServices(): ServiceFact[] {
  const ep = (ip: string, port: number, protocol: string, portName?: string) => ({
    ip,
    port,
    protocol,
    portName,
    ready: true,
    serving: true,
    terminating: false,
  });
  return [
    {
      namespace: 'default',
      name: 'kubernetes',
      type: 'ClusterIP',
      clusterIPs: ['10.96.0.1'],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      externalIPs: [],
      loadBalancerIPs: [],
      headless: false,
      endpoints: [ep('172.19.0.2', 6443, 'TCP', 'https')],
    },
    {
      namespace: 'kube-system',
      name: 'kube-dns',
      type: 'ClusterIP',
      clusterIPs: ['10.96.0.10'],
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
      externalIPs: [],
      loadBalancerIPs: [],
      headless: false,
      endpoints: ['10.244.1.69', '10.244.1.109'].flatMap((ip) => [
        ep(ip, 53, 'UDP', 'dns'),
        ep(ip, 53, 'TCP', 'dns-tcp'),
        ep(ip, 9153, 'TCP', 'metrics'),
      ]),
    },
  ];
}

export const KPR_TRUE_CONFIG: Record<string, string> = {
  'kube-proxy-replacement': 'true',
  'routing-mode': 'tunnel',
  'tunnel-protocol': 'vxlan',
  'enable-ipv4': 'true',
  'enable-ipv6': 'false',
};

/** A healthy two-node Cilium 1.16.5 cluster; override any fact. */
export function healthyFacts(over: Partial<Facts> = {}): Facts {
  const config = KPR_TRUE_CONFIG;
  const progs = healthyPrograms(config, 16);
  const nodes = ['node-a', 'node-b'];
  const pods = new Map([
    ['node-a', agent('node-a', 'cilium-abcde')],
    ['node-b', agent('node-b', 'cilium-fghij')],
  ]);
  const kindMap = serviceListText('service-list.v1.20-dev.cilium-dbg.text.txt').filter((s) =>
    ['10.96.0.1', '10.96.0.10'].includes(s.frontend.ip),
  );
  const status = statusFrom('status.v1.18.1.kind.grep-kpr-true-routing.txt');
  return {
    cilium: got({
      namespace: 'kube-system',
      daemonSet: 'cilium',
      version: 'v1.16.5',
      minor: 16,
      cli: 'cilium-dbg',
      capabilities: [
        'CHOWN',
        'KILL',
        'NET_ADMIN',
        'NET_RAW',
        'IPC_LOCK',
        'SYS_ADMIN',
        'SYS_RESOURCE',
        'DAC_OVERRIDE',
        'FOWNER',
        'SETGID',
        'SETUID',
      ],
      desiredNumberScheduled: 2,
      numberReady: 2,
    }),
    config: got(config),
    nodes: got(nodes.map((n) => node(n))),
    agents: got(pods),
    agentLogs: new Map(nodes.map((n) => [n, got<LogFact>({ records: [], lines: 120, previous: false })])),
    bpfPrograms: new Map(nodes.map((n) => [n, got(progs)])),
    status: new Map(nodes.map((n) => [n, got(status)])),
    serviceMap: new Map(nodes.map((n) => [n, got(kindMap)])),
    bpffs: new Map(
      nodes.map((n) => [
        n,
        got({ mounted: true, evidence: 'bpffs /sys/fs/bpf bpf rw,nosuid,nodev,noexec,relatime,mode=700 0 0' }),
      ]),
    ),
    services: got(kindServices()),
    kubeProxy: got({ pods: [] }),
    ...over,
  };
}

export { failed, got };

/** A per-node fact for the two nodes of healthyFacts(): node-a's, then node-b's. */
export const onNodes = <T>(a: Gathered<T>, b: Gathered<T>): Map<string, Gathered<T>> =>
  new Map([
    ['node-a', a],
    ['node-b', b],
  ]);

/** A finding as a check builds it (check from the id, subject from the node), for renderer and gate tests. */
export const findingOf = (
  id: string,
  status: Finding['status'],
  node: string | undefined,
  message: string,
  extra: Partial<Finding> = {},
): Finding => ({
  id,
  check: id.split('/')[0]!,
  status,
  node,
  subject: node ? `node/${node}` : 'cluster',
  message,
  evidence: [],
  ...extra,
});

export const ids = (fs: Finding[]): string[] => fs.map((f) => f.id);
export const byNode = (fs: Finding[], n: string): Finding[] => fs.filter((f) => f.node === n);
export const statusOf = (fs: Finding[], id: string, n?: string): string | undefined =>
  fs.find((f) => f.id === id && (n === undefined || f.node === n))?.status;

// ---- broken clusters shared by the ranking and fix-planning tests ---------------------------------

/** node-a: kernel 4.19 under Cilium 1.16 and the recorded 4-program listing; node-b: same listing, good kernel; node-c healthy. */
export function oldKernelAndMissingPrograms(): Facts {
  const partial = programsText('bpftool-prog-show.kernel-6.18.no-btf.truncated-names.text.txt');
  const base = healthyFacts();
  const agents = (base.agents as { value: Map<string, AgentPodFact> }).value;
  agents.set('node-c', { ...agents.get('node-a')!, name: 'cilium-klmno', node: 'node-c' });
  const n = ['node-a', 'node-b', 'node-c'];
  return healthyFacts({
    agents: got(agents),
    nodes: got([node('node-a', '4.19.0-27-amd64'), node('node-b'), node('node-c')]),
    bpfPrograms: new Map([
      ['node-a', got(partial)],
      ['node-b', got(partial)],
      ['node-c', got(healthyPrograms(KPR_TRUE_CONFIG, 16))],
    ]),
    agentLogs: new Map([
      ['node-a', got(logsFrom('agent-log.v1.10-dev.kernel-4.9.endpoint-map.fatal.txt'))],
      ['node-b', got({ records: [], lines: 3, previous: false })],
      ['node-c', got({ records: [], lines: 3, previous: false })],
    ]),
    bpffs: new Map(n.map((x) => [x, got({ mounted: true, evidence: 'bpffs /sys/fs/bpf bpf rw 0 0' })])),
    status: new Map(n.map((x) => [x, base.status.get('node-a')!])),
    serviceMap: new Map(n.map((x) => [x, base.serviceMap.get('node-a')!])),
  });
}
