// The RBAC needs checks declare (`Check.rbac`, e.g. "create pods/exec in <cilium-ns>", "list nodes",
// "list daemonsets (cluster-wide)"), as Kubernetes resource attributes, and asking the API server about
// them (SelfSubjectAccessReview) before a preflight runs.
import type { KubeClient } from '../cluster/client.js';
import { KdiagError } from '../errors.js';

export interface Permission {
  verb: string;
  /** `pods`, `pods/exec`, … */
  resource: string;
  /** API group ('' = core). */
  group: string;
  /** undefined = cluster-wide. */
  namespace?: string;
}

/** API groups of the resources kdiag reads (core when absent). */
export const RESOURCE_GROUPS: Record<string, string> = {
  daemonsets: 'apps',
  endpointslices: 'discovery.k8s.io',
  selfsubjectaccessreviews: 'authorization.k8s.io',
};

const NEED = /^([a-z]+)\s+([a-z]+(?:\/[a-z]+)?)(?:\s+in\s+(\S+)|\s+\(cluster-wide\))?$/;

/**
 * `<cilium-ns>` becomes `ciliumNamespace`; a need scoped to a namespace only a target names
 * (`<client-ns>`) is undefined: preflight has no target.
 */
export function parseRbacNeed(need: string, ciliumNamespace: string): Permission | undefined {
  const m = NEED.exec(need.trim());
  if (!m)
    throw new KdiagError(
      'parse',
      `cannot read RBAC need "${need}" (expected "VERB RESOURCE [in NAMESPACE|(cluster-wide)]")`,
    );
  const [, verb, resource, ns] = m as unknown as [string, string, string, string | undefined];
  let namespace = ns;
  if (ns === '<cilium-ns>') namespace = ciliumNamespace;
  else if (ns?.startsWith('<')) return undefined;
  return { verb, resource, group: RESOURCE_GROUPS[resource.split('/')[0]!] ?? '', namespace };
}

export function describePermission(p: Permission): string {
  return `${p.verb} ${p.resource}${p.namespace ? ` in ${p.namespace}` : ' (cluster-wide)'}`;
}

const key = (p: Permission) => `${p.verb} ${p.group}/${p.resource} ${p.namespace ?? ''}`;

/** Asks once per distinct permission; returns the denied ones by key. */
export async function deniedPermissions(client: KubeClient, perms: Permission[]): Promise<Set<string>> {
  const unique = new Map(perms.map((p) => [key(p), p]));
  const denied = new Set<string>();
  await Promise.all(
    [...unique].map(async ([k, p]) => {
      if (!(await client.canI(p.verb, p.resource, p.namespace, p.group))) denied.add(k);
    }),
  );
  return denied;
}

export const permissionKey = key;
