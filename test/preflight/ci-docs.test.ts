// docs/ci.md's manifests grant every permission the code needs: each check's `rbac` plus what fact
// gathering calls and the permission probe. Parsed from its ```yaml blocks with the `yaml` package.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { CHECKS } from '../../src/checks/index.js';
import { parseRbacNeed, RESOURCE_GROUPS, type Permission } from '../../src/gate/rbac.js';
import { ROOT } from '../helpers/cli.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
  spec?: { template?: { spec?: Record<string, unknown> } };
}

const text = readFileSync(`${ROOT}docs/ci.md`, 'utf8');
const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
const objects: Obj[] = blocks.flatMap((b) =>
  parseAllDocuments(b).map((d) => {
    if (d.errors.length) throw new Error(`docs/ci.md: ${d.errors[0]!.message}`);
    return d.toJS() as Obj;
  }),
);
const k8s = objects.filter((o) => o && typeof o === 'object' && 'kind' in o && 'apiVersion' in o);

const CILIUM_NS = 'kube-system';
const SA = { name: 'kdiag', namespace: 'kdiag' };
const perm = (verb: string, resource: string, namespace?: string): Permission => ({
  verb,
  resource,
  namespace,
  group: RESOURCE_GROUPS[resource.split('/')[0]!] ?? '',
});

/** What src/engine/gather.ts and `kdiag preflight` call, beyond the checks' declared needs. */
const GATHER: Permission[] = [
  perm('list', 'nodes'),
  perm('list', 'daemonsets'),
  perm('list', 'pods', CILIUM_NS),
  perm('get', 'pods', CILIUM_NS),
  perm('get', 'pods/log', CILIUM_NS),
  perm('create', 'pods/exec', CILIUM_NS),
  perm('get', 'configmaps', CILIUM_NS),
  perm('list', 'daemonsets', 'kube-system'),
  perm('list', 'pods', 'kube-system'),
  perm('list', 'services'),
  perm('list', 'endpointslices'),
  perm('create', 'selfsubjectaccessreviews'),
];
const NEEDED: Permission[] = [
  ...new Map(
    [
      ...CHECKS.flatMap((c) => c.rbac.map((n) => parseRbacNeed(n, CILIUM_NS)).filter((p): p is Permission => !!p)),
      ...GATHER,
    ].map((p) => [`${p.verb} ${p.group}/${p.resource} ${p.namespace ?? ''}`, p]),
  ).values(),
];

const boundToSa = (b: Obj) =>
  b.subjects?.some((s) => s.kind === 'ServiceAccount' && s.name === SA.name && s.namespace === SA.namespace);
const grants = (rules: Rule[] | undefined, p: Permission) =>
  (rules ?? []).some(
    (r) => r.apiGroups.includes(p.group) && r.resources.includes(p.resource) && r.verbs.includes(p.verb),
  );

function granted(p: Permission): boolean {
  const clusterRoles = k8s
    .filter((o) => o.kind === 'ClusterRoleBinding' && boundToSa(o))
    .map((b) => k8s.find((o) => o.kind === 'ClusterRole' && o.metadata.name === b.roleRef?.name));
  if (clusterRoles.some((r) => grants(r?.rules, p))) return true;
  if (!p.namespace) return false;
  const roles = k8s
    .filter((o) => o.kind === 'RoleBinding' && o.metadata.namespace === p.namespace && boundToSa(o))
    .map((b) =>
      k8s.find(
        (o) =>
          o.kind === b.roleRef?.kind &&
          o.metadata.name === b.roleRef?.name &&
          (o.kind === 'ClusterRole' || o.metadata.namespace === p.namespace),
      ),
    );
  return roles.some((r) => grants(r?.rules, p));
}

test('docs/ci.md has the CI jobs, a Job, a DaemonSet, and RBAC for one ServiceAccount', () => {
  const kinds = k8s.map((o) => o.kind);
  for (const k of ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Job', 'DaemonSet'])
    expect(kinds).toContain(k);
  expect(objects.some((o) => o && typeof o === 'object' && 'jobs' in o)).toBe(true); // GitHub Actions workflow
  expect(objects.some((o) => o && typeof o === 'object' && 'kdiag-preflight' in o)).toBe(true); // GitLab CI job
  const job = k8s.find((o) => o.kind === 'Job')!;
  expect(job.spec?.template?.spec?.serviceAccountName).toBe(SA.name);
  const ds = k8s.find((o) => o.kind === 'DaemonSet')!;
  expect(ds.spec?.template?.spec?.hostPID).toBe(true);
  const mounts = (
    ds.spec?.template?.spec?.containers as { volumeMounts: { mountPath: string; readOnly?: boolean }[] }[]
  )[0]!.volumeMounts;
  for (const path of ['/sys/fs/bpf', '/boot'])
    expect(mounts).toContainEqual(expect.objectContaining({ mountPath: path, readOnly: true }));
});

test.each(NEEDED.map((p) => [`${p.verb} ${p.resource}${p.namespace ? ` in ${p.namespace}` : ''}`, p] as const))(
  'grants %s',
  (_name, p) => {
    expect(granted(p)).toBe(true);
  },
);

test('grants nothing that writes to the cluster besides exec and the access review', () => {
  const writes = ['update', 'patch', 'delete', 'deletecollection', 'create', '*'];
  for (const o of k8s.filter((x) => x.kind === 'Role' || x.kind === 'ClusterRole')) {
    for (const r of o.rules ?? []) {
      const w = r.verbs.filter((v) => writes.includes(v));
      if (!w.length) continue;
      expect(r.resources.every((res) => res === 'pods/exec' || res === 'selfsubjectaccessreviews')).toBe(true);
    }
  }
});
