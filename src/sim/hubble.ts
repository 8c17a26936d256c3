// `hubble observe --verdict DROPPED -o jsonpb --follow` in the simulated agent container: the Cilium agent
// image ships the hubble CLI pointed at the agent's socket (cilium/cilium images/cilium/Dockerfile,
// HUBBLE_SERVER=unix:///var/run/cilium/hubble.sock); scenario `cilium.hubbleCli: false` is an image without
// it (exit 127, as for any missing binary). Hubble answers only where cilium-config has
// `enable-hubble: "true"`. The drops are the faults' (`droppedFlows`), the same packets the monitor prints
// (src/sim/monitor.ts), one GetFlowsResponse JSON line each, with the keys protojson writes (proto names:
// api/v1/observer/observer.proto GetFlowsResponse; api/v1/flow/flow.proto Flow, IP, Layer4, TCP, Endpoint)
// and the field set of recorded lines (fixtures/cilium/hubble-observe.v1.14-docs.dropped.jsonl; `Type`,
// `traffic_direction`, the deprecated `drop_reason` and `Summary` are Flow fields 10, 22, 3 and 100000).
import type { CommandResult, ExecContext } from './agent.js';
import { faultDef, type SimDrop } from './faults/index.js';
import { dropStream, monitorView } from './monitor.js';

/** The monitor's reason text → flow.proto's DropReason name and number (pkg/monitor/api/drop.go codes). */
const DROP_REASON: Record<string, [string, number]> = {
  'Policy denied': ['POLICY_DENIED', 133],
  'Stale or unroutable IP': ['STALE_OR_UNROUTABLE_IP', 151],
  'CT: Map insertion failed': ['CT_MAP_INSERTION_FAILED', 155],
  'Service backend not found': ['SERVICE_BACKEND_NOT_FOUND', 158],
  'No mapping for NAT masquerade': ['NO_MAPPING_FOR_NAT_MASQUERADE', 167],
};

/** Is this `hubble observe` with flags the simulator answers (verdict DROPPED, JSON, follow)? */
export function isHubbleObserveDrops(argv: string[]): boolean {
  const a = argv.slice(1);
  if (a[0] !== 'observe') return false;
  const val = (...names: string[]) => {
    const i = a.findIndex((x) => names.includes(x));
    return i > 0 ? a[i + 1] : a.find((x) => names.some((n) => x.startsWith(`${n}=`)))?.split('=')[1];
  };
  return (
    val('--verdict') === 'DROPPED' &&
    ['json', 'jsonpb'].includes(val('-o', '--output') ?? '') &&
    a.some((x) => x === '--follow' || x === '-f')
  );
}

export function hubbleCommand(ctx: ExecContext, argv: string[]): CommandResult | undefined {
  const { cluster, agent } = ctx;
  if (!agent || ctx.container !== 'cilium-agent' || cluster.scenario.cilium.hubbleCli === false) return undefined;
  if (!isHubbleObserveDrops(argv))
    return { exitCode: 1, stderr: `hubble ${argv.slice(1).join(' ')}: not simulated\n`, stdout: [''] };
  if (cluster.ciliumConfigData()['enable-hubble'] !== 'true')
    return {
      exitCode: 1,
      stderr: 'hubble observe: Hubble is not enabled in cilium-config: not simulated\n',
      stdout: [''],
    };
  const view = monitorView(cluster, agent.node.name, agent.node.podCidr);
  const drops = agent.faults.flatMap((f) => faultDef(f.kind).droppedFlows?.(f, view) ?? []);
  const node = `default/${agent.node.name}`;
  return dropStream(
    ctx,
    '',
    drops.map((d) => flowLine(d, node)),
    ctx.deadlineMs,
    'hubble',
  );
}

function flowLine(d: SimDrop, node: string): string {
  const [desc, code] = DROP_REASON[d.reason] ?? ['DROP_REASON_UNKNOWN', 0];
  const time = new Date().toISOString();
  const endpoint = (identity: number) => (identity ? { identity, namespace: d.namespace } : {});
  return JSON.stringify({
    flow: {
      time,
      verdict: 'DROPPED',
      drop_reason: code,
      IP: { source: d.src, destination: d.dst, ipVersion: d.src.includes(':') ? 'IPv6' : 'IPv4' },
      l4: { TCP: { source_port: d.srcPort, destination_port: d.dstPort, flags: { SYN: true } } },
      source: endpoint(d.srcIdentity),
      destination: endpoint(d.dstIdentity),
      Type: 'L3_L4',
      node_name: node,
      traffic_direction: 'INGRESS',
      drop_reason_desc: desc,
      Summary: 'TCP Flags: SYN',
    },
    node_name: node,
    time,
  });
}
