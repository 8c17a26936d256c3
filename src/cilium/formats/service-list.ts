// `cilium(-dbg) service list` in its text and JSON formats: parsers and renderers.
//
// Text layouts, from Cilium's source:
//  - 'v1.4'        `ID  Frontend  Backend`, backends `1 => ip:port` (cilium/cmd/service_list.go, 1.4).
//  - 'classic'     `ID  Frontend  Service Type  Backend`, backends `1 => ip:port (state)`
//                  (cilium/cmd/service_list.go, later cilium-dbg/cmd/service_list.go; the `(state)` suffix
//                  is missing in ~1.10, see fixture service-list.v1.10-dev.ci.text.txt).
//  - 'slash-proto' same columns, addresses printed by L3n4Addr.String() = StringWithProtocol():
//                  `ip:port/TCP[/i]`, `[ip6]:port/TCP[/i]` (pkg/loadbalancer/l3n4addr.go of the new
//                  load-balancer control plane, which replaced pkg/loadbalancer/experimental in 1.18).
//                  Before that, L3n4Addr.String() printed `ip:port[/i]` (pkg/loadbalancer/loadbalancer.go).
//  - newest main drops the ID column (`Frontend  Service Type  Backend`, cilium-dbg/cmd/service_list.go,
//    frontendAddressAsID); parsed with id 0.
// All are printed through text/tabwriter NewWriter(os.Stdout, 5, 0, 3, ' ', 0), every cell ending in '\t'.

import { isIP } from 'node:net';
import { ParseError } from '../../errors.js';
import type { BackendState, LbAddress, LbBackend, LbService } from '../types.js';
import { isElision, isKubectlNoise } from './noise.js';
import { tabwrite } from './tabwriter.js';

export type ServiceListTextFormat = 'v1.4' | 'classic' | 'slash-proto';

const TEXT_SOURCE = 'cilium service list';
const JSON_SOURCE = 'cilium service list -o json';
/** A real row is a few hundred bytes; anything far longer is not service-list output. */
const MAX_LINE = 64 * 1024;

/**
 * Which text layout the `service list` of a Cilium minor prints. 1.12–1.16: classic, one protocol-less row
 * per IP:port. 1.18+ (1.19 included): protocol suffixes, since 1.18's load-balancer control plane prints
 * frontends/backends with L3n4Addr.StringWithProtocol() (pkg/loadbalancer; fixture
 * service-list.v1.18.0.kube-dns-split.text.txt). 1.17 keeps TCP and UDP apart (bpf-lb-proto-diff) but no
 * recorded 1.17 text output was found: classic is assumed (docs/formats.md).
 */
export function serviceListTextFormatFor(minor: number): ServiceListTextFormat {
  if (minor < 5) return 'v1.4';
  return minor >= 18 ? 'slash-proto' : 'classic';
}

type Layout = 'v1.4' | 'classic' | 'no-id';

const HEADERS: Array<[RegExp, Layout]> = [
  [/^ID\s+Frontend\s+Service Type\s+Backend\s*$/, 'classic'],
  [/^ID\s+Frontend\s+Backend\s*$/, 'v1.4'],
  [/^Frontend\s+Service Type\s+Backend\s*$/, 'no-id'],
];

const ADDRESS = /^(?:\[([0-9A-Fa-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})(?:\/([A-Z]+))?(?:\/i)?$/;
const BACKEND = /^(\d+) => (\S+)(?: \(([a-z-]*)\))?(?: \(preferred\))?$/;
const SERVICE_TYPE = /^[A-Za-z][A-Za-z0-9-]*(?: \(Remote\))?$/;
const STATES: Record<string, BackendState> = {
  active: 'active',
  terminating: 'terminating',
  'terminating-not-serving': 'terminating',
  quarantined: 'quarantined',
  maintenance: 'maintenance',
};

/**
 * Protocol as printed; none, or the agent's `NONE` (a frontend kept for every protocol: L4Type NONE in
 * pkg/loadbalancer, used when bpf-lb-proto-diff is off or for rows kept from before it), is ANY.
 */
function protoOf(p: string | undefined): string {
  return p === undefined || p === '' || p === 'NONE' ? 'ANY' : p;
}

/** a.b.c.d already matched \d{1,3} four times: each octet <= 255, no leading zeros (as net.isIP). */
function octetsOk(ip: string): boolean {
  let start = 0;
  for (let i = 0; i <= ip.length; i++) {
    if (i < ip.length && ip.charCodeAt(i) !== 46) continue;
    const len = i - start;
    if (len > 1 && ip.charCodeAt(start) === 48) return false;
    if (len === 3 && Number(ip.slice(start, i)) > 255) return false;
    start = i + 1;
  }
  return true;
}

function parseAddress(s: string, line: number): LbAddress {
  const m = ADDRESS.exec(s);
  if (!m) throw new ParseError(TEXT_SOURCE, `not an address: ${JSON.stringify(s.slice(0, 80))}`, line);
  const ip = (m[1] ?? m[2])!;
  const port = Number(m[3]);
  if (m[1] !== undefined) {
    if (isIP(ip) !== 6) throw new ParseError(TEXT_SOURCE, `bracketed non-IPv6 address ${ip}`, line);
  } else if (!octetsOk(ip)) throw new ParseError(TEXT_SOURCE, `not an IP address: ${JSON.stringify(ip)}`, line);
  if (port > 65535) throw new ParseError(TEXT_SOURCE, `port out of range: ${port}`, line);
  return { ip, port, protocol: protoOf(m[4]) };
}

/**
 * Incremental parser of the text format: feed chunks split anywhere; each service is emitted once its
 * last backend line has been seen (at the next row or at end()). Memory is bounded by one line and one service.
 */
export class ServiceListTextStream {
  private buf = '';
  private lineNo = 0;
  private layout: Layout | undefined;
  private cur: LbService | undefined;
  private lastIndex = 0;
  private done = false;

  constructor(private readonly onService: (s: LbService) => void) {}

  write(chunk: string): void {
    if (this.done) throw new Error('ServiceListTextStream: write after end');
    this.buf += chunk;
    let start = 0;
    let nl: number;
    while ((nl = this.buf.indexOf('\n', start)) >= 0) {
      this.line(this.buf.slice(start, nl));
      start = nl + 1;
    }
    this.buf = start > 0 ? this.buf.slice(start) : this.buf;
    if (this.buf.length > MAX_LINE) throw new ParseError(TEXT_SOURCE, 'line too long', this.lineNo + 1);
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    if (this.buf.length > 0) this.line(this.buf);
    this.buf = '';
    if (!this.layout)
      throw new ParseError(
        TEXT_SOURCE,
        'no header (expected "ID   Frontend   Service Type   Backend")',
        this.lineNo || undefined,
      );
    this.flush();
  }

  private flush(): void {
    if (this.cur) this.onService(this.cur);
    this.cur = undefined;
  }

  private line(raw: string): void {
    this.lineNo++;
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    const n = this.lineNo;
    const c = line.charCodeAt(0);
    const rowLike = (c >= 48 && c <= 57) || c === 32 || c === 9; // a service row or a backend line
    if (line.trim() === '' || (!rowLike && (isKubectlNoise(line) || isElision(line))) || (c === 32 && isElision(line)))
      return;
    if (!this.layout) {
      const h = HEADERS.find(([re]) => re.test(line.trim()));
      if (!h) throw new ParseError(TEXT_SOURCE, `no header: unexpected ${JSON.stringify(line.slice(0, 80))}`, n);
      this.layout = h[1];
      return;
    }
    if (c === 32 || c === 9) {
      // continuation: one more backend of the current service
      if (!this.cur) throw new ParseError(TEXT_SOURCE, 'backend line without a service row', n);
      this.addBackend(line.trim(), n);
      return;
    }
    this.flush();
    this.cur = this.row(line.trimEnd(), n);
  }

  private row(line: string, n: number): LbService {
    let id = 0;
    let rest = line;
    if (this.layout !== 'no-id') {
      const m = /^(\d+)\s+(.*)$/.exec(line);
      if (!m) throw new ParseError(TEXT_SOURCE, `expected a service row, got ${JSON.stringify(line.slice(0, 80))}`, n);
      id = Number(m[1]);
      if (!Number.isSafeInteger(id)) throw new ParseError(TEXT_SOURCE, 'service id out of range', n);
      rest = m[2]!;
    }
    const fm = /^(\S+)(?:\s+(.*))?$/.exec(rest);
    if (!fm) throw new ParseError(TEXT_SOURCE, 'missing frontend', n);
    const frontend = parseAddress(fm[1]!, n);
    const after = fm[2] ?? '';
    let type = 'unknown';
    let backend: string | undefined;
    if (this.layout === 'v1.4') {
      backend = after === '' ? undefined : after;
    } else {
      const split = splitFirstBackend(after);
      type = split.type;
      backend = split.backend;
      if (!SERVICE_TYPE.test(type))
        throw new ParseError(TEXT_SOURCE, `bad service type ${JSON.stringify(type.slice(0, 40))}`, n);
    }
    this.cur = { id, frontend, type, backends: [] };
    this.lastIndex = 0;
    if (backend !== undefined) this.addBackend(backend, n);
    return this.cur;
  }

  private addBackend(s: string, n: number): void {
    const m = BACKEND.exec(s);
    if (!m) throw new ParseError(TEXT_SOURCE, `expected "N => address", got ${JSON.stringify(s.slice(0, 80))}`, n);
    const index = Number(m[1]);
    if (index <= this.lastIndex) throw new ParseError(TEXT_SOURCE, `backend index ${index} out of order`, n);
    this.lastIndex = index;
    const addr = parseAddress(m[2]!, n);
    const state: BackendState = m[3] === undefined ? 'unknown' : (STATES[m[3]] ?? 'unknown');
    // An explicit literal, not a spread: one hidden class for every backend (a hot path at scale).
    this.cur!.backends.push({ ip: addr.ip, port: addr.port, protocol: addr.protocol, state });
  }
}

/** `ClusterIP      1 => 10.0.0.1:80 (active)` → type and `1 => …`; the index is the digits before ` => `. */
function splitFirstBackend(after: string): { type: string; backend?: string } {
  const arrow = after.indexOf(' => ');
  if (arrow < 0) return { type: after.trim() };
  let start = arrow;
  while (start > 0 && after.charCodeAt(start - 1) >= 48 && after.charCodeAt(start - 1) <= 57) start--;
  const before = after.charCodeAt(start - 1);
  if (start === arrow || (start > 0 && before !== 32 && before !== 9)) return { type: after.trim() };
  return { type: after.slice(0, start).trim(), backend: after.slice(start) };
}

export function parseServiceListText(text: string): LbService[] {
  const out: LbService[] = [];
  const s = new ServiceListTextStream((svc) => out.push(svc));
  s.write(text);
  s.end();
  return out;
}

function fmtAddress(a: LbAddress, withProto: boolean): string {
  const host = isIP(a.ip) === 6 ? `[${a.ip}]` : a.ip;
  return `${host}:${a.port}${withProto ? `/${a.protocol}` : ''}`;
}

/** Renders exactly what the agent prints for that layout (tabwriter padding, trailing spaces included). */
export function renderServiceListText(services: LbService[], format: ServiceListTextFormat): string {
  const proto = format === 'slash-proto';
  const v14 = format === 'v1.4';
  let raw = v14 ? 'ID\tFrontend\tBackend\t\n' : 'ID\tFrontend\tService Type\tBackend\t\n';
  // sort.Slice by ID, as the CLI does
  const sorted = [...services].sort((a, b) => a.id - b.id);
  for (const svc of sorted) {
    const bes = svc.backends.map((b, i) => {
      const state = v14 || b.state === 'unknown' ? '' : ` (${b.state})`;
      return `${i + 1} => ${fmtAddress(b, proto)}${state}`;
    });
    const lead = v14
      ? `${svc.id}\t${fmtAddress(svc.frontend, false)}\t`
      : `${svc.id}\t${fmtAddress(svc.frontend, proto)}\t${svc.type}\t`;
    const pad = v14 ? '\t\t' : '\t\t\t';
    raw += `${lead}${bes[0] ?? ''}\t\n`;
    for (const b of bes.slice(1)) raw += `${pad}${b}\t\n`;
  }
  return tabwrite(raw, { minwidth: 5, padding: 3 });
}

// ---- JSON (`-o json`): []*models.Service, go-swagger models whose properties are emitted in
// alphabetical order (api/v1/models/service_spec.go, backend_address.go, frontend_address.go).

type Json = unknown;

function jsonLine(text: string, pos: number): number {
  return text.slice(0, pos).split('\n').length;
}

function obj(v: Json, what: string, i: number): Record<string, Json> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new ParseError(JSON_SOURCE, `${what} of service #${i} is not an object`);
  return v as Record<string, Json>;
}

function num(v: Json, what: string, i: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
    throw new ParseError(JSON_SOURCE, `${what} of service #${i} is not a valid number`);
  return v;
}

function ipOf(v: Json, what: string, i: number): string {
  if (typeof v !== 'string' || isIP(v) === 0)
    throw new ParseError(JSON_SOURCE, `${what} of service #${i} is not an IP address`);
  return v;
}

export function parseServiceListJson(text: string): LbService[] {
  let data: Json;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec(String(e));
    throw new ParseError(
      JSON_SOURCE,
      `invalid JSON: ${(e as Error).message}`,
      m ? jsonLine(text, Number(m[1])) : undefined,
    );
  }
  // a nil slice marshals to `null` (encoding/json); treat like `[]`
  if (data === null) return [];
  if (!Array.isArray(data)) throw new ParseError(JSON_SOURCE, 'expected a JSON array of services');
  return data.map((item, i) => {
    const svc = obj(item, 'entry', i);
    const spec = svc.spec === undefined || svc.spec === null ? undefined : obj(svc.spec, 'spec', i);
    const status = svc.status === undefined || svc.status === null ? undefined : obj(svc.status, 'status', i);
    const realized =
      status?.realized === undefined || status?.realized === null
        ? undefined
        : obj(status.realized, 'status.realized', i);
    const src = realized ?? spec;
    if (!src) throw new ParseError(JSON_SOURCE, `service #${i} has neither spec nor status.realized`);
    const fe = obj(src['frontend-address'], 'frontend-address', i);
    const frontend: LbAddress = {
      ip: ipOf(fe.ip, 'frontend-address.ip', i),
      port: num(fe.port ?? 0, 'frontend-address.port', i, 65535),
      protocol: protoOf(typeof fe.protocol === 'string' ? fe.protocol.toUpperCase() : undefined),
    };
    const rawBes = src['backend-addresses'];
    if (rawBes !== undefined && rawBes !== null && !Array.isArray(rawBes))
      throw new ParseError(JSON_SOURCE, `backend-addresses of service #${i} is not an array`);
    const backends: LbBackend[] = ((rawBes as Json[] | null | undefined) ?? []).map((b) => {
      const be = obj(b, 'backend', i);
      const out: LbBackend = {
        ip: ipOf(be.ip, 'backend ip', i),
        port: num(be.port ?? 0, 'backend port', i, 65535),
        protocol: protoOf(typeof be.protocol === 'string' ? be.protocol.toUpperCase() : undefined),
        state: typeof be.state === 'string' ? (STATES[be.state] ?? 'unknown') : 'unknown',
      };
      if (typeof be.weight === 'number') out.weight = be.weight;
      if (typeof be.nodeName === 'string' && be.nodeName !== '') out.nodeName = be.nodeName;
      return out;
    });
    const flags = (spec?.flags ?? src.flags) as Record<string, Json> | undefined;
    const f = flags && typeof flags === 'object' ? flags : {};
    const idRaw = src.id ?? spec?.id;
    const res: LbService = {
      id: num(idRaw, 'id', i),
      frontend,
      type: typeof f.type === 'string' && f.type !== '' ? f.type : 'unknown',
      backends,
    };
    if (typeof f.name === 'string' && f.name !== '') res.name = f.name;
    if (typeof f.namespace === 'string' && f.namespace !== '') res.namespace = f.namespace;
    return res;
  });
}

/** `cilium-dbg service list -o json` as the fixture shows it (json.MarshalIndent, 2 spaces, sorted keys). */
export function renderServiceListJson(services: LbService[]): string {
  const model = services.map((s) => {
    const be = s.backends.map((b) => ({
      ip: b.ip,
      ...(b.nodeName ? { nodeName: b.nodeName } : {}),
      port: b.port,
      preferred: true,
      ...(b.protocol !== 'ANY' ? { protocol: b.protocol } : {}),
      state: b.state === 'unknown' ? 'active' : b.state,
      weight: b.weight ?? 100,
    }));
    const flags = {
      extTrafficPolicy: 'Cluster',
      intTrafficPolicy: 'Cluster',
      ...(s.name !== undefined ? { name: s.name } : {}),
      ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
      trafficPolicy: 'Cluster',
      type: s.type,
    };
    // up to 1.16 the model has no protocol (L3n4Addr.GetModel sets IP, Port and Scope only): ANY omits it
    const fe = {
      ip: s.frontend.ip,
      port: s.frontend.port,
      ...(s.frontend.protocol !== 'ANY' ? { protocol: s.frontend.protocol } : {}),
      scope: 'external',
    };
    // backend-addresses has no omitempty: a service without backends carries `null`
    const body = { 'backend-addresses': be.length ? be : null, flags, 'frontend-address': fe, id: s.id };
    return { spec: body, status: { realized: structuredClone(body) } };
  });
  return JSON.stringify(model, null, 2) + '\n';
}
