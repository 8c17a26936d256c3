// The simulated kube-apiserver: one loopback TLS port, request plumbing and routing.
// The handlers live in api/ (auth and API faults, discovery, list/get, watch, logs, exec, writes); shapes
// follow the recordings in shared/fixtures/kube-apiserver (see SOURCES.md there).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { allowed, ApiFaults, authenticate, forbidden } from './api/auth.js';
import {
  AGGREGATED_TYPE,
  aggregatedDiscovery,
  aggregatedVersion,
  GROUP_VERSIONS,
  parseResourcePath,
} from './api/discovery.js';
import { execPrecheck, rejectUpgrade, runExec } from './api/exec.js';
import {
  badRequest,
  baseHeaders,
  HttpError,
  isTrue,
  methodNotAllowed,
  pageNotFound,
  readBody,
  send,
  status,
  type Req,
} from './api/http.js';
import { serveOpenApi } from './api/openapi.js';
import { resourceRequest } from './api/resources.js';
import type { Cluster } from './cluster/index.js';
import { APIS, VERSION_BODY } from './recorded.js';

/** What Go's net/http server writes on a TLS listener when the first bytes are plain HTTP (server.go). */
export const PLAIN_HTTP_ANSWER = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';

export interface ServerOptions {
  token: string;
  latencyMs: number;
  host: string;
  certPem: string;
  keyPem: string;
}

export class SimServer {
  readonly https: HttpsServer;
  private readonly listener: NetServer;
  private readonly wss: WebSocketServer;
  private readonly faults: ApiFaults;
  private readonly openSockets = new Set<Duplex>();
  private readonly openWs = new Set<WebSocket>();
  requests = 0;
  readonly byPath: Record<string, number> = {};
  /**
   * TLS connections and WebSocket upgrades, and how many of each resumed an earlier session (an
   * abbreviated handshake: tlsSocket.isSessionReused() on the server side). Tests read it via tlsStats().
   */
  readonly tlsStats = { connections: 0, resumed: 0, upgrades: 0, upgradesResumed: 0 };
  port = 0;

  constructor(
    readonly cluster: Cluster,
    readonly opts: ServerOptions,
  ) {
    this.faults = new ApiFaults(cluster.scenario, opts.latencyMs);
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      void this.onRequest(req, res);
    };
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      void this.onUpgrade(req, socket, head);
    };
    this.https = createHttpsServer({ cert: opts.certPem, key: opts.keyPem }, onRequest);
    for (const s of [this.https]) {
      s.keepAliveTimeout = 60_000;
      s.on('upgrade', onUpgrade);
      s.on('secureConnection', (t: TLSSocket) => {
        this.tlsStats.connections++;
        if (t.isSessionReused()) this.tlsStats.resumed++;
      });
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
    // A TLS port, like the real secure port: a plain HTTP request gets Go's crypto/tls answer (400,
    // "Client sent an HTTP request to an HTTPS server.") and the connection closes, token unread.
    this.listener = createNetServer((socket: Socket) => {
      this.openSockets.add(socket);
      socket.on('close', () => this.openSockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.once('data', (buf: Buffer) => {
        if (buf[0] !== 0x16) {
          // Go answers only when the record header looks like HTTP (tlsRecordHeaderLooksLikeHTTP)
          const head = buf.subarray(0, 5).toString('latin1');
          if (['GET /', 'HEAD ', 'POST ', 'PUT /', 'OPTIO'].includes(head)) socket.end(PLAIN_HTTP_ANSWER);
          else socket.destroy();
          return;
        }
        socket.pause();
        socket.unshift(buf);
        this.https.emit('connection', socket);
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
      const user = authenticate(req.headers, this.opts.token, this.cluster.scenario);
      if (user === null) throw new HttpError(401, status(401, 'Unauthorized', 'Unauthorized'));
      r = {
        method: req.method ?? 'GET',
        path: url.pathname.replace(/\/+$/, '') || '/',
        query: url.searchParams,
        accept: String(req.headers.accept ?? ''),
        userAgent: String(req.headers['user-agent'] ?? ''),
        user,
      };
      await this.faults.inject(r.method, r.path);
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
            ...baseHeaders(true),
            'content-type': 'text/plain; charset=utf-8',
            ...e.headers,
            'content-length': String(Buffer.byteLength(e.body)),
          });
          res.end(e.body);
        } else send(res, e.status, e.body, r, e.headers);
      } else {
        send(res, 500, status(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`), r);
      }
    }
  }

  private async route(r: Req, body: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const p = r.path;
    const nonResource = ['/version', '/healthz', '/livez', '/readyz'];
    if (nonResource.includes(p)) {
      if (r.method !== 'GET') throw methodNotAllowed();
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
          ...baseHeaders(true),
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
        ...baseHeaders(true),
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
        const ri = parseResourcePath(parts);
        if (ri?.plural)
          throw forbidden(r.user, ri.name ? 'get' : 'list', ri.plural, ri.sub, ri.group, ri.namespace, ri.name);
      }
      throw new HttpError(
        403,
        status(403, 'Forbidden', `forbidden: User "system:anonymous" cannot get path "${p}"`, {}),
      );
    }
    if (p === '/api' || p === '/apis') {
      if (r.method !== 'GET') throw methodNotAllowed();
      // a v1.32 server answers kubectl's Accept with aggregated discovery (discovery.ts)
      const aggregated = aggregatedVersion(r.accept);
      if (aggregated) {
        const groups = (APIS.groups as { name: string }[]).map((g) => g.name);
        send(res, 200, aggregatedDiscovery(p === '/api' ? 'api' : 'apis', groups, aggregated), r, {
          'content-type': AGGREGATED_TYPE.replace('VERSION', aggregated),
          vary: 'Accept',
        });
        return;
      }
      if (p === '/api')
        send(
          res,
          200,
          {
            kind: 'APIVersions',
            versions: ['v1'],
            serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `${this.opts.host}:${this.port}` }],
          },
          r,
        );
      else send(res, 200, APIS, r);
      return;
    }
    if (p.startsWith('/openapi/')) {
      serveOpenApi(r, res);
      return;
    }
    const parts = p.split('/').filter(Boolean);
    if (parts[0] === 'apis' && parts.length === 2) {
      const g = (APIS.groups as { name: string }[]).find((x) => x.name === parts[1]);
      if (!g) throw pageNotFound();
      send(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...g }, r);
      return;
    }
    const ri = parseResourcePath(parts);
    if (!ri) throw pageNotFound();
    if (!ri.plural) {
      send(res, 200, GROUP_VERSIONS[ri.gv]!.list, r);
      return;
    }
    await resourceRequest(this.cluster, r, ri, body, req, res);
  }

  // ------------------------------------------------------------------ watch

  // ------------------------------------------------------------------ logs

  // ------------------------------------------------------------------ exec

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    this.count(url.pathname);
    if (socket instanceof TLSSocket) {
      this.tlsStats.upgrades++;
      if (socket.isSessionReused()) this.tlsStats.upgradesResumed++;
    }
    socket.on('error', () => socket.destroy());
    try {
      const user = authenticate(req.headers, this.opts.token, this.cluster.scenario);
      if (user === null) throw new HttpError(401, status(401, 'Unauthorized', 'Unauthorized'));
      await this.faults.inject(req.method ?? 'GET', url.pathname);
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/.exec(url.pathname);
      if (!m) throw badRequest('Upgrade request required');
      const [, ns, name, sub] = m as unknown as [string, string, string, string];
      if (user === 'system:anonymous' || !allowed(this.cluster.scenario, user, 'create', `pods/${sub}`, ns))
        throw forbidden(user, 'create', 'pods', sub, '', ns, name);
      if (sub !== 'exec') throw badRequest(`${sub} is not supported by the kdiag simulator`);
      const { pod, container } = execPrecheck(this.cluster, ns, name, url.searchParams);
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
        void runExec(
          this.cluster,
          ws,
          pod,
          container,
          url.searchParams.getAll('command'),
          isTrue(url.searchParams.get('stdin')),
        );
      });
    } catch (e) {
      if (e instanceof HttpError) rejectUpgrade(socket, e.status, e.body, e.headers);
      else rejectUpgrade(socket, 500, status(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`));
    }
  }
}
