// The cluster layer: one client per run, on kdiag's own kubeconfig reader (kubeconfig.ts, credentials.ts)
// and WebSocket exec (ws.ts); REST calls go over node:http(s) with a keep-alive agent so lists stream, time
// out and retry under our control, and every TLS connection resumes the client's last session
// (tls-sessions.ts). @kubernetes/client-node is imported only for an auth-provider user. Nothing here
// knows about Cilium or oclif.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { createSecureContext, type SecureContext } from 'node:tls';
import pLimit from 'p-limit';
import { KdiagError, oneLine } from '../errors.js';
import { parseStatus, statusError, transportError, type K8sStatus } from './api-errors.js';
import { readBody } from './body.js';
import { credentialsFor, type Credentials } from './credentials.js';
import { runExecPlugin } from './exec-credential.js';
import { loadKubeConfig, type Kubeconfig, type KubeconfigOptions } from './kubeconfig.js';
import { proxyAgent, proxyFor } from './proxy.js';
import { backoff, retryDelay, sleep } from './retry.js';
import { DEFAULT_BURST, TokenBucket } from './rate-limit.js';
import { SessionAgent, TlsSessions } from './tls-sessions.js';
import type {
  ClientOptions,
  RequestOptions,
  ListOptions,
  LogOptions,
  ExecOptions,
  ExecResult,
  KubeObject,
  ListResponse,
} from './types.js';

export type * from './types.js';

const USER_AGENT = 'kdiag/0.1.0';
const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export class KubeClient {
  /** Bounded pool for per-node fan-out (one per run). */
  readonly pool: ReturnType<typeof pLimit>;
  /** --qps/--burst: every API call, exec and log stream takes a token (rate-limit.ts). */
  private readonly limiter: TokenBucket;
  readonly server: string;
  readonly contextName: string;
  private requestCount = 0;
  private agent!: http.Agent;
  private headers: Record<string, string> = {};
  private tls: https.AgentOptions = {};
  private secureContext?: SecureContext;
  /** The last TLS session this client got from its one server: the next connection resumes it. */
  private readonly tlsSessions = new TlsSessions();
  /** Whether the kubeconfig names a CA for this cluster (a TLS failure without one needs another hint). */
  private hasCA = false;
  /**
   * Set when the API server took a connection and did not answer one of its own calls within the request
   * timeout: every other call in flight stops and later calls fail at once, so one timeout ends the run
   * near the timeout instead of once per call (issue #20 item 8). Logs and exec go on to a kubelet and
   * only fail themselves.
   */
  private unresponsive?: KdiagError;
  private readonly inflight = new Set<http.ClientRequest>();
  private readonly closed = new AbortController();
  /** REST and exec go through a proxy (kubeconfig proxy-url, or HTTPS_PROXY without a NO_PROXY match). */
  private proxied = false;

  // Protected: the bundle client (bundle-client.ts) answers the same calls from an archive.
  protected constructor(
    readonly kc: Kubeconfig,
    readonly opts: ClientOptions,
  ) {
    this.server = kc.getCurrentCluster()!.server.replace(/\/+$/, '');
    this.contextName = kc.getCurrentContext();
    this.pool = pLimit(Math.max(1, opts.concurrency));
    this.limiter = new TokenBucket(opts.qps ?? 0, Math.max(1, opts.burst ?? DEFAULT_BURST));
  }

  static async connect(opts: KubeconfigOptions & ClientOptions): Promise<KubeClient> {
    const kc = await loadKubeConfig(opts);
    const c = new KubeClient(kc, opts);
    await c.prepare();
    return c;
  }

  get requests(): number {
    return this.requestCount;
  }

  private async prepare(): Promise<void> {
    const user = this.kc.getCurrentUser();
    const plugin = user?.exec ?? user?.authProvider?.config?.exec;
    // kdiag runs an exec credential plugin itself (bounded; see exec-credential.ts).
    const cred = plugin ? await runExecPlugin(plugin, this.opts.requestTimeoutMs || 30_000) : undefined;
    let o: Credentials;
    try {
      o = await credentialsFor(this.kc, Boolean(plugin));
    } catch (e) {
      throw new KdiagError('config', `cannot use the credentials of context "${this.contextName}": ${oneLine(e)}`);
    }
    if (cred?.token) o.headers.Authorization = `Bearer ${cred.token}`;
    if (cred?.clientCertificateData) o.cert = cred.clientCertificateData;
    if (cred?.clientKeyData) o.key = cred.clientKeyData;
    Object.assign(this.headers, o.headers);
    if (o.auth) this.headers.Authorization = 'Basic ' + Buffer.from(o.auth).toString('base64');
    this.tls = { servername: o.servername };
    if (o.rejectUnauthorized !== undefined) this.tls.rejectUnauthorized = o.rejectUnauthorized;
    this.hasCA = o.ca !== undefined;
    const maxSockets = Math.max(8, this.opts.concurrency * 2 + (this.opts.streams ?? 0));
    const proxy = proxyFor(this.kc.getCurrentCluster()!);
    if (proxy) this.opts.trace?.(`proxy ${proxy.via} for ${this.server}`);
    if (this.server.startsWith('https:')) {
      // One TLS context per run, shared by every REST call and every exec (no CA parse per call).
      this.secureContext = createSecureContext({ ca: o.ca, cert: o.cert, key: o.key });
      const opts = { ...this.tls, secureContext: this.secureContext, keepAlive: true, maxSockets };
      this.agent = proxy
        ? await proxyAgent(proxy.url, true, opts)
        : new SessionAgent({ ...opts, sessions: this.tlsSessions });
    } else
      this.agent = proxy
        ? await proxyAgent(proxy.url, false, { keepAlive: true, maxSockets })
        : new http.Agent({ keepAlive: true, maxSockets });
    this.proxied = Boolean(proxy);
  }

  /** Release sockets so the process can exit. */
  close(): void {
    // Closed means done: no retry of what we cut off, no waiting out a back-off (the process exits now).
    this.closed.abort();
    for (const req of this.inflight) req.destroy();
    this.agent?.destroy();
  }

  /** The API server stopped answering: fail every call in flight with the same error. */
  private giveUp(err: KdiagError): void {
    if (this.unresponsive) return;
    this.unresponsive = err;
    for (const req of this.inflight) req.destroy(err);
    this.inflight.clear();
  }

  private url(path: string, query?: RequestOptions['query']): URL {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.append(k, String(v));
    return u;
  }

  /**
   * One HTTP exchange; resolves with the response (body unread) or rejects with a transport error.
   * `apiServer`: the API server answers this call itself (not a log streamed from a kubelet).
   */
  private send(method: string, u: URL, opts: RequestOptions, apiServer = false): Promise<IncomingMessage> {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const timeoutMs = opts.timeoutMs ?? this.opts.requestTimeoutMs;
    const mod = u.protocol === 'https:' ? https : http;
    if (apiServer && this.unresponsive) return Promise.reject(this.unresponsive);
    return new Promise((resolve, reject) => {
      const req = mod.request(
        u,
        {
          method,
          agent: this.agent,
          headers: {
            ...this.headers,
            Accept: opts.accept ?? 'application/json',
            'User-Agent': USER_AGENT,
            ...(body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          clearTimeout(headTimer);
          this.inflight.delete(req);
          resolve(res);
        },
      );
      if (apiServer) this.inflight.add(req);
      let headTimer: NodeJS.Timeout | undefined;
      if (timeoutMs > 0) {
        const timedOut = () => {
          const err = new KdiagError(
            'timeout',
            `request timed out after ${timeoutMs / 1000}s: ${method} ${u.pathname} (the API at ${this.server} did not answer)`,
            {
              hint: 'the API server accepted the connection but is not answering; check it, or raise --request-timeout',
            },
          );
          if (apiServer) this.giveUp(err);
          req.destroy(err);
        };
        // A wall-clock bound until the response head (a socket idle timeout only starts once the TLS
        // handshake is under way, so a silent server doubled it), then an idle bound while the body streams.
        headTimer = setTimeout(timedOut, timeoutMs);
        req.setTimeout(timeoutMs, timedOut);
      }
      req.on('error', (e) => {
        clearTimeout(headTimer);
        this.inflight.delete(req);
        reject(transportError(e, this.server, `${method} ${u.pathname}`, this.hasCA));
      });
      req.end(body);
    });
  }

  /** A request with retries (429/5xx, honouring Retry-After) returning the body text. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<{ status: number; body: string }> {
    const u = this.url(path, opts.query);
    const idempotent = method === 'GET' || method === 'DELETE';
    const maxRetries = idempotent ? (this.opts.retries ?? 3) : 0;
    for (let attempt = 0; ; attempt++) {
      await this.limiter.take(this.closed.signal);
      const started = performance.now();
      this.requestCount++;
      let res: IncomingMessage;
      try {
        res = await this.send(method, u, opts, true);
      } catch (e) {
        const err = e as KdiagError;
        this.trace(method, u, 'ERR', started, err.message);
        if (this.closed.signal.aborted) throw err;
        if (attempt < maxRetries && err.kind === 'unreachable' && /ECONNRESET|EPIPE/.test(err.message)) {
          await sleep(backoff(attempt), this.closed.signal);
          if (this.closed.signal.aborted) throw err;
          continue;
        }
        throw err;
      }
      const body = await readBody(res);
      const status = res.statusCode ?? 0;
      this.trace(method, u, String(status), started);
      if (status >= 200 && status < 300) return { status, body };
      if (RETRYABLE.has(status) && attempt < maxRetries && !this.closed.signal.aborted) {
        await sleep(retryDelay(res.headers['retry-after'], parseStatus(body), attempt), this.closed.signal);
        if (!this.closed.signal.aborted) continue;
      }
      throw statusError(status, body, method, u.pathname + u.search, this.contextName);
    }
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const { body } = await this.request(method, path, opts);
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new KdiagError('parse', `the API server sent invalid JSON for ${method} ${path}`);
    }
  }

  get<T extends KubeObject>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  /** GET that answers undefined on 404 instead of throwing. */
  async getOptional<T extends KubeObject>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (e) {
      if (e instanceof KdiagError && e.kind === 'not-found') return undefined;
      throw e;
    }
  }

  /** Items of a collection, page by page (limit/continue), so huge lists never arrive as one response. */
  async *list<T extends KubeObject>(path: string, opts: ListOptions = {}): AsyncGenerator<T> {
    let token: string | undefined;
    do {
      const page: ListResponse<T> = await this.json('GET', path, {
        query: {
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: opts.pageSize ?? 500,
          continue: token,
        },
      });
      for (const item of page.items ?? []) yield item;
      token = page.metadata?.continue || undefined;
    } while (token);
  }

  async listAll<T extends KubeObject>(path: string, opts: ListOptions = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.list<T>(path, opts)) out.push(item);
    return out;
  }

  /** A pod's log as a stream (follow keeps it open until destroyed). */
  async logStream(namespace: string, pod: string, opts: LogOptions = {}): Promise<IncomingMessage> {
    const path = `/api/v1/namespaces/${enc(namespace)}/pods/${enc(pod)}/log`;
    const u = this.url(path, {
      container: opts.container,
      tailLines: opts.tailLines,
      sinceSeconds: opts.sinceSeconds,
      previous: opts.previous || undefined,
      follow: opts.follow || undefined,
      timestamps: opts.timestamps || undefined,
      limitBytes: opts.limitBytes,
    });
    await this.limiter.take(this.closed.signal);
    const started = performance.now();
    this.requestCount++;
    // A followed log has no end: the request timeout only covers the response head.
    const res = await this.send('GET', u, { accept: '*/*', timeoutMs: opts.follow ? 0 : opts.timeoutMs });
    this.trace('GET', u, String(res.statusCode), started);
    if ((res.statusCode ?? 0) >= 300) {
      const body = await readBody(res);
      throw statusError(res.statusCode ?? 0, body, 'GET', u.pathname + u.search, this.contextName);
    }
    if (opts.follow) res.socket?.setTimeout(0);
    return res;
  }

  /** Whole log as text (bounded by limitBytes when given). */
  async logs(namespace: string, pod: string, opts: LogOptions = {}): Promise<string> {
    const res = await this.logStream(namespace, pod, opts);
    return readBody(res);
  }

  /**
   * Runs argv in a container over WebSocket (v5/v4 channel protocol) and returns stdout, stderr and the
   * exit code from the status channel. The timeout really ends the call: the socket is terminated.
   */
  async exec(
    namespace: string,
    pod: string,
    container: string,
    argv: string[],
    opts: ExecOptions = {},
  ): Promise<ExecResult> {
    const WebSocket = (await import('ws')).default;
    const { WsTransport, execQuery, STREAM } = await import('./ws.js');
    const timeoutMs = opts.timeoutMs ?? (this.opts.requestTimeoutMs || 30_000);
    const what = `exec ${argv.join(' ')} in ${namespace}/${pod}`;
    const path = `/api/v1/namespaces/${enc(namespace)}/pods/${enc(pod)}/exec`;
    await this.limiter.take(this.closed.signal);
    const started = performance.now();
    this.requestCount++;
    let rejectedBody: { code: number; body: string } | undefined;
    const handler = new WsTransport(WebSocket, {
      server: this.server,
      headers: { ...this.headers, 'User-Agent': USER_AGENT },
      secureContext: this.secureContext,
      rejectUnauthorized: this.tls.rejectUnauthorized,
      servername: this.tls.servername,
      handshakeTimeoutMs: timeoutMs,
      // Through the proxy the WebSocket needs the proxy agent; direct, it resumes this client's TLS session.
      agent: this.proxied ? this.agent : undefined,
      sessions: this.proxied ? undefined : this.tlsSessions,
      onRefused: (code, body) => {
        rejectedBody = { code, body };
      },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    const max = opts.maxBufferBytes ?? 256 * 1024 * 1024;
    let overflow = false;
    let status: K8sStatus | undefined;
    // The channel protocol as client-node's Exec reads it (exec.js, web-socket-handler.js
    // handleStandardStreams): 1 stdout, 2 stderr, 3 the final Status as JSON, which ends the call.
    const onChannel = (stream: number, chunk: Buffer): boolean => {
      if (chunk.length < 1) return true;
      if (stream === STREAM.stdout) {
        if (opts.onStdout) opts.onStdout(chunk);
        else if ((outBytes += chunk.length) > max) overflow = true;
        else out.push(chunk);
      } else if (stream === STREAM.stderr) {
        if ((errBytes += chunk.length) <= 64 * 1024) err.push(chunk);
      } else if (stream === STREAM.status) {
        try {
          status = JSON.parse(chunk.toString('utf8')) as K8sStatus;
        } catch {
          // an unreadable status is no status: reported below as closed without an exit status
        }
        return false;
      }
      return true;
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const ws = await Promise.race([
        handler.connect(`${path}?${execQuery(container, argv)}`, null, onChannel),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(execTimeout(what, timeoutMs)), timeoutMs);
        }),
      ]);
      await new Promise<void>((resolve, reject) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        clearTimeout(timer);
        timer = setTimeout(() => {
          ws.terminate();
          reject(execTimeout(what, timeoutMs));
        }, timeoutMs);
        ws.on('close', () => resolve());
        ws.on('error', (e: Error) => reject(e));
      });
    } catch (e) {
      this.trace('EXEC', new URL(this.server + path), 'ERR', started, oneLine(e));
      if (e instanceof KdiagError) throw e;
      if (rejectedBody)
        throw statusError(rejectedBody.code, rejectedBody.body, 'POST', `${path}?command=${argv[0]}`, this.contextName);
      throw transportError(e, this.server, what, this.hasCA);
    } finally {
      clearTimeout(timer);
    }
    this.trace('EXEC', new URL(this.server + path), status?.status ?? 'closed', started, argv.join(' '));
    if (overflow) throw new KdiagError('exec', `${what}: output larger than ${max} bytes`);
    const result = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
    if (!status) throw new KdiagError('exec', `${what}: the connection closed without an exit status`);
    if (status.status === 'Success') return { exitCode: 0, ...result };
    const exit = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
    if (status.reason === 'NonZeroExitCode' && exit !== undefined) return { exitCode: Number(exit), ...result };
    throw new KdiagError('exec', `${what} failed: ${status.message ?? status.reason ?? 'unknown error'}`);
  }

  async deletePod(namespace: string, name: string, gracePeriodSeconds?: number): Promise<KubeObject> {
    return this.json<KubeObject>('DELETE', `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}`, {
      body: { propagationPolicy: 'Background', ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) },
    });
  }

  /** SelfSubjectAccessReview: may the current user do this? */
  async canI(verb: string, resource: string, namespace?: string, group = ''): Promise<boolean> {
    const [res, sub] = resource.split('/');
    const review = await this.json<{ status?: { allowed?: boolean } }>(
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb, resource: res, subresource: sub, namespace, group } },
        },
      },
    );
    return review.status?.allowed === true;
  }

  private trace(method: string, u: URL, status: string, started: number, extra?: string): void {
    if (!this.opts.trace) return;
    const ms = Math.round(performance.now() - started);
    this.opts.trace(`${method} ${u.pathname}${u.search} ${status} ${ms}ms${extra ? ` (${extra})` : ''}`);
  }
}

function execTimeout(what: string, ms: number): KdiagError {
  return new KdiagError('timeout', `${what}: no answer within ${ms / 1000}s`, {
    hint: 'the command hung in the container; raise --request-timeout or check the node',
  });
}

const enc = encodeURIComponent;
