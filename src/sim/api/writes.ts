// Writes: DELETE of one object (pods go through the cluster's graceful deletion) and of a pod collection.
import type { ServerResponse } from 'node:http';
import { afterNodeGone, afterServiceGone } from '../cluster/cascade.js';
import type { Cluster } from '../cluster/index.js';
import { matchFields, matchLabels } from '../selectors.js';
import type { KObj } from '../store.js';
import { notFound, numOr, parseJson, send, stripTypeMeta, type Req } from './http.js';
import { fieldSel, labelSel } from './read.js';

export function deleteOne(
  cluster: Cluster,
  r: Req,
  resKey: string,
  plural: string,
  namespace: string | undefined,
  name: string,
  body: Buffer,
  res: ServerResponse,
): void {
  const opts = parseJson(body);
  const dryRun =
    r.query.get('dryRun') === 'All' || (Array.isArray(opts.dryRun) && (opts.dryRun as string[]).includes('All'));
  if (plural === 'pods') {
    const grace = numOr(r.query.get('gracePeriodSeconds'), opts.gracePeriodSeconds as number | undefined);
    const out = cluster.deletePod(namespace!, name, grace, dryRun);
    if (!out) throw notFound(plural, name);
    send(res, 200, out, r);
    return;
  }
  const obj = cluster.store.get(resKey, namespace, name);
  if (!obj) throw notFound(plural, name);
  if (!dryRun) {
    cluster.store.remove(resKey, obj);
    if (plural === 'services') afterServiceGone(cluster, obj);
    if (plural === 'nodes') afterNodeGone(cluster, obj);
  }
  send(
    res,
    200,
    {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, kind: plural, uid: obj.metadata.uid },
    },
    r,
  );
}

/** DELETE of a pod collection (kubectl delete pods -l …): each pod as a single DELETE, answered as a PodList. */
export function deletePods(
  cluster: Cluster,
  r: Req,
  namespace: string | undefined,
  body: Buffer,
  res: ServerResponse,
): void {
  const plural = 'pods';
  const lsel = labelSel(r.query);
  const fsel = fieldSel(r.query, plural);
  const opts = parseJson(body);
  const grace = numOr(r.query.get('gracePeriodSeconds'), opts.gracePeriodSeconds as number | undefined);
  const items = cluster.store
    .list('pods', namespace)
    .filter((o) => matchLabels(lsel, o.metadata.labels) && matchFields(fsel, o));
  const out = items
    .map((p) => cluster.deletePod(p.metadata.namespace!, p.metadata.name, grace, r.query.get('dryRun') === 'All'))
    .filter((x): x is KObj => !!x);
  send(
    res,
    200,
    {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(cluster.store.currentRv()) },
      items: out.map(stripTypeMeta),
    },
    r,
  );
}
