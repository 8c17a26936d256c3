// Writes that change objects: POST create, PUT update and PATCH (strategic merge, JSON merge, JSON
// patch), with resourceVersion conflicts (409) and server-side dry-run. Shapes follow the recordings
// (error.409.*, error.415.*, error.422.invalid-configmap.create, error.400.malformed-json.create).
import type { ServerResponse } from 'node:http';
import type { Cluster } from '../cluster/index.js';
import { rollCilium } from '../cluster/rollout.js';
import { clone, resourceKey, type KObj, type ResourceDef } from '../store.js';
import { ts } from '../cluster/nodes.js';
import { badRequest, HttpError, send, status, type Req } from './http.js';
import { decodeCreateProtobuf } from '../protobuf.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';

/** Resources a POST creates; creating anything else answers 405 "not simulated". */
const CREATABLE = new Set(['namespaces', 'configmaps', 'serviceaccounts']);

export const notSimulated = (what: string): HttpError =>
  new HttpError(
    405,
    status(
      405,
      'MethodNotAllowed',
      `${what} is not simulated by kdiag sim (the server does not allow this method on the requested resource)`,
      {},
    ),
  );

const keyOf = (def: ResourceDef): string => resourceKey(def.group, def.plural);
const isDryRun = (r: Req): boolean => r.query.getAll('dryRun').includes('All');

function parseObject(body: Buffer, kind: string): Record<string, unknown> {
  if (body.subarray(0, 4).toString('latin1') === 'k8s\0') {
    // kubectl's typed clients send protobuf (kubectl create namespace/configmap)
    if (kind !== 'Namespace' && kind !== 'ConfigMap')
      throw new HttpError(
        415,
        status(415, 'UnsupportedMediaType', `protobuf ${kind} bodies are not simulated by kdiag sim; send JSON`, {}),
      );
    try {
      return decodeCreateProtobuf(body);
    } catch (e) {
      throw badRequest(`the object provided is unrecognized (must be of type ${kind}): ${(e as Error).message}`);
    }
  }
  const text = body.toString('utf8');
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object') return v as Record<string, unknown>;
  } catch {
    // fall through to the apiserver's wording
  }
  const head = text.length > 30 ? `${text.slice(0, 30)} ...` : text;
  throw badRequest(
    `the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: unexpected end of JSON input (${head})`,
  );
}

const conflict = (plural: string, name: string): HttpError =>
  new HttpError(
    409,
    status(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, kind: plural },
    ),
  );

const invalid = (kind: string, name: string, field: string, message: string, reason = 'FieldValueInvalid'): HttpError =>
  new HttpError(
    422,
    status(422, 'Invalid', `${kind} "${name}" is invalid: ${field}: ${message}`, {
      name,
      kind,
      causes: [{ reason, message, field }],
    }),
  );

function validate(def: ResourceDef, obj: KObj): void {
  if (def.plural !== 'configmaps') return;
  for (const k of Object.keys({ ...(obj.data as object), ...(obj.binaryData as object) }))
    if (!/^[-._a-zA-Z0-9]+$/.test(k))
      throw invalid(
        'ConfigMap',
        obj.metadata.name,
        `data[${k}]`,
        `Invalid value: "${k}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      );
}

export function create(
  cluster: Cluster,
  r: Req,
  def: ResourceDef,
  namespace: string | undefined,
  body: Buffer,
  res: ServerResponse,
): void {
  if (!CREATABLE.has(def.plural)) throw notSimulated(`create of ${def.plural}`);
  const obj = parseObject(body, def.kind) as KObj;
  const meta = (obj.metadata ?? {}) as KObj['metadata'] & { generateName?: string };
  if (namespace && meta.namespace && meta.namespace !== namespace)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if (namespace && !cluster.store.get('namespaces', undefined, namespace))
    throw new HttpError(
      404,
      status(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' }),
    );
  const name = meta.name || (meta.generateName ? `${meta.generateName}${cluster.prng.suffix()}` : '');
  if (!name)
    throw invalid(
      def.kind,
      '',
      'metadata.name',
      'Required value: name or generateName is required',
      'FieldValueRequired',
    );
  if (cluster.store.get(keyOf(def), namespace, name))
    throw new HttpError(
      409,
      status(409, 'AlreadyExists', `${def.plural} "${name}" already exists`, { name, kind: def.plural }),
    );
  const out: KObj = {
    ...obj,
    kind: def.kind,
    apiVersion: def.group ? `${def.group}/${def.version}` : def.version,
    metadata: {
      ...meta,
      name,
      ...(namespace ? { namespace } : {}),
      uid: cluster.prng.uuid(),
      resourceVersion: '0',
      creationTimestamp: ts(new Date()),
    },
  };
  if (def.plural === 'namespaces') {
    out.metadata.labels = { ...out.metadata.labels, 'kubernetes.io/metadata.name': name };
    out.spec = { finalizers: ['kubernetes'] };
    out.status = { phase: 'Active' };
  }
  validate(def, out);
  if (!isDryRun(r)) cluster.store.create(keyOf(def), out);
  send(res, 201, out, r);
}

/** The parts of an object a write may not change, and the bookkeeping the apiserver does on a change. */
function settle(cluster: Cluster, def: ResourceDef, cur: KObj, next: KObj, plural: string): KObj {
  const out = clone(next);
  out.kind = cur.kind;
  out.apiVersion = cur.apiVersion;
  out.metadata = {
    ...out.metadata,
    name: cur.metadata.name,
    ...(cur.metadata.namespace ? { namespace: cur.metadata.namespace } : {}),
    uid: cur.metadata.uid,
    creationTimestamp: cur.metadata.creationTimestamp,
    resourceVersion: cur.metadata.resourceVersion,
  };
  // status is its own subresource: the main resource keeps it as it was
  if ('status' in cur) out.status = cur.status;
  if (plural !== 'namespaces' && JSON.stringify(out.spec) !== JSON.stringify(cur.spec) && cur.metadata.generation)
    out.metadata.generation = cur.metadata.generation + 1;
  if (def.plural === 'daemonsets') {
    const tplChanged =
      JSON.stringify((out.spec as { template?: unknown }).template) !==
      JSON.stringify((cur.spec as { template?: unknown }).template);
    if (tplChanged)
      out.metadata.annotations = {
        ...out.metadata.annotations,
        'deprecated.daemonset.template.generation': String(out.metadata.generation ?? 1),
      };
  }
  validate(def, out);
  void cluster;
  return out;
}

function commit(cluster: Cluster, def: ResourceDef, cur: KObj, out: KObj): KObj {
  const saved = cluster.store.update(keyOf(def), out);
  if (def.plural === 'daemonsets' && cur.metadata.name === 'cilium' && cur.metadata.namespace === cluster.ns) {
    if (saved.metadata.generation !== cur.metadata.generation) rollCilium(cluster);
  }
  return saved;
}

export function update(
  cluster: Cluster,
  r: Req,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  body: Buffer,
  res: ServerResponse,
): void {
  const obj = parseObject(body, def.kind) as KObj;
  const cur = cluster.store.get(keyOf(def), namespace, name);
  if (!cur)
    throw new HttpError(404, status(404, 'NotFound', `${def.plural} "${name}" not found`, { name, kind: def.plural }));
  if (obj.metadata?.name && obj.metadata.name !== name)
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  const rv = obj.metadata?.resourceVersion;
  if (rv && rv !== cur.metadata.resourceVersion) throw conflict(def.plural, name);
  const out = settle(cluster, def, cur, obj, def.plural);
  send(res, 200, isDryRun(r) ? out : commit(cluster, def, cur, out), r);
}

export function patch(
  cluster: Cluster,
  r: Req,
  def: ResourceDef,
  namespace: string | undefined,
  name: string,
  contentType: string,
  body: Buffer,
  res: ServerResponse,
): void {
  const type = contentType.split(';')[0]!.trim();
  const kinds = [
    'application/strategic-merge-patch+json',
    'application/merge-patch+json',
    'application/json-patch+json',
  ];
  if (type === 'application/apply-patch+yaml' || type === 'application/apply-patch+cbor')
    throw new HttpError(
      415,
      status(
        415,
        'UnsupportedMediaType',
        'server-side apply is not simulated by kdiag sim (415: Unsupported Media Type)',
        {},
      ),
    );
  if (!kinds.includes(type))
    throw new HttpError(415, status(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {}));
  const cur = cluster.store.get(keyOf(def), namespace, name);
  if (!cur)
    throw new HttpError(404, status(404, 'NotFound', `${def.plural} "${name}" not found`, { name, kind: def.plural }));
  let p: unknown;
  try {
    p = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  const base = clone(cur) as unknown;
  const next = (
    type === 'application/json-patch+json'
      ? jsonPatch(base, p)
      : type === 'application/merge-patch+json'
        ? mergePatch(base, p)
        : strategicMergePatch(base, p)
  ) as KObj;
  const rv = (next.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
  if (rv && rv !== cur.metadata.resourceVersion) throw conflict(def.plural, name);
  const out = settle(cluster, def, cur, next, def.plural);
  send(res, 200, isDryRun(r) ? out : commit(cluster, def, cur, out), r);
}
