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
  namespaced: boolean;
  kind: string;
  verbs: string[];
  group?: string;
}

export const GROUP_VERSIONS: Record<string, { list: { resources: DiscoRes[] }; group: string }> = {
  v1: { list: API_V1 as { resources: DiscoRes[] }, group: '' },
  'apps/v1': { list: APPS_V1 as { resources: DiscoRes[] }, group: 'apps' },
  'discovery.k8s.io/v1': { list: DISCOVERY_V1 as { resources: DiscoRes[] }, group: 'discovery.k8s.io' },
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
