// In-memory object store with etcd-like resourceVersions, key order and a watch event log.
import { EventEmitter } from 'node:events';

export interface ObjMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Record<string, unknown>[];
  generation?: number;
  [k: string]: unknown;
}

export interface KObj {
  kind: string;
  apiVersion: string;
  metadata: ObjMeta;
  [k: string]: unknown;
}

export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  resource: string;
  rv: number;
  obj: KObj;
}

/** Resources the simulator stores objects for; any other resource in discovery lists as empty. */
export const RESOURCES: ResourceDef[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', plural: 'endpoints', kind: 'Endpoints', namespaced: true },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true },
  { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
  { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true },
];

export function resourceKey(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

/** How many past events a watch may resume from (the watch cache window). */
const EVENT_WINDOW = 20000;

export class Store extends EventEmitter {
  private rv = 0;
  private readonly data = new Map<string, Map<string, KObj>>();
  private readonly sorted = new Map<string, string[] | null>();
  private readonly log: StoreEvent[] = [];
  /** Oldest rv a watch can start from; older ones get 410 Expired. */
  private compactedRv = 0;

  constructor() {
    super();
    this.setMaxListeners(0);
  }

  currentRv(): number {
    return this.rv;
  }

  oldestWatchableRv(): number {
    return this.compactedRv;
  }

  /** Mark the current state as the start of the watch window (after bulk loading). */
  markBaseline(): void {
    this.compactedRv = this.rv;
    this.log.length = 0;
  }

  private bucket(res: string): Map<string, KObj> {
    let b = this.data.get(res);
    if (!b) {
      b = new Map();
      this.data.set(res, b);
    }
    return b;
  }

  static key(obj: { metadata: { namespace?: string; name: string } }): string {
    return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
  }

  get(res: string, namespace: string | undefined, name: string): KObj | undefined {
    return this.data.get(res)?.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Objects of a resource in etcd key order, optionally in one namespace. */
  list(res: string, namespace?: string): KObj[] {
    const b = this.data.get(res);
    if (!b) return [];
    let keys = this.sorted.get(res);
    if (!keys) {
      keys = [...b.keys()].sort();
      this.sorted.set(res, keys);
    }
    const out: KObj[] = [];
    if (namespace) {
      const prefix = `${namespace}/`;
      // binary search for the first key with the prefix
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keys[mid]! < prefix) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < keys.length && keys[i]!.startsWith(prefix); i++) out.push(b.get(keys[i]!)!);
      return out;
    }
    for (const k of keys) out.push(b.get(k)!);
    return out;
  }

  count(res: string): number {
    return this.data.get(res)?.size ?? 0;
  }

  private record(type: EventType, res: string, obj: KObj): void {
    const ev: StoreEvent = { type, resource: res, rv: this.rv, obj };
    this.log.push(ev);
    if (this.log.length > EVENT_WINDOW) {
      const dropped = this.log.splice(0, this.log.length - EVENT_WINDOW);
      this.compactedRv = dropped[dropped.length - 1]!.rv;
    }
    this.emit('event', ev);
  }

  /** Insert a new object (assigns resourceVersion). Emits ADDED unless `quiet` (bulk loading). */
  create(res: string, obj: KObj, quiet = false): KObj {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    const b = this.bucket(res);
    const k = Store.key(obj);
    if (!b.has(k)) this.sorted.set(res, null);
    b.set(k, obj);
    if (!quiet) this.record('ADDED', res, obj);
    return obj;
  }

  /** Replace an object with an updated copy; emits MODIFIED. */
  update(res: string, obj: KObj): KObj {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    this.bucket(res).set(Store.key(obj), obj);
    this.record('MODIFIED', res, obj);
    return obj;
  }

  remove(res: string, obj: KObj): KObj {
    const b = this.bucket(res);
    const k = Store.key(obj);
    if (!b.has(k)) return obj;
    this.rv++;
    const gone = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } };
    b.delete(k);
    this.sorted.set(res, null);
    this.record('DELETED', res, gone);
    return gone;
  }

  /** Events after `rv` for a resource, or null when `rv` is older than the window. */
  eventsSince(res: string, rv: number): StoreEvent[] | null {
    if (rv < this.compactedRv) return null;
    return this.log.filter((e) => e.resource === res && e.rv > rv);
  }
}

/** Deep copy through JSON (objects are plain data). */
export function clone<T>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}
