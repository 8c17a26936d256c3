// watch: ADDED for the current state (or the events since a resourceVersion, 410 when too old), live
// MODIFIED/DELETED as objects enter and leave the selection, BOOKMARKs and timeoutSeconds.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cluster } from '../cluster/index.js';
import { matchFields, matchLabels } from '../selectors.js';
import type { KObj, StoreEvent } from '../store.js';
import { columnsFor, tableRow } from '../tables.js';
import { baseHeaders, includeOf, isTrue, status, type Req } from './http.js';
import type { Selection } from './read.js';

export function watch(cluster: Cluster, r: Req, sel: Selection, req: IncomingMessage, res: ServerResponse): void {
  const { resKey, kind, gv, namespace, lsel, fsel, acc } = sel;
  const store = cluster.store;
  const q = r.query;
  const rvParam = q.get('resourceVersion');
  const bookmarks = isTrue(q.get('allowWatchBookmarks'));
  const timeoutSec = Number(q.get('timeoutSeconds') ?? 0);
  const matches = (o: KObj): boolean =>
    (!namespace || o.metadata.namespace === namespace) && matchLabels(lsel, o.metadata.labels) && matchFields(fsel, o);
  res.writeHead(200, { ...baseHeaders(true), 'content-type': 'application/json' });
  res.flushHeaders();
  let firstTable = true;
  const write = (type: string, obj: unknown): void => {
    let o = obj;
    if (acc.kind === 'table' && type !== 'ERROR' && type !== 'BOOKMARK') {
      const ko = obj as KObj;
      o = {
        kind: 'Table',
        apiVersion: acc.version,
        metadata: { resourceVersion: ko.metadata.resourceVersion },
        columnDefinitions: firstTable ? columnsFor(resKey) : null,
        rows: [tableRow(resKey, ko, includeOf(q), acc.version)],
      };
      firstTable = false;
    }
    res.write(JSON.stringify({ type, object: o }) + '\n');
  };
  const inSet = new Set<string>();
  const keyOf = (o: KObj): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const deliver = (e: StoreEvent): void => {
    if (e.resource !== resKey) return;
    const k = keyOf(e.obj);
    const m = matches(e.obj);
    if (e.type === 'DELETED') {
      if (inSet.delete(k) || m) write('DELETED', e.obj);
      return;
    }
    if (m) {
      write(inSet.has(k) ? 'MODIFIED' : 'ADDED', e.obj);
      inSet.add(k);
    } else if (inSet.delete(k)) write('DELETED', e.obj);
  };
  if (!rvParam || rvParam === '0') {
    for (const o of store.list(resKey, namespace)) {
      if (!matches(o)) continue;
      inSet.add(keyOf(o));
      write('ADDED', o);
    }
  } else {
    const since = Number(rvParam);
    const evs = Number.isFinite(since) ? store.eventsSince(resKey, since) : null;
    if (!evs) {
      write('ERROR', status(410, 'Expired', `too old resource version: ${rvParam} (${store.oldestWatchableRv()})`));
      res.end();
      return;
    }
    // objects that matched at `since` are those matching now or touched later; seed the set from the current state
    for (const o of store.list(resKey, namespace)) if (matches(o)) inSet.add(keyOf(o));
    for (const e of evs) {
      if (e.type === 'ADDED') inSet.delete(keyOf(e.obj));
      deliver(e);
    }
  }
  store.on('event', deliver);
  const timers: NodeJS.Timeout[] = [];
  const bookmark = (): void => {
    const o: Record<string, unknown> = {
      kind,
      apiVersion: gv,
      metadata: { resourceVersion: String(store.currentRv()), creationTimestamp: null },
    };
    if (kind === 'Pod') Object.assign(o, { spec: { containers: null }, status: {} });
    res.write(JSON.stringify({ type: 'BOOKMARK', object: o }) + '\n');
  };
  const finish = (): void => {
    store.off('event', deliver);
    timers.forEach(clearTimeout);
    if (!res.writableEnded) res.end();
  };
  if (timeoutSec > 0) {
    if (bookmarks && timeoutSec > 2) timers.push(setTimeout(bookmark, (timeoutSec - 2) * 1000));
    timers.push(setTimeout(finish, timeoutSec * 1000));
  }
  if (bookmarks) {
    const iv = setInterval(bookmark, 60_000);
    timers.push(iv as unknown as NodeJS.Timeout);
    res.on('close', () => clearInterval(iv));
  }
  req.on('close', finish);
  res.on('close', finish);
}
