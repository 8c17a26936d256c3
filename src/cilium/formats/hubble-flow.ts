// `hubble observe --verdict DROPPED -o jsonpb --follow` (run in the agent container, whose image sets
// HUBBLE_SERVER=unix:///var/run/cilium/hubble.sock: cilium/cilium images/cilium/Dockerfile): one
// GetFlowsResponse per line. The printer (hubble/pkg/printer/printer.go, JSONPBOutput) encodes the response
// with encoding/json, which calls the generated MarshalJSON (api/v1/observer/observer.pb.json.go,
// api/v1/flow/flow.pb.json.go: protojson with UseProtoNames), so the keys are the proto field names and
// enums are their names:
//   {"flow":{"time":…,"verdict":"DROPPED","IP":{"source":…,"destination":…,"ipVersion":"IPv4"},
//    "l4":{"TCP":{"source_port":…,"destination_port":…,"flags":{"SYN":true}}},"source":{"identity":…,…},
//    "destination":{…},"node_name":…,"drop_reason_desc":"POLICY_DENIED",…},"node_name":…,"time":…}
// (messages GetFlowsResponse in api/v1/observer/observer.proto and Flow, IP, Layer4, TCP, UDP, Endpoint in
// api/v1/flow/flow.proto; recorded: fixtures/cilium/hubble-observe.v1.14-docs.dropped.jsonl). A line with
// `node_status` or `lost_events` instead of `flow` is not a drop. `drop_reason_desc` is the DropReason enum
// (flow.proto), whose numbers are the codes of the monitor's drop-reason table (pkg/monitor/api/drop.go):
// each is turned into the monitor's text so both paths classify alike (src/cilium/drops.ts). Older agents
// send only the deprecated numeric `drop_reason`.
import { ParseError } from '../../errors.js';
import type { DropEvent } from '../../model/drops.js';

const SOURCE = 'hubble observe --verdict DROPPED -o jsonpb';

/**
 * DropReason enum name (api/v1/flow/flow.proto) → [code, the monitor's text for that code
 * (pkg/monitor/api/drop.go)], for the reasons that concern Services and their traffic. Any other name is
 * kept as Hubble spells it (classified "other", named in the message).
 */
const REASONS: Record<string, [number, string]> = {
  INVALID_SOURCE_IP: [132, 'Invalid source ip'],
  POLICY_DENIED: [133, 'Policy denied'],
  MISSED_TAIL_CALL: [140, 'Missed tail call'],
  STALE_OR_UNROUTABLE_IP: [151, 'Stale or unroutable IP'],
  CT_MAP_INSERTION_FAILED: [155, 'CT: Map insertion failed'],
  SERVICE_BACKEND_NOT_FOUND: [158, 'Service backend not found'],
  NO_TUNNEL_OR_ENCAPSULATION_ENDPOINT: [160, 'No tunnel/encapsulation endpoint (datapath BUG!)'],
  NO_MAPPING_FOR_NAT_MASQUERADE: [167, 'No mapping for NAT masquerade'],
  UNSUPPORTED_PROTOCOL_FOR_NAT_MASQUERADE: [168, 'Unsupported protocol for NAT masquerade'],
  FIB_LOOKUP_FAILED: [169, 'FIB lookup failed'],
  IS_A_CLUSTERIP: [174, 'Is a ClusterIP'],
  DENIED_BY_LB_SRC_RANGE_CHECK: [177, 'Denied by LB src range check'],
  POLICY_DENY: [181, 'Policy denied by denylist'],
  CT_NO_MAP_FOUND: [190, 'No conntrack map found'],
  SNAT_NO_MAP_FOUND: [191, 'No nat map found'],
  UNSUPPORTED_PROTOCOL_FOR_DSR_ENCAP: [193, 'Unsupported packet protocol for DSR encapsulation'],
  DROP_HOST_NOT_READY: [202, 'Host datapath not ready'],
  DROP_EP_NOT_READY: [203, 'Endpoint policy program not available'],
};
const BY_CODE = new Map(Object.values(REASONS).map(([code, text]) => [code, text]));

/** The monitor's text for a DropReason enum name (or the name itself when the table above lacks it). */
export function hubbleDropReason(name: string): string {
  return REASONS[name]?.[1] ?? name;
}

interface Endpoint {
  identity?: number;
}
interface Ports {
  source_port?: number;
  destination_port?: number;
}
interface Flow {
  verdict?: string;
  drop_reason?: number;
  drop_reason_desc?: string;
  IP?: { source?: string; destination?: string };
  l4?: { TCP?: Ports; UDP?: Ports; SCTP?: Ports };
  source?: Endpoint;
  destination?: Endpoint;
}

/** One line of `hubble observe -o jsonpb`: a DropEvent, or undefined for anything that is not a dropped flow. */
export function parseHubbleFlowLine(line: string, lineNo?: number): DropEvent | undefined {
  const text = line.trim();
  if (!text) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ParseError(SOURCE, `not a JSON GetFlowsResponse: ${text.slice(0, 120)}`, lineNo);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new ParseError(SOURCE, `not a JSON object: ${text.slice(0, 120)}`, lineNo);
  const flow = (doc as { flow?: Flow }).flow;
  // node_status / lost_events responses, and flows of another verdict, are not drops.
  if (!flow || typeof flow !== 'object' || flow.verdict !== 'DROPPED') return undefined;
  const reason = flow.drop_reason_desc
    ? hubbleDropReason(flow.drop_reason_desc)
    : flow.drop_reason !== undefined
      ? (BY_CODE.get(flow.drop_reason) ?? String(flow.drop_reason))
      : 'DROP_REASON_UNKNOWN';
  const ev: DropEvent = { reason, raw: text };
  if (typeof flow.IP?.source === 'string') ev.src = flow.IP.source;
  if (typeof flow.IP?.destination === 'string') ev.dst = flow.IP.destination;
  const l4 = flow.l4?.TCP ?? flow.l4?.UDP ?? flow.l4?.SCTP;
  if (typeof l4?.source_port === 'number') ev.srcPort = l4.source_port;
  if (typeof l4?.destination_port === 'number') ev.dstPort = l4.destination_port;
  if (typeof flow.source?.identity === 'number') ev.srcIdentity = String(flow.source.identity);
  if (typeof flow.destination?.identity === 'number') ev.dstIdentity = String(flow.destination.identity);
  return ev;
}

/** Every dropped flow in `hubble observe -o jsonpb` output, in order. */
export function parseHubbleFlows(text: string): DropEvent[] {
  const out: DropEvent[] = [];
  text.split('\n').forEach((l, i) => {
    const ev = parseHubbleFlowLine(l, i + 1);
    if (ev) out.push(ev);
  });
  return out;
}
