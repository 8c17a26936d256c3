// list and get: content negotiation (JSON, Table, PartialObjectMetadata), label and field selectors,
// pagination with the apiserver's continue tokens, resourceVersion rules, and chunked large lists.
import type { ServerResponse } from 'node:http';
import type { Cluster } from '../cluster/index.js';
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  type FieldReq,
  type LabelReq,
} from '../selectors.js';
import type { KObj } from '../store.js';
import { columnsFor, tableRow, type IncludeObject } from '../tables.js';
import { badRequest, baseHeaders, HttpError, includeOf, send, status, stripTypeMeta, type Req } from './http.js';

export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

export function decodeContinue(token: string): { rv: number; start: string } {
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

export type Accept = { kind: 'json' } | { kind: 'table'; version: string } | { kind: 'meta' };

export function negotiate(accept: string): Accept | 'not-acceptable' {
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

export function labelSel(q: URLSearchParams): LabelReq[] {
  try {
    return parseLabelSelector(q.get('labelSelector') ?? '');
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

export function fieldSel(q: URLSearchParams, plural: string): FieldReq[] {
  try {
    return parseFieldSelector(q.get('fieldSelector') ?? '', plural);
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

export function table(
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

/** What a list or watch selects and how it answers. */
export interface Selection {
  resKey: string;
  kind: string;
  gv: string;
  namespace: string | undefined;
  lsel: LabelReq[];
  fsel: FieldReq[];
  acc: Accept;
}

export function list(
  cluster: Cluster,
  r: Req,
  sel: Selection,
  storeKey: string | undefined,
  res: ServerResponse,
): void {
  const { resKey, kind, gv, namespace, lsel, fsel, acc } = sel;
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
  const current = cluster.store.currentRv();
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
  const all = storeKey ? cluster.store.list(storeKey, namespace) : [];
  const keyOf = (o: KObj): string =>
    namespace ? o.metadata.name : o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
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
    send(
      res,
      200,
      table(
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
  streamList(
    res,
    head,
    acc.kind === 'meta'
      ? items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata }))
      : items.map(stripTypeMeta),
    r,
  );
}

/** Large lists are written in chunks instead of one giant string. */
export function streamList(res: ServerResponse, head: Record<string, unknown>, items: unknown[], r: Req): void {
  if (items.length <= 500) {
    send(res, 200, { ...head, items }, r);
    return;
  }
  res.writeHead(200, { ...baseHeaders(true), 'content-type': 'application/json' });
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
