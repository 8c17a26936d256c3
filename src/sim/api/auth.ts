// Authentication (the kubeconfig's bearer token), RBAC from the scenario's deny rules with the
// apiserver's 403 wording, SelfSubjectAccessReview, and the scenario's API faults (latency, 429/5xx).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cluster } from '../cluster/index.js';
import { Prng } from '../prng.js';
import { decodeSsarProtobuf, type AccessReviewSpec } from '../protobuf.js';
import type { Scenario } from '../scenario.js';
import { badRequest, HttpError, parseJson, send, status, type Req } from './http.js';

/** The user a request runs as: the scenario's user for the kubeconfig's token, anonymous without one, null (401) otherwise. */
export function authenticate(headers: IncomingMessage['headers'], token: string, sc: Scenario): string | null {
  const auth = headers.authorization;
  if (!auth) return 'system:anonymous';
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  if (!m || m[1]!.trim() !== token) return null;
  return sc.rbac.user;
}

/** RBAC: everything is allowed except the scenario's `rbac.deny` rules (and anything for anonymous). */
export function allowed(
  sc: Scenario,
  user: string,
  verb: string,
  resource: string,
  namespace: string | undefined,
): boolean {
  if (user === 'system:anonymous') return false;
  for (const d of sc.rbac.deny) {
    if (d.verb !== verb) continue;
    if (d.resource !== resource && d.resource !== '*') continue;
    if (d.namespace && namespace !== undefined && d.namespace !== namespace) continue;
    if (d.namespace && namespace === undefined && verb !== 'list' && verb !== 'watch') continue;
    return false;
  }
  return true;
}

export function forbidden(
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

/** The scenario's API faults: added latency, and 429/500/503 answers by rate (seeded) or count. */
export class ApiFaults {
  private readonly rng: Prng;
  private readonly hits = new Map<number, number>();

  constructor(
    private readonly sc: Scenario,
    private readonly latencyMs: number,
  ) {
    this.rng = new Prng(sc.seed ^ 0x5eed);
  }

  /** Waits the latency, then throws the injected failure if one fires for this request. */
  async inject(method: string, path: string): Promise<void> {
    const sc = this.sc;
    let delay = this.latencyMs + sc.api.latencyMs;
    let failure: HttpError | undefined;
    sc.api.faults.forEach((f, i) => {
      if (f.method && f.method !== method) return;
      if (f.path !== '*' && !path.startsWith(f.path)) return;
      if (f.latencyMs) delay += f.latencyMs;
      if (!f.status || failure) return;
      const hits = (this.hits.get(i) ?? 0) + 1;
      this.hits.set(i, hits);
      const fire = f.times !== undefined ? hits <= f.times : f.rate !== undefined ? this.rng.next() < f.rate : true;
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
}

/** `kubectl auth can-i`: answers from the same RBAC rules (JSON or protobuf body). */
export function selfSubjectAccessReview(
  cluster: Cluster,
  r: Req,
  body: Buffer,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  let spec: AccessReviewSpec;
  const ct = String(req.headers['content-type'] ?? '');
  try {
    spec = ct.includes('protobuf') ? decodeSsarProtobuf(body) : ((parseJson(body).spec ?? {}) as AccessReviewSpec);
  } catch (e) {
    throw badRequest(`the object provided is unrecognized: ${(e as Error).message}`);
  }
  const ra = spec.resourceAttributes;
  let ok = true;
  if (ra?.verb && ra.resource) {
    const res2 = ra.subresource ? `${ra.resource}/${ra.subresource}` : ra.resource;
    ok = allowed(cluster.scenario, r.user, ra.verb, res2, ra.namespace || undefined);
  }
  const st: Record<string, unknown> = { allowed: ok };
  if (ok)
    st.reason =
      'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"';
  send(
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
