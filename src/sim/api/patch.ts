// The three patch types kubectl sends (apimachinery's strategicpatch, jsonpatch, JSON merge patch),
// applied to plain objects. Strategic merge knows the list merge keys of the resources served here.
import { HttpError, status } from './http.js';

type J = unknown;
type Obj = Record<string, J>;
const isObj = (v: J): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** RFC 7386: objects merge, null deletes, anything else (arrays too) replaces. */
export function mergePatch(target: J, patch: J): J {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** patchMergeKey of the lists in the served types (k8s.io/api core/v1, apps/v1 struct tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  taints: 'key',
  addresses: 'type',
  ownerReferences: 'uid',
};
/** Container and Service ports: containerPort / port. */
const portKey = (items: J[]): string | undefined =>
  items.some((x) => isObj(x) && 'containerPort' in x)
    ? 'containerPort'
    : items.some((x) => isObj(x) && 'port' in x)
      ? 'port'
      : undefined;

/** Strategic merge patch: like a merge patch, but lists with a merge key merge by it; `$patch` directives. */
export function strategicMergePatch(target: J, patch: J): J {
  if (!isObj(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    void _p;
    return rest;
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k.startsWith('$deleteFromPrimitiveList/')) continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = mergeList(k, out[k], v);
    else if (isObj(v)) {
      const m = strategicMergePatch(out[k], v);
      if (m === undefined) delete out[k];
      else out[k] = m;
    } else out[k] = v;
  }
  return out;
}

function mergeList(field: string, target: J, patch: J[]): J {
  const key = MERGE_KEYS[field] ?? (field === 'ports' ? portKey(patch) : undefined);
  if (!key || !Array.isArray(target)) return patch.filter((x) => !(isObj(x) && x.$patch));
  const out = [...(target as J[])];
  for (const item of patch) {
    if (!isObj(item) || !(key in item)) continue;
    const i = out.findIndex((x) => isObj(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMergePatch(out[i], item);
    else out.push(strategicMergePatch({}, item));
  }
  return out;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test); errors as the apiserver words them. */
export function jsonPatch(target: J, ops: J): J {
  if (!Array.isArray(ops)) throw invalidPatch('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(target);
  for (const op of ops as Obj[]) {
    const path = String(op.path ?? '');
    switch (op.op) {
      case 'add':
        doc = put(doc, path, structuredClone(op.value), 'add');
        break;
      case 'replace':
        get(doc, path);
        doc = put(doc, path, structuredClone(op.value), 'replace');
        break;
      case 'remove':
        get(doc, path);
        doc = put(doc, path, undefined, 'remove');
        break;
      case 'move': {
        const v = get(doc, String(op.from));
        doc = put(doc, String(op.from), undefined, 'remove');
        doc = put(doc, path, v, 'add');
        break;
      }
      case 'copy':
        doc = put(doc, path, structuredClone(get(doc, String(op.from))), 'add');
        break;
      case 'test':
        if (JSON.stringify(get(doc, path)) !== JSON.stringify(op.value))
          throw invalidPatch(`testing value ${path} failed: test failed`);
        break;
      default:
        throw invalidPatch(`Unexpected kind: ${String(op.op)}`);
    }
  }
  return doc;
}

const invalidPatch = (msg: string): HttpError => new HttpError(422, status(422, 'Invalid', msg, {}));

const tokens = (path: string): string[] =>
  path === ''
    ? []
    : path
        .slice(1)
        .split('/')
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));

function get(doc: J, path: string): J {
  let cur = doc;
  for (const t of tokens(path)) {
    if (Array.isArray(cur) && /^\d+$/.test(t) && Number(t) < cur.length) cur = cur[Number(t)];
    else if (isObj(cur) && t in cur) cur = cur[t];
    else throw invalidPatch(`doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function put(doc: J, path: string, value: J, mode: 'add' | 'replace' | 'remove'): J {
  const ts = tokens(path);
  if (!ts.length) return value;
  const last = ts.pop()!;
  const parent = get(doc, ts.length ? '/' + ts.map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1')).join('/') : '');
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length)
      throw invalidPatch(`add operation does not apply: doc is missing path: "${path}": missing value`);
    if (mode === 'add') parent.splice(i, 0, value);
    else if (mode === 'replace') parent[i] = value;
    else parent.splice(i, 1);
  } else if (isObj(parent)) {
    if (mode === 'remove') delete parent[last];
    else parent[last] = value;
  } else throw invalidPatch(`add operation does not apply: doc is missing path: "${path}": missing value`);
  return doc;
}
