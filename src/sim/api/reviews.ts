// SelfSubjectRulesReview (`kubectl auth can-i --list`) and SelfSubjectReview (`kubectl auth whoami`),
// from the same RBAC model as SelfSubjectAccessReview: everything allowed except the scenario's denies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cluster } from '../cluster/index.js';
import { decodeSsrrNamespace } from '../protobuf.js';
import { allowed } from './auth.js';
import { GROUP_VERSIONS } from './discovery.js';
import { badRequest, parseJson, send, type Req } from './http.js';

export function selfSubjectRulesReview(
  cluster: Cluster,
  r: Req,
  body: Buffer,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  let namespace: string;
  try {
    namespace = String(req.headers['content-type'] ?? '').includes('protobuf')
      ? decodeSsrrNamespace(body)
      : String((parseJson(body).spec as { namespace?: string } | undefined)?.namespace ?? '');
  } catch (e) {
    throw badRequest(`the object provided is unrecognized: ${(e as Error).message}`);
  }
  const sc = cluster.scenario;
  let resourceRules: Record<string, unknown>[];
  if (!sc.rbac.deny.length) {
    // what cluster-admin's review lists
    resourceRules = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];
  } else {
    // RBAC has no deny: list, per served resource, the verbs the scenario leaves allowed
    resourceRules = [];
    for (const { list, group } of Object.values(GROUP_VERSIONS))
      for (const d of list.resources) {
        const verbs = d.verbs.filter((v) => allowed(sc, r.user, v, d.name, namespace || undefined));
        if (verbs.length) resourceRules.push({ verbs, apiGroups: [d.group ?? group], resources: [d.name] });
      }
  }
  send(
    res,
    201,
    {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { namespace },
      status: { resourceRules, nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false },
    },
    r,
  );
}

export function selfSubjectReview(cluster: Cluster, r: Req, res: ServerResponse): void {
  void cluster;
  send(
    res,
    201,
    {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: { userInfo: { username: r.user, groups: ['system:masters', 'system:authenticated'] } },
    },
    r,
  );
}
