// Before the gate runs: which selected checks this identity may not run (SelfSubjectAccessReview), each
// as one `unknown` finding naming every missing permission, never as a cluster failure.
import type { KubeClient } from '../cluster/client.js';
import type { Check, Finding } from '../model/check.js';
import { isKdiagError, oneLine } from '../errors.js';
import { describePermission, deniedPermissions, parseRbacNeed, permissionKey, type Permission } from './rbac.js';

/** The namespace `<cilium-ns>` permissions are asked for: where the agent DaemonSet is, else kube-system. */
export async function permissionNamespace(client: KubeClient): Promise<string> {
  const { findCilium } = await import('../cilium/discovery.js');
  try {
    return (await findCilium(client))?.namespace ?? 'kube-system';
  } catch (e) {
    if (isKdiagError(e) && e.kind === 'forbidden') return 'kube-system';
    throw e;
  }
}

/**
 * One `unknown` finding per check this identity may not run, by check id. Without SelfSubjectAccessReview
 * (`onWarn` says so) the map is empty: the checks still run, and a 403 shows up as their own unknown.
 */
export async function permissionFindings(
  client: KubeClient,
  checks: Check[],
  ns: string,
  onWarn: (line: string) => void,
): Promise<Map<string, Finding>> {
  const needs = new Map<string, Permission[]>();
  for (const c of checks)
    needs.set(
      c.id,
      c.rbac.map((n) => parseRbacNeed(n, ns)).filter((p): p is Permission => !!p),
    );
  let denied: Set<string>;
  try {
    denied = await deniedPermissions(client, [...needs.values()].flat());
  } catch (e) {
    if (!isKdiagError(e) || !['forbidden', 'not-found', 'bad-request'].includes(e.kind)) throw e;
    onWarn(`cannot ask the API server for permissions (${oneLine(e)}); running every check`);
    return new Map();
  }
  const out = new Map<string, Finding>();
  for (const [id, perms] of needs) {
    const missing = perms.filter((p) => denied.has(permissionKey(p)));
    if (!missing.length) continue;
    out.set(id, {
      id: `${id}/missing-permission`,
      check: id,
      status: 'unknown',
      subject: 'cluster',
      message: `missing permission: ${missing.map(describePermission).join(', ')}`,
      evidence: [
        {
          source: 'SelfSubjectAccessReview',
          excerpt: missing
            .map((p) => `${describePermission(p)}${p.group ? ` (group ${p.group})` : ''}: allowed=false`)
            .join('\n'),
        },
      ],
      remediation: {
        summary:
          'grant these verbs to the identity running kdiag (see docs/ci.md for a least-privilege Role/ClusterRole)',
        commands: [],
        autoFixable: false,
      },
    });
  }
  return out;
}
