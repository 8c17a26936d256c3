// OpenAPI v3 for the served group versions, so `kubectl apply` and `kubectl explain` work. The documents are
// the kube-apiserver v1.32 ones trimmed to the served resources (fixtures/kube-apiserver-openapi/, made by
// scripts/openapi.js; SOURCES.md there). Serving follows kube-openapi pkg/handler3/handler.go: /openapi/v3
// lists each group version with serverRelativeURL `/openapi/v3/<gv>?hash=<etag>` (etag = upper-case hex
// SHA-512 of the JSON); a stale hash is a 301 to the current one; a matching hash adds
// `cache-control: public, immutable`. Only JSON is served (no protobuf).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { scenariosDir } from '../paths.js';
import { GROUP_VERSIONS } from './discovery.js';
import { baseHeaders, HttpError, methodNotAllowed, pageNotFound, type Req } from './http.js';

interface Doc {
  json: Buffer;
  etag: string;
}

let docs: Map<string, Doc> | undefined;

function openapiDir(): string {
  return resolve(scenariosDir(), '../fixtures/kube-apiserver-openapi/v3');
}

/** Group version path (`api/v1`, `apis/apps/v1`) → its recorded document, for the served group versions. */
function load(): Map<string, Doc> {
  if (docs) return docs;
  docs = new Map();
  for (const gv of Object.keys(GROUP_VERSIONS)) {
    const path = gv === 'v1' ? 'api/v1' : `apis/${gv}`;
    const file = join(openapiDir(), `${path.replace(/\//g, '__')}.json.gz`);
    if (!existsSync(file)) continue;
    const json = gunzipSync(readFileSync(file));
    docs.set(path, { json, etag: createHash('sha512').update(json).digest('hex').toUpperCase() });
  }
  return docs;
}

function write(res: ServerResponse, code: number, body: Buffer | string, headers: Record<string, string>): void {
  res.writeHead(code, { ...baseHeaders(true), ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

export function serveOpenApi(r: Req, res: ServerResponse): void {
  if (r.method !== 'GET') throw methodNotAllowed();
  const all = load();
  if (r.path === '/openapi/v2') throw pageNotFound();
  if (r.path === '/openapi/v3') {
    const paths = Object.fromEntries(
      [...all.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([gv, d]) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${d.etag}` }]),
    );
    const body = JSON.stringify({ paths });
    const etag = createHash('sha512').update(body).digest('hex').toUpperCase();
    write(res, 200, body, { 'content-type': 'application/json', etag: `"${etag}"` });
    return;
  }
  const gv = r.path.slice('/openapi/v3/'.length);
  const doc = r.path.startsWith('/openapi/v3/') ? all.get(gv) : undefined;
  if (!doc) throw pageNotFound();
  const accept = r.accept || '*/*';
  if (!/(^|,)\s*(\*\/\*|application\/\*|application\/json)\s*(;|,|$)/.test(accept))
    throw new HttpError(406, '', { 'content-type': 'text/plain; charset=utf-8' });
  const hash = r.query.get('hash');
  if (hash && hash !== doc.etag) {
    const to = `/openapi/v3/${gv}?hash=${doc.etag}`;
    write(res, 301, `<a href="${to}">Moved Permanently</a>.\n\n`, {
      'content-type': 'text/html; charset=utf-8',
      location: to,
    });
    return;
  }
  const cache: Record<string, string> = hash
    ? {
        'cache-control': 'public, immutable',
        expires: new Date(Date.now() + 365 * 86400_000).toUTCString(),
      }
    : {};
  write(res, 200, doc.json, {
    'content-type': 'application/json',
    etag: `"${doc.etag}"`,
    vary: 'Accept',
    ...cache,
  });
}
