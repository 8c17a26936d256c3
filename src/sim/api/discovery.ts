// Discovery: the group versions the simulator serves (recorded APIResourceLists plus authorization.k8s.io)
// and how a request path splits into group version, namespace, resource, name and subresource.
import { API_V1, APPS_V1, DISCOVERY_V1 } from '../recorded.js';

export const AUTHZ_V1 = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'authorization.k8s.io/v1',
  resources: [
    {
      name: 'localsubjectaccessreviews',
      singularName: '',
      namespaced: true,
      kind: 'LocalSubjectAccessReview',
      verbs: ['create'],
    },
    {
      name: 'selfsubjectaccessreviews',
      singularName: '',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    },
    {
      name: 'selfsubjectrulesreviews',
      singularName: '',
      namespaced: false,
      kind: 'SelfSubjectRulesReview',
      verbs: ['create'],
    },
    {
      name: 'subjectaccessreviews',
      singularName: '',
      namespaced: false,
      kind: 'SubjectAccessReview',
      verbs: ['create'],
    },
  ],
};

export const AUTHN_V1 = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'authentication.k8s.io/v1',
  resources: [
    { name: 'selfsubjectreviews', singularName: '', namespaced: false, kind: 'SelfSubjectReview', verbs: ['create'] },
    { name: 'tokenreviews', singularName: '', namespaced: false, kind: 'TokenReview', verbs: ['create'] },
  ],
};

// The node Leases (kube-node-lease). Verbs, short names and the kind as the Lease OpenAPI path operations in
// fixtures/kube-apiserver-openapi/v3/apis__coordination.k8s.io__v1 list them; no storageVersionHash (not
// recorded).
export const COORDINATION_V1 = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'coordination.k8s.io/v1',
  resources: [
    {
      name: 'leases',
      singularName: 'lease',
      namespaced: true,
      kind: 'Lease',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    },
  ],
};

export interface DiscoRes {
  name: string;
  singularName?: string;
  shortNames?: string[];
  categories?: string[];
  version?: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  group?: string;
}

/**
 * A recorded v1.24 APIResourceList as a v1.32 server writes it: since v1.27 the apiserver fills
 * singularName with the lower-cased kind for each resource (subresources keep ""), as the
 * kubectl-validate v1.32 builtins and `kubectl api-resources` show. Everything else is the recording's.
 */
function as132<T extends { resources: DiscoRes[] }>(list: T): T {
  return {
    ...list,
    resources: list.resources.map((r) =>
      r.name.includes('/') || r.singularName ? r : { ...r, singularName: r.kind.toLowerCase() },
    ),
  };
}

export const GROUP_VERSIONS: Record<string, { list: { resources: DiscoRes[] }; group: string }> = {
  v1: { list: as132(API_V1 as { resources: DiscoRes[] }), group: '' },
  'apps/v1': { list: as132(APPS_V1 as { resources: DiscoRes[] }), group: 'apps' },
  'discovery.k8s.io/v1': { list: as132(DISCOVERY_V1 as { resources: DiscoRes[] }), group: 'discovery.k8s.io' },
  'authorization.k8s.io/v1': { list: AUTHZ_V1 as { resources: DiscoRes[] }, group: 'authorization.k8s.io' },
  'authentication.k8s.io/v1': { list: AUTHN_V1 as { resources: DiscoRes[] }, group: 'authentication.k8s.io' },
  'coordination.k8s.io/v1': { list: COORDINATION_V1 as { resources: DiscoRes[] }, group: 'coordination.k8s.io' },
};

export interface ResourcePath {
  gv: string;
  group: string;
  namespace?: string;
  plural?: string;
  name?: string;
  sub?: string;
}

export function parseResourcePath(parts: string[]): ResourcePath | null {
  let gv: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    gv = 'v1';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    gv = `${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else return null;
  const g = GROUP_VERSIONS[gv];
  if (!g) return null;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  return { gv, group: g.group, namespace, plural: rest[0], name: rest[1], sub: rest[2] };
}

// Aggregated discovery (GA in v1.30; what kubectl 1.32 asks /api and /apis for first): one
// APIGroupDiscoveryList per root, shaped as k8s.io/api apidiscovery/v2 types.go (APIGroupDiscovery →
// APIVersionDiscovery → APIResourceDiscovery with its subresources), built from the same resource lists.
export const AGGREGATED_TYPE = 'application/json;g=apidiscovery.k8s.io;v=VERSION;as=APIGroupDiscoveryList';

/** Which aggregated discovery version an Accept header asks for before plain JSON, if any (v2, v2beta1). */
export function aggregatedVersion(accept: string): 'v2' | 'v2beta1' | undefined {
  for (const clause of accept.split(',')) {
    const params = clause.split(';').map((x) => x.trim());
    const type = params[0]!;
    const p = Object.fromEntries(params.slice(1).map((kv) => kv.split('=') as [string, string]));
    if (
      p.as === 'APIGroupDiscoveryList' &&
      p.g === 'apidiscovery.k8s.io' &&
      (type === 'application/json' || type === '*/*')
    ) {
      if (p.v === 'v2' || p.v === 'v2beta1') return p.v;
      continue;
    }
    if (['application/json', 'application/*', '*/*', 'application/yaml'].includes(type)) return undefined;
  }
  return undefined;
}

function versionDiscovery(gv: string): Record<string, unknown> {
  const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
  const all = GROUP_VERSIONS[gv]!.list.resources;
  const kind = (r: DiscoRes) => ({ group: r.group ?? group, version: r.version ?? version, kind: r.kind });
  const resources = all
    .filter((r) => !r.name.includes('/'))
    .map((r) => {
      const subs = all
        .filter((x) => x.name.startsWith(`${r.name}/`))
        .map((x) => ({ subresource: x.name.slice(r.name.length + 1), responseKind: kind(x), verbs: x.verbs }));
      return {
        resource: r.name,
        responseKind: kind(r),
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: r.singularName ?? '',
        verbs: r.verbs,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        ...(r.categories ? { categories: r.categories } : {}),
        ...(subs.length ? { subresources: subs } : {}),
      };
    });
  return { version, resources, freshness: 'Current' };
}

/** The APIGroupDiscoveryList for /api (the core group, name "") or /apis (the groups in /apis order). */
export function aggregatedDiscovery(
  root: 'api' | 'apis',
  groups: string[],
  v: 'v2' | 'v2beta1',
): Record<string, unknown> {
  const items =
    root === 'api'
      ? [{ metadata: { creationTimestamp: null }, versions: [versionDiscovery('v1')] }]
      : groups.map((g) => ({
          metadata: { name: g, creationTimestamp: null },
          versions: Object.keys(GROUP_VERSIONS)
            .filter((gv) => gv.startsWith(`${g}/`))
            .map(versionDiscovery),
        }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items };
}
