// Maps transport failures and API Status responses to typed, one-line KdiagErrors.
import { ForbiddenError, KdiagError, oneLine } from '../errors.js';
import { requestInfo } from './request-info.js';

export interface K8sStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { retryAfterSeconds?: number; causes?: { reason?: string; message?: string; field?: string }[] };
}

export function parseStatus(body: string): K8sStatus | undefined {
  try {
    const s = JSON.parse(body) as K8sStatus;
    return s && s.kind === 'Status' ? s : undefined;
  } catch {
    return undefined;
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** A request that never got an HTTP answer. */
export function transportError(e: unknown, server: string, what: string, hasCA = true): KdiagError {
  if (e instanceof KdiagError) return e;
  const code = (e as { code?: string })?.code ?? '';
  if (code === 'ECONNREFUSED')
    return new KdiagError('unreachable', `cannot reach the Kubernetes API at ${server}: connection refused`, {
      hint: 'is the cluster running? check --context/--kubeconfig',
      cause: e,
    });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new KdiagError('unreachable', `cannot resolve the Kubernetes API host of ${server} (DNS: ${code})`, {
      hint: 'check the server address in the kubeconfig',
      cause: e,
    });
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return new KdiagError(
      'unreachable',
      `connection to the Kubernetes API at ${server} failed (${code}) during ${what}`,
      {
        cause: e,
      },
    );
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(oneLine(e)))
    return new KdiagError('tls', `TLS error talking to ${server}: ${oneLine(e)}`, {
      hint: tlsHint(code, hasCA),
      cause: e,
    });
  return new KdiagError('unreachable', `request to the Kubernetes API failed (${what}): ${oneLine(e)}`, { cause: e });
}

/** What to do about a TLS failure: a missing CA is not a CA that does not match. */
function tlsHint(code: string, hasCA: boolean): string {
  if (code === 'CERT_HAS_EXPIRED') return 'the API server certificate has expired';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return 'the API server certificate is not issued for this address; check the server (or tls-server-name) in the kubeconfig';
  if (!hasCA)
    return 'the kubeconfig has no certificate-authority(-data) for this cluster and the system CAs do not trust the server certificate: add the cluster CA';
  return 'the cluster CA in the kubeconfig does not match the server certificate';
}

/** An HTTP error answer from the API server. */
export function statusError(code: number, body: string, method: string, urlPath: string, context?: string): KdiagError {
  const st = parseStatus(body);
  const msg = st?.message ?? (body.trim().slice(0, 300) || `HTTP ${code}`);
  const info = requestInfo(method, urlPath, new URL(urlPath, 'http://x').searchParams);
  const what = `${method} ${urlPath.split('?')[0]}`;
  switch (code) {
    case 401:
      return new KdiagError(
        'unauthorized',
        `unauthorized: the API server rejected the credentials${context ? ` of context "${context}"` : ''}`,
        {
          hint: 'the token or client certificate is invalid or expired; refresh your kubeconfig',
          status: 401,
        },
      );
    case 403:
      return new ForbiddenError(info.verb, info.resource, info.namespace, msg);
    case 404:
      return new KdiagError('not-found', `not found: ${msg === '404 page not found' ? what : msg}`, { status: 404 });
    case 408:
    case 504:
      return new KdiagError('timeout', `the API server timed out (${what}): ${msg}`, { status: code });
    case 429:
      return new KdiagError('rate-limited', `the API server is throttling requests (429) for ${what}: ${msg}`, {
        hint: 'lower --concurrency',
        status: 429,
      });
    default:
      if (code >= 500)
        return new KdiagError('server', `the API server failed (${code}) for ${what}: ${msg}`, { status: code });
      return new KdiagError('bad-request', `the API server refused ${what} (${code}): ${msg}`, { status: code });
  }
}
