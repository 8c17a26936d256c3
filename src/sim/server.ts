// The simulated kube-apiserver: HTTP routing, auth and RBAC, lists with selectors and pagination,
// Tables, watches, pod deletion, logs, and exec over WebSocket. Shapes follow the recordings in
// shared/fixtures/kube-apiserver (see SOURCES.md there).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { runCommand, type CommandResult } from './agent.js';
import { Cluster } from './cluster/index.js';
import { agentLog, kubeletTimestamp, kubeProxyLog, type LogEntry } from './logs.js';
import { Prng } from './prng.js';
import { decodeSsarProtobuf, type AccessReviewSpec } from './protobuf.js';
import { API_V1, APIS, APPS_V1, DISCOVERY_V1, VERSION_BODY } from './recorded.js';
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  type FieldReq,
  type LabelReq,
} from './selectors.js';
import { resourceKey, RESOURCES, type KObj, type StoreEvent } from './store.js';
import { columnsFor, tableRow, type IncludeObject } from './tables.js';

const FLOWSCHEMA_UID = 'b91409f2-d0ed-4722-b9b4-fb99b0fac617';
const PRIORITYLEVEL_UID = 'b004f8d0-7eb9-4337-979a-80ee73cd03d9';

const AUTHZ_V1 = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'authorization.k8s.io/v1',
  resources: [
    {
      name: 'localsubjectaccessreviews',
      singularName: '',
      namespaced: true,
      kind: 'LocalSubjectAccessReview',
      verbs: ['create'],
    },
    {
      name: 'selfsubjectaccessreviews',
      singularName: '',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    },
    {
      name: 'selfsubjectrulesreviews',
      singularName: '',
      namespaced: false,
      kind: 'SelfSubjectRulesReview',
      verbs: ['create'],
    },
    {
      name: 'subjectaccessreviews',
      singularName: '',
      namespaced: false,
      kind: 'SubjectAccessReview',
      verbs: ['create'],
    },
  ],
};

interface DiscoRes {
  name: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  group?: string;
}

const GROUP_VERSIONS: Record<string, { list: { resources: DiscoRes[] }; group: string }> = {
  v1: { list: API_V1 as { resources: DiscoRes[] }, group: '' },
  'apps/v1': { list: APPS_V1 as { resources: DiscoRes[] }, group: 'apps' },
  'discovery.k8s.io/v1': { list: DISCOVERY_V1 as { resources: DiscoRes[] }, group: 'discovery.k8s.io' },
  'authorization.k8s.io/v1': { list: AUTHZ_V1 as { resources: DiscoRes[] }, group: 'authorization.k8s.io' },
};

export interface ServerOptions {
  token: string;
  latencyMs: number;
  host: string;
  certPem: string;
  keyPem: string;
}

interface Req {
  method: string;
  path: string;
  query: URLSearchParams;
  accept: string;
  userAgent: string;
  user: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown> | string,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : String(body.message));
  }
}

function status(
  code: number,
  reason: string | undefined,
  message: string,
  details?: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
    ...extra,
    code,
  };
}

const notFound = (plural: string, name: string): HttpError =>
  new HttpError(404, status(404, 'NotFound', `${plural} "${name}" not found`, { name, kind: plural }));
const badRequest = (message: string): HttpError => new HttpError(400, status(400, 'BadRequest', message));
const PAGE_NOT_FOUND = (): HttpError =>
  new HttpError(404, '404 page not found\n', {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  });
const RESOURCE_NOT_FOUND = (): HttpError =>
  new HttpError(404, status(404, 'NotFound', 'the server could not find the requested resource', {}));

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  const bad = (why: string): HttpError => badRequest(`invalid continue token: continue key is not valid: ${why}`);
  const alphabet = /^[A-Za-z0-9_-]*$/;
  if (!alphabet.test(token) || token.length % 4 === 1) {
    let i = [...token].findIndex((c) => !/[A-Za-z0-9_-]/.test(c));
    if (i < 0) i = token.length - 1;
    throw bad(`illegal base64 data at input byte ${i}`);
  }
  let parsed: { v?: string; rv?: number; start?: string };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (parsed.v !== 'meta.k8s.io/v1') throw bad('server rejected version');
  return { rv: Number(parsed.rv ?? 0), start: String(parsed.start ?? '') };
}

type Accept = { kind: 'json' } | { kind: 'table'; version: string } | { kind: 'meta' };

function negotiate(accept: string): Accept | 'not-acceptable' {
  if (!accept) return { kind: 'json' };
  const types = accept.split(',').map((t) => t.trim().toLowerCase());
  for (const t of types) {
    const [base, ...params] = t.split(';').map((s) => s.trim());
    const p = Object.fromEntries(params.map((x) => x.split('=') as [string, string]));
    if (p.as === 'table' && p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1'))
      return { kind: 'table', version: `meta.k8s.io/${p.v}` };
    if ((p.as === 'partialobjectmetadatalist' || p.as === 'partialobjectmetadata') && p.g === 'meta.k8s.io')
      return { kind: 'meta' };
    if (p.as) continue;
    if (
      base === 'application/json' ||
      base === '*/*' ||
      base === 'application/*' ||
      base === 'application/vnd.kubernetes.protobuf' ||
      base === 'application/yaml'
    )
      return { kind: 'json' };
  }
  return 'not-acceptable';
}

export class SimServer {
  readonly http: Server;
  readonly https: HttpsServer;
  private readonly listener: NetServer;
  private readonly wss: WebSocketServer;
  private readonly faultRng: Prng;
  private readonly faultHits = new Map<number, number>();
  private readonly openSockets = new Set<Duplex>();
  private readonly openWs = new Set<WebSocket>();
  requests = 0;
  readonly byPath: Record<string, number> = {};
  port = 0;

  constructor(
    readonly cluster: Cluster,
    readonly opts: ServerOptions,
  ) {
    this.faultRng = new Prng(cluster.scenario.seed ^ 0x5eed);
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      void this.onRequest(req, res);
    };
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      void this.onUpgrade(req, socket, head);
    };
    this.http = createServer(onRequest);
    this.https = createHttpsServer({ cert: opts.certPem, key: opts.keyPem }, onRequest);
    for (const s of [this.http, this.https]) {
      s.keepAliveTimeout = 60_000;
      s.on('upgrade', onUpgrade);
    }
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (protocols) => {
        for (const p of [
          'v5.channel.k8s.io',
          'v4.channel.k8s.io',
          'v3.channel.k8s.io',
          'v2.channel.k8s.io',
          'channel.k8s.io',
        ])
          if (protocols.has(p)) return p;
        return false;
      },
    });
    // One port, both protocols: TLS (kubectl, which sends tokens only over TLS) and plain HTTP.
    this.listener = createNetServer((socket: Socket) => {
      this.openSockets.add(socket);
      socket.on('close', () => this.openSockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.once('data', (buf: Buffer) => {
        socket.pause();
        socket.unshift(buf);
        (buf[0] === 0x16 ? this.https : this.http).emit('connection', socket);
        process.nextTick(() => socket.resume());
      });
    });
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(port, this.opts.host, () => resolve());
    });
    const addr = this.listener.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    return this.port;
  }

  async close(): Promise<void> {
    for (const ws of this.openWs) ws.terminate();
    for (const s of this.openSockets) s.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }

  // ------------------------------------------------------------------ plumbing

  private baseHeaders(authenticated: boolean): Record<string, string> {
    const h: Record<string, string> = { 'audit-id': randomUUID(), 'cache-control': 'no-cache, private' };
    if (authenticated) {
      h['x-kubernetes-pf-flowschema-uid'] = FLOWSCHEMA_UID;
      h['x-kubernetes-pf-prioritylevel-uid'] = PRIORITYLEVEL_UID;
    }
    return h;
  }

  private send(
    res: ServerResponse,
    code: number,
    body: unknown,
    req: Req | undefined,
    extra: Record<string, string> = {},
  ): void {
    const pretty = req?.userAgent.startsWith('curl/') || (code === 406 && typeof body === 'object');
    const text =
      typeof body === 'string' ? body : JSON.stringify(body, null, pretty ? 2 : undefined) + (pretty ? '\n' : '');
    const headers: Record<string, string> = {
      ...this.baseHeaders(code !== 401),
      'content-type': 'application/json',
      ...(code === 403 ? { 'x-content-type-options': 'nosniff' } : {}),
      ...extra,
      'content-length': String(Buffer.byteLength(text)),
    };
    res.writeHead(code, headers);
    res.end(text);
  }

  private authenticate(headers: IncomingMessage['headers']): string | null {
    const auth = headers.authorization;
    if (!auth) return 'system:anonymous';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m || m[1]!.trim() !== this.opts.token) return null;
    return this.cluster.scenario.rbac.user;
  }

  private allowed(user: string, verb: string, resource: string, namespace: string | undefined): boolean {
    if (user === 'system:anonymous') return false;
    for (const d of this.cluster.scenario.rbac.deny) {
      if (d.verb !== verb) continue;
      if (d.resource !== resource && d.resource !== '*') continue;
      if (d.namespace && namespace !== undefined && d.namespace !== namespace) continue;
      if (d.namespace && namespace === undefined && verb !== 'list' && verb !== 'watch') continue;
      return false;
    }
    return true;
  }

  private forbidden(
    user: string,
    verb: string,
    plural: string,
    sub: string | undefined,
    group: string,
    namespace: string | undefined,
    name?: string,
  ): HttpError {
    const res = sub ? `${plural}/${sub}` : plural;
    const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
    const subject = name ? `${plural} "${name}"` : plural;
    return new HttpError(
      403,
      status(
        403,
        'Forbidden',
        `${subject} is forbidden: User "${user}" cannot ${verb} resource "${res}" in API group "${group}" ${scope}`,
        name ? { name, kind: plural } : { kind: plural },
      ),
    );
  }

  private async injectFaults(method: string, path: string): Promise<void> {
    const sc = this.cluster.scenario;
    let delay = this.opts.latencyMs + sc.api.latencyMs;
    let failure: HttpError | undefined;
    sc.api.faults.forEach((f, i) => {
      if (f.method && f.method !== method) return;
      if (f.path !== '*' && !path.startsWith(f.path)) return;
      if (f.latencyMs) delay += f.latencyMs;
      if (!f.status || failure) return;
      const hits = (this.faultHits.get(i) ?? 0) + 1;
      this.faultHits.set(i, hits);
      const fire =
        f.times !== undefined ? hits <= f.times : f.rate !== undefined ? this.faultRng.next() < f.rate : true;
      if (!fire) return;
      const ra = String(f.retryAfterSeconds);
      if (f.status === 429)
        failure = new HttpError(
          429,
          status(429, 'TooManyRequests', 'Too many requests, please try again later.', {
            retryAfterSeconds: f.retryAfterSeconds,
          }),
          { 'retry-after': ra },
        );
      else if (f.status === 503)
        failure = new HttpError(
          503,
          status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', {
            retryAfterSeconds: f.retryAfterSeconds,
          }),
          { 'retry-after': ra },
        );
      else
        failure = new HttpError(
          500,
          status(500, 'InternalError', 'Internal error occurred: etcdserver: request timed out', {
            causes: [{ message: 'etcdserver: request timed out' }],
          }),
        );
    });
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (failure) throw failure;
  }

  private count(path: string): void {
    this.requests++;
    this.byPath[path] = (this.byPath[path] ?? 0) + 1;
  }

  // ------------------------------------------------------------------ HTTP

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    this.count(url.pathname);
    let r: Req | undefined;
    try {
      const user = this.authenticate(req.headers);
      if (user === null) throw new HttpError(401, status(401, 'Unauthorized', 'Unauthorized'));
      r = {
        method: req.method ?? 'GET',
        path: url.pathname.replace(/\/+$/, '') || '/',
        query: url.searchParams,
        accept: String(req.headers.accept ?? ''),
        userAgent: String(req.headers['user-agent'] ?? ''),
        user,
      };
      await this.injectFaults(r.method, r.path);
      const body =
        r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH' || r.method === 'DELETE'
          ? await readBody(req)
          : Buffer.alloc(0);
      await this.route(r, body, req, res);
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HttpError) {
        if (typeof e.body === 'string') {
          res.writeHead(e.status, {
            ...this.baseHeaders(true),
            'content-type': 'text/plain; charset=utf-8',
            ...e.headers,
            'content-length': String(Buffer.byteLength(e.body)),
          });
          res.end(e.body);
        } else this.send(res, e.status, e.body, r, e.headers);
      } else {
        this.send(res, 500, status(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`), r);
      }
    }
  }

  private async route(r: Req, body: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const p = r.path;
    const nonResource = ['/version', '/healthz', '/livez', '/readyz'];
    if (nonResource.includes(p)) {
      if (r.method !== 'GET')
        throw new HttpError(
          405,
          status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
        );
      if (p === '/version') {
        const text = JSON.stringify(
          {
            ...VERSION_BODY,
            gitVersion: 'v1.32.0',
            minor: '32',
            major: '1',
            buildDate: '2024-12-11T17:59:15Z',
            goVersion: 'go1.23.3',
            gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
          },
          null,
          2,
        );
        res.writeHead(200, {
          ...this.baseHeaders(true),
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(text)),
        });
        res.end(text);
        return;
      }
      let text = 'ok';
      if (p === '/readyz' && r.query.has('verbose'))
        text = '[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]informer-sync ok\n[+]shutdown ok\nreadyz check passed\n';
      res.writeHead(200, {
        ...this.baseHeaders(true),
        'content-type': 'text/plain; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'content-length': String(text.length),
      });
      res.end(text);
      return;
    }
    if (r.user === 'system:anonymous') {
      // anonymous may only read health and version (system:public-info-viewer)
      const parts = p.split('/').filter(Boolean);
      if (parts[0] === 'api' || parts[0] === 'apis') {
        const ri = this.parseResourcePath(parts);
        if (ri?.plural)
          throw this.forbidden(r.user, ri.name ? 'get' : 'list', ri.plural, ri.sub, ri.group, ri.namespace, ri.name);
      }
      throw new HttpError(
        403,
        status(403, 'Forbidden', `forbidden: User "system:anonymous" cannot get path "${p}"`, {}),
      );
    }
    if (p === '/api' || p === '/apis') {
      if (r.method !== 'GET')
        throw new HttpError(
          405,
          status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
        );
      const acc = r.accept.split(',').map((s) => s.trim());
      if (acc.length && acc.every((a) => a.includes('as=APIGroupDiscoveryList'))) {
        throw new HttpError(
          406,
          status(
            406,
            'NotAcceptable',
            'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
          ),
        );
      }
      if (p === '/api')
        this.send(
          res,
          200,
          {
            kind: 'APIVersions',
            versions: ['v1'],
            serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `${this.opts.host}:${this.port}` }],
          },
          r,
        );
      else this.send(res, 200, APIS, r);
      return;
    }
    if (p.startsWith('/openapi/')) throw PAGE_NOT_FOUND();
    const parts = p.split('/').filter(Boolean);
    if (parts[0] === 'apis' && parts.length === 2) {
      const g = (APIS.groups as { name: string }[]).find((x) => x.name === parts[1]);
      if (!g) throw PAGE_NOT_FOUND();
      this.send(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...g }, r);
      return;
    }
    const ri = this.parseResourcePath(parts);
    if (!ri) throw PAGE_NOT_FOUND();
    if (!ri.plural) {
      this.send(res, 200, GROUP_VERSIONS[ri.gv]!.list, r);
      return;
    }
    await this.resourceRequest(r, ri, body, req, res);
  }

  private parseResourcePath(
    parts: string[],
  ): { gv: string; group: string; namespace?: string; plural?: string; name?: string; sub?: string } | null {
    let gv: string;
    let rest: string[];
    if (parts[0] === 'api' && parts[1] === 'v1') {
      gv = 'v1';
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      gv = `${parts[1]}/${parts[2]}`;
      rest = parts.slice(3);
    } else return null;
    const g = GROUP_VERSIONS[gv];
    if (!g) return null;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    return { gv, group: g.group, namespace, plural: rest[0], name: rest[1], sub: rest[2] };
  }

  private async resourceRequest(
    r: Req,
    ri: { gv: string; group: string; namespace?: string; plural?: string; name?: string; sub?: string },
    body: Buffer,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const plural = ri.plural!;
    const disco = GROUP_VERSIONS[ri.gv]!.list.resources.find((x) => x.name === plural && !x.group);
    if (!disco) throw RESOURCE_NOT_FOUND();
    const { namespace, name } = ri;
    let sub = ri.sub;
    if (!disco.namespaced && namespace !== undefined) throw RESOURCE_NOT_FOUND();
    const resKey = resourceKey(ri.group, plural);
    const known = RESOURCES.find((x) => x.plural === plural && x.group === ri.group);

    if (ri.gv === 'authorization.k8s.io/v1') {
      if (plural !== 'selfsubjectaccessreviews' || r.method !== 'POST')
        throw new HttpError(
          405,
          status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
        );
      this.selfSubjectAccessReview(r, body, req, res);
      return;
    }

    if (sub) {
      if (plural !== 'pods' || !name) throw RESOURCE_NOT_FOUND();
      if (sub === 'log') {
        if (r.method !== 'GET')
          throw new HttpError(
            405,
            status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
          );
        if (!this.allowed(r.user, 'get', 'pods/log', namespace))
          throw this.forbidden(r.user, 'get', 'pods', 'log', '', namespace, name);
        this.podLog(r, namespace!, name, req, res);
        return;
      }
      if (sub === 'exec') {
        const verb = 'create';
        if (!this.allowed(r.user, verb, 'pods/exec', namespace))
          throw this.forbidden(r.user, verb, 'pods', 'exec', '', namespace, name);
        this.execPrecheck(namespace!, name, r.query);
        throw badRequest('Upgrade request required');
      }
      if (sub === 'status' && r.method === 'GET') {
        sub = undefined;
      } else throw RESOURCE_NOT_FOUND();
    }

    const verbOf = (): string => {
      if (r.method === 'GET') return name ? 'get' : isTrue(r.query.get('watch')) ? 'watch' : 'list';
      if (r.method === 'DELETE') return name ? 'delete' : 'deletecollection';
      if (r.method === 'POST') return 'create';
      if (r.method === 'PUT') return 'update';
      return 'patch';
    };
    const verb = verbOf();
    if (!disco.verbs.includes(verb))
      throw new HttpError(
        405,
        status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
      );
    if (!this.allowed(r.user, verb, plural, namespace))
      throw this.forbidden(r.user, verb, plural, undefined, ri.group, namespace, name);

    if (verb === 'get') {
      const obj = known ? this.cluster.store.get(resKey, namespace, name!) : undefined;
      if (!obj) throw notFound(plural, name!);
      const acc = negotiate(r.accept);
      if (acc === 'not-acceptable') throw new HttpError(406, status(406, 'NotAcceptable', '406: Not Acceptable', {}));
      if (acc.kind === 'table') {
        this.send(
          res,
          200,
          this.table(
            resKey,
            [obj],
            acc.version,
            includeOf(r.query),
            String(obj.metadata.resourceVersion),
            undefined,
            true,
          ),
          r,
        );
      } else this.send(res, 200, obj, r);
      return;
    }
    if (verb === 'list' || verb === 'watch') {
      const lsel = this.labelSel(r.query);
      const fsel = this.fieldSel(r.query, plural);
      const acc = negotiate(r.accept);
      if (acc === 'not-acceptable') throw new HttpError(406, status(406, 'NotAcceptable', '406: Not Acceptable', {}));
      if (verb === 'watch') {
        this.watch(r, resKey, disco.kind, ri.gv, namespace, lsel, fsel, acc, req, res);
        return;
      }
      this.list(r, resKey, known ? resKey : undefined, disco.kind, ri.gv, namespace, lsel, fsel, acc, res);
      return;
    }
    if (verb === 'delete') {
      this.deleteOne(r, resKey, plural, namespace, name!, body, res);
      return;
    }
    if (verb === 'deletecollection' && plural === 'pods') {
      const lsel = this.labelSel(r.query);
      const fsel = this.fieldSel(r.query, plural);
      const opts = parseJson(body);
      const grace = numOr(r.query.get('gracePeriodSeconds'), opts.gracePeriodSeconds as number | undefined);
      const items = this.cluster.store
        .list('pods', namespace)
        .filter((o) => matchLabels(lsel, o.metadata.labels) && matchFields(fsel, o));
      const out = items
        .map((p) =>
          this.cluster.deletePod(p.metadata.namespace!, p.metadata.name, grace, r.query.get('dryRun') === 'All'),
        )
        .filter((x): x is KObj => !!x);
      this.send(
        res,
        200,
        {
          kind: 'PodList',
          apiVersion: 'v1',
          metadata: { resourceVersion: String(this.cluster.store.currentRv()) },
          items: out.map(stripTypeMeta),
        },
        r,
      );
      return;
    }
    throw new HttpError(
      405,
      status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
    );
  }

  private labelSel(q: URLSearchParams): LabelReq[] {
    try {
      return parseLabelSelector(q.get('labelSelector') ?? '');
    } catch (e) {
      if (e instanceof SelectorError) throw badRequest(e.message);
      throw e;
    }
  }

  private fieldSel(q: URLSearchParams, plural: string): FieldReq[] {
    try {
      return parseFieldSelector(q.get('fieldSelector') ?? '', plural);
    } catch (e) {
      if (e instanceof SelectorError) throw badRequest(e.message);
      throw e;
    }
  }

  private table(
    resKey: string,
    objs: KObj[],
    version: string,
    include: IncludeObject,
    rv: string,
    extraMeta?: Record<string, unknown>,
    single = false,
  ): Record<string, unknown> {
    void single;
    return {
      kind: 'Table',
      apiVersion: version,
      metadata: { resourceVersion: rv, ...extraMeta },
      columnDefinitions: columnsFor(resKey),
      rows: objs.map((o) => tableRow(resKey, o, include, version)),
    };
  }

  private list(
    r: Req,
    resKey: string,
    storeKey: string | undefined,
    kind: string,
    gv: string,
    namespace: string | undefined,
    lsel: LabelReq[],
    fsel: FieldReq[],
    acc: Accept,
    res: ServerResponse,
  ): void {
    const q = r.query;
    const rvParam = q.get('resourceVersion');
    const rvMatch = q.get('resourceVersionMatch');
    if (rvMatch && !rvParam) {
      throw new HttpError(
        422,
        status(
          422,
          'Invalid',
          'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
          {
            group: 'meta.k8s.io',
            kind: 'ListOptions',
            causes: [
              {
                reason: 'FieldValueForbidden',
                message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
                field: 'resourceVersionMatch',
              },
            ],
          },
        ),
      );
    }
    const current = this.cluster.store.currentRv();
    if (rvParam && rvParam !== '0' && Number(rvParam) > current) {
      throw new HttpError(
        504,
        status(504, 'Timeout', `Timeout: Too large resource version: ${rvParam}, current: ${current}`, {
          causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
          retryAfterSeconds: 1,
        }),
      );
    }
    const fromCache = rvParam === '0';
    let limit = fromCache ? 0 : Number(q.get('limit') ?? 0);
    if (!Number.isFinite(limit) || limit < 0) limit = 0;
    let listRv = current;
    let start = '';
    const cont = q.get('continue');
    if (cont) {
      const c = decodeContinue(cont);
      listRv = c.rv;
      start = c.start;
    }
    const all = storeKey ? this.cluster.store.list(storeKey, namespace) : [];
    const keyOf = (o: KObj): string =>
      namespace
        ? o.metadata.name
        : o.metadata.namespace
          ? `${o.metadata.namespace}/${o.metadata.name}`
          : o.metadata.name;
    const items: KObj[] = [];
    let remaining = 0;
    let lastKey = '';
    for (const o of all) {
      if (start && keyOf(o) < start) continue;
      if (!matchLabels(lsel, o.metadata.labels) || !matchFields(fsel, o)) continue;
      if (limit && items.length >= limit) {
        remaining++;
        continue;
      }
      items.push(o);
      lastKey = keyOf(o);
    }
    const meta: Record<string, unknown> = { resourceVersion: String(listRv) };
    if (remaining > 0) {
      meta.continue = encodeContinue(listRv, `${lastKey}\u0000`);
      meta.remainingItemCount = remaining;
    }
    if (acc.kind === 'table') {
      this.send(
        res,
        200,
        this.table(
          resKey,
          items,
          acc.version,
          includeOf(q),
          String(listRv),
          remaining > 0 ? { continue: meta.continue, remainingItemCount: remaining } : undefined,
        ),
        r,
      );
      return;
    }
    const head =
      acc.kind === 'meta'
        ? { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta }
        : { kind: `${kind}List`, apiVersion: gv, metadata: meta };
    this.streamList(
      res,
      head,
      acc.kind === 'meta'
        ? items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata }))
        : items.map(stripTypeMeta),
      r,
    );
  }

  /** Large lists are written in chunks instead of one giant string. */
  private streamList(res: ServerResponse, head: Record<string, unknown>, items: unknown[], r: Req): void {
    if (items.length <= 500) {
      this.send(res, 200, { ...head, items }, r);
      return;
    }
    res.writeHead(200, { ...this.baseHeaders(true), 'content-type': 'application/json' });
    const prefix = JSON.stringify(head);
    res.write(prefix.slice(0, -1) + ',"items":[');
    let i = 0;
    const writeMore = (): void => {
      while (i < items.length) {
        const chunk = items
          .slice(i, i + 500)
          .map((x) => JSON.stringify(x))
          .join(',');
        const ok = res.write((i > 0 ? ',' : '') + chunk);
        i += 500;
        if (!ok) {
          res.once('drain', writeMore);
          return;
        }
      }
      res.end(']}');
    };
    writeMore();
  }

  private deleteOne(
    r: Req,
    resKey: string,
    plural: string,
    namespace: string | undefined,
    name: string,
    body: Buffer,
    res: ServerResponse,
  ): void {
    const opts = parseJson(body);
    const dryRun =
      r.query.get('dryRun') === 'All' || (Array.isArray(opts.dryRun) && (opts.dryRun as string[]).includes('All'));
    if (plural === 'pods') {
      const grace = numOr(r.query.get('gracePeriodSeconds'), opts.gracePeriodSeconds as number | undefined);
      const out = this.cluster.deletePod(namespace!, name, grace, dryRun);
      if (!out) throw notFound(plural, name);
      this.send(res, 200, out, r);
      return;
    }
    const obj = this.cluster.store.get(resKey, namespace, name);
    if (!obj) throw notFound(plural, name);
    if (!dryRun) this.cluster.store.remove(resKey, obj);
    this.send(
      res,
      200,
      {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, kind: plural, uid: obj.metadata.uid },
      },
      r,
    );
  }

  private selfSubjectAccessReview(r: Req, body: Buffer, req: IncomingMessage, res: ServerResponse): void {
    let spec: AccessReviewSpec;
    const ct = String(req.headers['content-type'] ?? '');
    try {
      spec = ct.includes('protobuf') ? decodeSsarProtobuf(body) : ((parseJson(body).spec ?? {}) as AccessReviewSpec);
    } catch (e) {
      throw badRequest(`the object provided is unrecognized: ${(e as Error).message}`);
    }
    const ra = spec.resourceAttributes;
    let allowed = true;
    if (ra?.verb && ra.resource) {
      const res2 = ra.subresource ? `${ra.resource}/${ra.subresource}` : ra.resource;
      allowed = this.allowed(r.user, ra.verb, res2, ra.namespace || undefined);
    }
    const st: Record<string, unknown> = { allowed };
    if (allowed)
      st.reason =
        'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"';
    this.send(
      res,
      201,
      {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec,
        status: st,
      },
      r,
    );
  }

  // ------------------------------------------------------------------ watch

  private watch(
    r: Req,
    resKey: string,
    kind: string,
    gv: string,
    namespace: string | undefined,
    lsel: LabelReq[],
    fsel: FieldReq[],
    acc: Accept,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    const store = this.cluster.store;
    const q = r.query;
    const rvParam = q.get('resourceVersion');
    const bookmarks = isTrue(q.get('allowWatchBookmarks'));
    const timeoutSec = Number(q.get('timeoutSeconds') ?? 0);
    const matches = (o: KObj): boolean =>
      (!namespace || o.metadata.namespace === namespace) &&
      matchLabels(lsel, o.metadata.labels) &&
      matchFields(fsel, o);
    res.writeHead(200, { ...this.baseHeaders(true), 'content-type': 'application/json' });
    res.flushHeaders();
    let firstTable = true;
    const write = (type: string, obj: unknown): void => {
      let o = obj;
      if (acc.kind === 'table' && type !== 'ERROR' && type !== 'BOOKMARK') {
        const ko = obj as KObj;
        o = {
          kind: 'Table',
          apiVersion: acc.version,
          metadata: { resourceVersion: ko.metadata.resourceVersion },
          columnDefinitions: firstTable ? columnsFor(resKey) : null,
          rows: [tableRow(resKey, ko, includeOf(q), acc.version)],
        };
        firstTable = false;
      }
      res.write(JSON.stringify({ type, object: o }) + '\n');
    };
    const inSet = new Set<string>();
    const keyOf = (o: KObj): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const deliver = (e: StoreEvent): void => {
      if (e.resource !== resKey) return;
      const k = keyOf(e.obj);
      const m = matches(e.obj);
      if (e.type === 'DELETED') {
        if (inSet.delete(k) || m) write('DELETED', e.obj);
        return;
      }
      if (m) {
        write(inSet.has(k) ? 'MODIFIED' : 'ADDED', e.obj);
        inSet.add(k);
      } else if (inSet.delete(k)) write('DELETED', e.obj);
    };
    if (!rvParam || rvParam === '0') {
      for (const o of store.list(resKey, namespace)) {
        if (!matches(o)) continue;
        inSet.add(keyOf(o));
        write('ADDED', o);
      }
    } else {
      const since = Number(rvParam);
      const evs = Number.isFinite(since) ? store.eventsSince(resKey, since) : null;
      if (!evs) {
        write('ERROR', status(410, 'Expired', `too old resource version: ${rvParam} (${store.oldestWatchableRv()})`));
        res.end();
        return;
      }
      // objects that matched at `since` are those matching now or touched later; seed the set from the current state
      for (const o of store.list(resKey, namespace)) if (matches(o)) inSet.add(keyOf(o));
      for (const e of evs) {
        if (e.type === 'ADDED') inSet.delete(keyOf(e.obj));
        deliver(e);
      }
    }
    store.on('event', deliver);
    const timers: NodeJS.Timeout[] = [];
    const bookmark = (): void => {
      const o: Record<string, unknown> = {
        kind,
        apiVersion: gv,
        metadata: { resourceVersion: String(store.currentRv()), creationTimestamp: null },
      };
      if (kind === 'Pod') Object.assign(o, { spec: { containers: null }, status: {} });
      res.write(JSON.stringify({ type: 'BOOKMARK', object: o }) + '\n');
    };
    const finish = (): void => {
      store.off('event', deliver);
      timers.forEach(clearTimeout);
      if (!res.writableEnded) res.end();
    };
    if (timeoutSec > 0) {
      if (bookmarks && timeoutSec > 2) timers.push(setTimeout(bookmark, (timeoutSec - 2) * 1000));
      timers.push(setTimeout(finish, timeoutSec * 1000));
    }
    if (bookmarks) {
      const iv = setInterval(bookmark, 60_000);
      timers.push(iv as unknown as NodeJS.Timeout);
      res.on('close', () => clearInterval(iv));
    }
    req.on('close', finish);
    res.on('close', finish);
  }

  // ------------------------------------------------------------------ logs

  private podLog(r: Req, ns: string, name: string, req: IncomingMessage, res: ServerResponse): void {
    const store = this.cluster.store;
    const pod = store.get('pods', ns, name);
    if (!pod) throw notFound('pods', name);
    const spec = pod.spec as { containers: { name: string }[]; initContainers?: { name: string }[] };
    let container = r.query.get('container') ?? '';
    if (!container) {
      if (spec.containers.length === 1) container = spec.containers[0]!.name;
      else
        throw badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${spec.containers.map((c) => c.name).join(' ')}]${spec.initContainers?.length ? ` or one of the init containers: [${spec.initContainers.map((c) => c.name).join(' ')}]` : ''}`,
        );
    }
    const isInit = spec.initContainers?.some((c) => c.name === container) ?? false;
    if (!isInit && !spec.containers.some((c) => c.name === container))
      throw badRequest(`container ${container} is not valid for pod ${name}`);
    const st = pod.status as {
      containerStatuses?: {
        name: string;
        restartCount?: number;
        state?: { waiting?: { reason?: string } };
        lastState?: { terminated?: unknown };
      }[];
    };
    const cs = st.containerStatuses?.find((c) => c.name === container);
    const previous = isTrue(r.query.get('previous'));
    if (!isInit) {
      const waiting = cs?.state?.waiting?.reason;
      if (previous) {
        if (!cs || !(cs.restartCount ?? 0) || !cs.lastState?.terminated)
          throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
      } else if (!cs || (waiting && waiting !== 'CrashLoopBackOff')) {
        throw badRequest(
          `container "${container}" in pod "${name}" is waiting to start: ${waiting ?? 'ContainerCreating'}`,
        );
      }
    }
    const agent = this.cluster.agentFor(pod);
    let entries: LogEntry[];
    if (isInit) entries = [];
    else if (agent && container === 'cilium-agent') entries = agentLog(this.cluster, agent, previous);
    else if (pod.metadata.labels?.['k8s-app'] === 'kube-proxy')
      entries = kubeProxyLog(new Date(pod.metadata.creationTimestamp));
    else entries = [];
    const sinceSec = Number(r.query.get('sinceSeconds') ?? 0);
    const sinceTime = r.query.get('sinceTime');
    const cutoff = sinceSec > 0 ? Date.now() - sinceSec * 1000 : sinceTime ? Date.parse(sinceTime) : 0;
    if (cutoff) entries = entries.filter((e) => e.time.getTime() >= cutoff);
    const tail = r.query.get('tailLines');
    if (tail !== null && Number(tail) >= 0) entries = Number(tail) === 0 ? [] : entries.slice(-Number(tail));
    const stamps = isTrue(r.query.get('timestamps'));
    let text = entries.map((e) => (stamps ? `${kubeletTimestamp(e.time)} ${e.line}\n` : `${e.line}\n`)).join('');
    const limitBytes = Number(r.query.get('limitBytes') ?? 0);
    if (limitBytes > 0) text = Buffer.from(text).subarray(0, limitBytes).toString('utf8');
    const follow = isTrue(r.query.get('follow'));
    const headers = { ...this.baseHeaders(true), 'content-type': 'text/plain' };
    if (!follow || previous) {
      res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
      return;
    }
    // follow: stream until the client goes away or the container ends (pod deleted)
    res.writeHead(200, headers);
    res.write(text);
    const uid = pod.metadata.uid;
    const onEvent = (e: StoreEvent): void => {
      if (e.resource === 'pods' && e.type === 'DELETED' && e.obj.metadata.uid === uid) done();
    };
    const done = (): void => {
      store.off('event', onEvent);
      if (!res.writableEnded) res.end();
    };
    store.on('event', onEvent);
    req.on('close', done);
    res.on('close', done);
  }

  // ------------------------------------------------------------------ exec

  /** Checks shared by the WebSocket and SPDY paths; returns the pod, container and agent. */
  private execPrecheck(ns: string, name: string, q: URLSearchParams): { pod: KObj; container: string } {
    const pod = this.cluster.store.get('pods', ns, name);
    if (!pod) throw notFound('pods', name);
    const spec = pod.spec as { containers: { name: string }[]; initContainers?: { name: string }[] };
    let container = q.get('container') ?? '';
    if (!container) {
      if (spec.containers.length === 1) container = spec.containers[0]!.name;
      else
        throw badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${spec.containers.map((c) => c.name).join(' ')}]`,
        );
    }
    if (!spec.containers.some((c) => c.name === container) && !spec.initContainers?.some((c) => c.name === container))
      throw badRequest(`container ${container} is not valid for pod ${name}`);
    const phase = (pod.status as { phase?: string }).phase;
    if (phase === 'Succeeded' || phase === 'Failed')
      throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
    const cs = (
      pod.status as { containerStatuses?: { name: string; state?: { running?: unknown } }[] }
    ).containerStatuses?.find((c) => c.name === container);
    if (!cs?.state?.running) {
      // the kubelet's answer, passed through by the apiserver's upgrade proxy
      throw new HttpError(500, `container not found ("${container}")`, { 'content-type': 'text/plain; charset=utf-8' });
    }
    return { pod, container };
  }

  private rejectUpgrade(socket: Duplex, code: number, body: unknown, extra: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const reason: Record<number, string> = {
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      429: 'Too Many Requests',
      500: 'Internal Server Error',
      503: 'Service Unavailable',
    };
    const headers: Record<string, string> = {
      ...this.baseHeaders(code !== 401),
      'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      ...extra,
      date: new Date().toUTCString(),
      'content-length': String(Buffer.byteLength(text)),
      connection: 'close',
    };
    const head =
      `HTTP/1.1 ${code} ${reason[code] ?? 'Error'}\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n') +
      '\r\n\r\n';
    socket.end(head + text);
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    this.count(url.pathname);
    socket.on('error', () => socket.destroy());
    try {
      const user = this.authenticate(req.headers);
      if (user === null) throw new HttpError(401, status(401, 'Unauthorized', 'Unauthorized'));
      await this.injectFaults(req.method ?? 'GET', url.pathname);
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/.exec(url.pathname);
      if (!m) throw badRequest('Upgrade request required');
      const [, ns, name, sub] = m as unknown as [string, string, string, string];
      if (user === 'system:anonymous' || !this.allowed(user, 'create', `pods/${sub}`, ns))
        throw this.forbidden(user, 'create', 'pods', sub, '', ns, name);
      if (sub !== 'exec') throw badRequest(`${sub} is not supported by the kdiag simulator`);
      const { pod, container } = this.execPrecheck(ns, name, url.searchParams);
      const isWs = String(req.headers.upgrade ?? '').toLowerCase() === 'websocket' && req.method === 'GET';
      if (!isWs) {
        throw badRequest(
          'unable to upgrade connection: SPDY/3.1 is not supported by the kdiag simulator; use a WebSocket client (v5.channel.k8s.io or v4.channel.k8s.io)',
        );
      }
      const offered = String(req.headers['sec-websocket-protocol'] ?? '');
      if (!/(^|[\s,])(v[2-5]\.)?channel\.k8s\.io/.test(offered))
        throw badRequest(
          'unable to upgrade: no supported subprotocol offered (want v5.channel.k8s.io or v4.channel.k8s.io)',
        );
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.openWs.add(ws);
        ws.on('close', () => this.openWs.delete(ws));
        void this.runExec(ws, pod, container, url.searchParams.getAll('command'));
      });
    } catch (e) {
      if (e instanceof HttpError) this.rejectUpgrade(socket, e.status, e.body, e.headers);
      else
        this.rejectUpgrade(
          socket,
          500,
          status(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`),
        );
    }
  }

  private async runExec(ws: WebSocket, pod: KObj, container: string, argv: string[]): Promise<void> {
    const proto = ws.protocol;
    const v4plus = proto === 'v4.channel.k8s.io' || proto === 'v5.channel.k8s.io';
    let closed = false;
    ws.on('close', () => {
      closed = true;
    });
    ws.on('error', () => {
      closed = true;
    });
    ws.on('message', () => {
      /* stdin, resize and v5 close frames are accepted and ignored */
    });
    const agent = this.cluster.agentFor(pod);
    let result: CommandResult;
    try {
      result = runCommand({ cluster: this.cluster, agent, container }, argv);
    } catch (e) {
      result = { exitCode: 126, stderr: `${(e as Error).message}\n` };
    }
    if (result.hang) return; // never answers until the client gives up
    const sendFrame = (channel: number, data: Buffer): Promise<void> =>
      new Promise((resolve) => {
        if (closed) return resolve();
        const frame = Buffer.allocUnsafe(data.length + 1);
        frame[0] = channel;
        data.copy(frame, 1);
        ws.send(frame, { binary: true }, () => resolve());
      });
    const sendData = async (channel: number, chunk: string | Buffer): Promise<void> => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (let off = 0; off < buf.length && !closed; off += 32 * 1024)
        await sendFrame(channel, buf.subarray(off, off + 32 * 1024));
    };
    try {
      if (result.stdout) {
        const src = result.stdout as Iterable<string> | Readable;
        if (typeof (src as Readable).pipe === 'function') {
          for await (const chunk of src as Readable) {
            if (closed) break;
            await sendData(1, chunk as Buffer);
          }
        } else {
          for (const chunk of src as Iterable<string>) {
            if (closed) break;
            await sendData(1, chunk);
          }
        }
      }
      if (result.stderr) await sendData(2, result.stderr);
    } catch (e) {
      await sendData(2, `${(e as Error).message}\n`);
    }
    if (closed) return;
    const code = result.exitCode;
    if (v4plus) {
      const st =
        code === 0
          ? { metadata: {}, status: 'Success' }
          : {
              metadata: {},
              status: 'Failure',
              message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
              reason: 'NonZeroExitCode',
              details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
            };
      await sendFrame(3, Buffer.from(JSON.stringify(st)));
    } else if (code !== 0) {
      await sendFrame(
        3,
        Buffer.from(
          `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
        ),
      );
    }
    ws.close(1000);
  }
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function includeOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'Object' ? 'Object' : v === 'None' ? 'None' : 'Metadata';
}

function numOr(q: string | null, b: number | undefined): number | undefined {
  if (q !== null && q !== '' && Number.isFinite(Number(q))) return Number(q);
  return typeof b === 'number' ? b : undefined;
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (!body.length) return {};
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function stripTypeMeta(o: KObj): Record<string, unknown> {
  const { kind: _k, apiVersion: _a, ...rest } = o;
  void _k;
  void _a;
  return rest;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
