// A request for a resource: subresources (log, exec, status), the verb and its RBAC check, then the
// handler for that verb (read.ts, watch.ts, writes.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cluster } from '../cluster/index.js';
import { resourceKey, RESOURCES } from '../store.js';
import { allowed, forbidden, selfSubjectAccessReview } from './auth.js';
import { GROUP_VERSIONS, type ResourcePath } from './discovery.js';
import { execPrecheck } from './exec.js';
import {
  badRequest,
  HttpError,
  includeOf,
  isTrue,
  methodNotAllowed,
  notFound,
  resourceNotFound,
  send,
  status,
  type Req,
} from './http.js';
import { podLog } from './logs.js';
import { selfSubjectReview, selfSubjectRulesReview } from './reviews.js';
import { create, notSimulated, patch, update } from './modify.js';
import { fieldSel, labelSel, list, negotiate, table } from './read.js';
import { watch } from './watch.js';
import { deleteOne, deletePods } from './writes.js';

export async function resourceRequest(
  cluster: Cluster,
  r: Req,
  ri: ResourcePath,
  body: Buffer,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const plural = ri.plural!;
  const disco = GROUP_VERSIONS[ri.gv]!.list.resources.find((x) => x.name === plural && !x.group);
  if (!disco) throw resourceNotFound();
  const { namespace, name } = ri;
  let sub = ri.sub;
  if (!disco.namespaced && namespace !== undefined) throw resourceNotFound();
  const resKey = resourceKey(ri.group, plural);
  const known = RESOURCES.find((x) => x.plural === plural && x.group === ri.group);

  if (ri.gv === 'authorization.k8s.io/v1') {
    if (r.method !== 'POST') throw methodNotAllowed();
    if (plural === 'selfsubjectaccessreviews') selfSubjectAccessReview(cluster, r, body, req, res);
    else if (plural === 'selfsubjectrulesreviews') selfSubjectRulesReview(cluster, r, body, req, res);
    else throw notSimulated(`create of ${plural}`);
    return;
  }
  if (ri.gv === 'authentication.k8s.io/v1') {
    if (r.method !== 'POST') throw methodNotAllowed();
    if (plural === 'selfsubjectreviews') selfSubjectReview(cluster, r, res);
    else throw notSimulated(`create of ${plural}`);
    return;
  }

  if (sub) {
    if (plural !== 'pods' || !name) throw resourceNotFound();
    if (sub === 'log') {
      if (r.method !== 'GET') throw methodNotAllowed();
      if (!allowed(cluster.scenario, r.user, 'get', 'pods/log', namespace))
        throw forbidden(r.user, 'get', 'pods', 'log', '', namespace, name);
      podLog(cluster, r, namespace!, name, req, res);
      return;
    }
    if (sub === 'exec') {
      const verb = 'create';
      if (!allowed(cluster.scenario, r.user, verb, 'pods/exec', namespace))
        throw forbidden(r.user, verb, 'pods', 'exec', '', namespace, name);
      execPrecheck(cluster, namespace!, name, r.query);
      throw badRequest('Upgrade request required');
    }
    if (sub === 'status' && r.method === 'GET') {
      sub = undefined;
    } else throw resourceNotFound();
  }

  const verbOf = (): string => {
    if (r.method === 'GET') return name ? 'get' : isTrue(r.query.get('watch')) ? 'watch' : 'list';
    if (r.method === 'DELETE') return name ? 'delete' : 'deletecollection';
    if (r.method === 'POST') return 'create';
    if (r.method === 'PUT') return 'update';
    return 'patch';
  };
  const verb = verbOf();
  if (!disco.verbs.includes(verb)) throw methodNotAllowed();
  if (!allowed(cluster.scenario, r.user, verb, plural, namespace))
    throw forbidden(r.user, verb, plural, undefined, ri.group, namespace, name);

  // the kubelets renew their Leases and post heartbeats while nobody looks: bring them up to now
  if ((plural === 'nodes' || plural === 'leases') && (verb === 'get' || verb === 'list' || verb === 'watch'))
    cluster.heartbeat();

  if (verb === 'get') {
    const obj = known ? cluster.store.get(resKey, namespace, name!) : undefined;
    if (!obj) throw notFound(plural, name!);
    const acc = negotiate(r.accept);
    if (acc === 'not-acceptable') throw new HttpError(406, status(406, 'NotAcceptable', '406: Not Acceptable', {}));
    if (acc.kind === 'table') {
      send(
        res,
        200,
        table(resKey, [obj], acc.version, includeOf(r.query), String(obj.metadata.resourceVersion), undefined, true),
        r,
      );
    } else send(res, 200, obj, r);
    return;
  }
  if (verb === 'list' || verb === 'watch') {
    const lsel = labelSel(r.query);
    const fsel = fieldSel(r.query, plural);
    const acc = negotiate(r.accept);
    if (acc === 'not-acceptable') throw new HttpError(406, status(406, 'NotAcceptable', '406: Not Acceptable', {}));
    const sel = { resKey, kind: disco.kind, gv: ri.gv, namespace, lsel, fsel, acc };
    if (verb === 'watch') {
      watch(cluster, r, sel, req, res);
      return;
    }
    list(cluster, r, sel, known ? resKey : undefined, res);
    return;
  }
  if (verb === 'create' || verb === 'update' || verb === 'patch') {
    if (!known) throw notSimulated(`${verb} of ${plural}`);
    if (verb === 'create') create(cluster, r, known, namespace, body, res);
    else if (verb === 'update') update(cluster, r, known, namespace, name!, body, res);
    else patch(cluster, r, known, namespace, name!, String(req.headers['content-type'] ?? ''), body, res);
    return;
  }
  if (verb === 'delete') {
    deleteOne(cluster, r, resKey, plural, namespace, name!, body, res);
    return;
  }
  if (verb === 'deletecollection' && plural === 'pods') {
    deletePods(cluster, r, namespace, body, res);
    return;
  }
  throw methodNotAllowed();
}
