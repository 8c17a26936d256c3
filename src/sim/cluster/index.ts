// The simulated cluster: objects built from a scenario, per-node Cilium agent state, and the two
// controllers a real cluster has (kubelet finishing pod termination, the DaemonSet recreating pods).
// Object builders, controllers, the faults' effects and the service map live in the files beside this.
import type { LbService } from '../../cilium/types.js';
import type { AgentHealth } from '../faults/index.js';
import { faultDef } from '../faults/index.js';
import { Prng } from '../prng.js';
import type { Scenario } from '../scenario.js';
import { type KObj, Store } from '../store.js';
import { buildCalico } from './calico.js';
import { buildCilium } from './cilium.js';
import { buildEvents, deletePod, podEvent } from './controllers.js';
import { bpffsMounted, execAnswer, health, programs, restartsOf } from './node-faults.js';
import { heartbeat, leaseObject, nodeIP, nodeObject, podCidr, ts } from './nodes.js';
import { serviceMap } from './service-map.js';
import { buildServices } from './services.js';
import { buildFaultPods } from './fault-pods.js';

export { nodeIP, podCidr } from './nodes.js';
export type { AgentHealth } from '../faults/index.js';

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
  /** uid of the cilium DaemonSet (owner of the agent pods). */
  dsUid = '';
  /** EndpointSlices by `ns/service`, rebuilt after a slice changes. */
  sliceIndex: Map<string, KObj[]> | null = null;
  /** Stable service-map ids by frontend. */
  readonly svcIds = new Map<string, number>();

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

  /** Run fn after ms unless the cluster stops first (the controllers' timing). */
  later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  ago(seconds: number): string {
    return ts(new Date(this.startTime.getTime() - seconds * 1000));
  }

  meta(
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
      const faultKernel = faults.map((f) => faultDef(f.kind).kernel?.(f)).find((k) => k !== undefined);
      const kernel =
        faultKernel ?? (sc.nodes.kernels ? sc.nodes.kernels[(i - 1) % sc.nodes.kernels.length]! : sc.nodes.kernel);
      const info: NodeInfo = { name, index: i, internalIP: nodeIP(i), podCidr: podCidr(i), kernel };
      this.nodes.push(info);
      const node = this.store.create('nodes', nodeObject(this, info), true);
      this.store.create('leases.coordination.k8s.io', leaseObject(this, info, node.metadata.uid!), true);
      this.agents.set(name, {
        node: info,
        faults: [...faults],
        startedAt: new Date(this.startTime.getTime() - 3000 * 1000),
      });
    }

    buildCilium(this);
    buildCalico(this);
    buildServices(this);
    buildFaultPods(this);
    buildEvents(this);
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

  /** The node an agent pod runs on, or undefined for other pods. */
  agentFor(pod: KObj): AgentState | undefined {
    if (pod.metadata.labels?.['k8s-app'] !== 'cilium') return undefined;
    const node = (pod.spec as { nodeName?: string }).nodeName;
    return node ? this.agents.get(node) : undefined;
  }

  // The agent's view of its node, as the faults leave it (node-faults.ts, service-map.ts).
  health(st: AgentState): AgentHealth {
    return health(st);
  }

  restartsOf(st: AgentState): number {
    return restartsOf(st);
  }

  programs(st: AgentState): ReturnType<typeof programs> {
    return programs(this, st);
  }

  bpffsMounted(st: AgentState): boolean {
    return bpffsMounted(st);
  }

  execAnswer(st: AgentState, argv: string[]): ReturnType<typeof execAnswer> {
    return execAnswer(this, st, argv);
  }

  serviceMap(st: AgentState): Generator<LbService> {
    return serviceMap(this, st);
  }

  /** The kubelets' Lease renewals and status heartbeats up to now (nodes.ts). */
  heartbeat(now?: Date): void {
    heartbeat(this, now);
  }

  // The writes the API server forwards (controllers.ts).
  deletePod(ns: string, name: string, gracePeriodSeconds: number | undefined, dryRun: boolean): KObj | undefined {
    return deletePod(this, ns, name, gracePeriodSeconds, dryRun);
  }

  podEvent(podName: string, type: string, reason: string, message: string, count = 1): void {
    podEvent(this, podName, type, reason, message, count);
  }
}
