// HTTP plumbing shared by every API handler: the request as handlers see it, Status errors with the
// apiserver's wording, response headers (audit id, priority-and-fairness uids) and small query helpers.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KObj } from '../store.js';
import type { IncludeObject } from '../tables.js';

const FLOWSCHEMA_UID = 'b91409f2-d0ed-4722-b9b4-fb99b0fac617';
const PRIORITYLEVEL_UID = 'b004f8d0-7eb9-4337-979a-80ee73cd03d9';

export interface Req {
  method: string;
  path: string;
  query: URLSearchParams;
  accept: string;
  userAgent: string;
  user: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown> | string,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : String(body.message));
  }
}

export function status(
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

export const notFound = (plural: string, name: string): HttpError =>
  new HttpError(404, status(404, 'NotFound', `${plural} "${name}" not found`, { name, kind: plural }));
export const badRequest = (message: string): HttpError => new HttpError(400, status(400, 'BadRequest', message));
export const pageNotFound = (): HttpError =>
  new HttpError(404, '404 page not found\n', {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  });
export const resourceNotFound = (): HttpError =>
  new HttpError(404, status(404, 'NotFound', 'the server could not find the requested resource', {}));

export function baseHeaders(authenticated: boolean): Record<string, string> {
  const h: Record<string, string> = { 'audit-id': randomUUID(), 'cache-control': 'no-cache, private' };
  if (authenticated) {
    h['x-kubernetes-pf-flowschema-uid'] = FLOWSCHEMA_UID;
    h['x-kubernetes-pf-prioritylevel-uid'] = PRIORITYLEVEL_UID;
  }
  return h;
}

export function send(
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
    ...baseHeaders(code !== 401),
    'content-type': 'application/json',
    ...(code === 403 ? { 'x-content-type-options': 'nosniff' } : {}),
    ...extra,
    'content-length': String(Buffer.byteLength(text)),
  };
  res.writeHead(code, headers);
  res.end(text);
}

/**
 * A boolean query parameter as apimachinery reads it (Convert_Slice_string_To_bool): absent is false,
 * and any value other than "0" or "false" (any case) is true, so `watch=True`, `follow=1` and `watch=`
 * all turn the flag on.
 */
export function isTrue(v: string | null): boolean {
  if (v === null) return false;
  const s = v.toLowerCase();
  return s !== '0' && s !== 'false';
}

export function includeOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'Object' ? 'Object' : v === 'None' ? 'None' : 'Metadata';
}

export function numOr(q: string | null, b: number | undefined): number | undefined {
  if (q !== null && q !== '' && Number.isFinite(Number(q))) return Number(q);
  return typeof b === 'number' ? b : undefined;
}

export function parseJson(body: Buffer): Record<string, unknown> {
  if (!body.length) return {};
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function stripTypeMeta(o: KObj): Record<string, unknown> {
  const { kind: _k, apiVersion: _a, ...rest } = o;
  void _k;
  void _a;
  return rest;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export const methodNotAllowed = (): HttpError =>
  new HttpError(
    405,
    status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
  );
