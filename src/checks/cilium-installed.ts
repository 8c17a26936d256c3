// Detects a cluster without a Cilium agent DaemonSet (source: DaemonSet lookup in the Cilium namespace).
import { finding } from './util.js';
import type { Check, Finding } from '../model/check.js';
import type { Facts } from '../model/facts.js';

const ID = 'cilium-installed';

export const ciliumInstalled: Check = {
  id: ID,
  title: 'Cilium is installed',
  reasons: ['installed', 'not-installed'],
  // Not `cilium`: a failed lookup is this check's subject, not a reason to say unknown.
  needs: [],
  rbac: ['list daemonsets (cluster-wide)', 'get configmaps in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    const c = facts.cilium;
    if (!c.ok) {
      const notFound = c.kind === 'not-installed' || c.kind === 'not-found';
      return [
        finding(ID, notFound ? 'not-installed' : 'unknown', {
          status: notFound ? 'fail' : 'unknown',
          message: notFound
            ? `Cilium agent DaemonSet not found: ${c.error}`
            : `Cilium DaemonSet not gathered: ${c.error}`,
          evidence: [{ source: 'DaemonSet lookup', excerpt: c.error }],
          cause: notFound ? 'cilium-not-installed' : undefined,
        }),
      ];
    }
    const v = c.value;
    return [
      finding(ID, 'installed', {
        status: 'pass',
        subject: `${v.namespace}/${v.daemonSet}`,
        message: `Cilium ${v.version} (DaemonSet ${v.namespace}/${v.daemonSet}, ${v.numberReady}/${v.desiredNumberScheduled} ready)`,
        evidence: [
          {
            source: 'DaemonSet',
            excerpt: `${v.namespace}/${v.daemonSet} image tag ${v.version} desired=${v.desiredNumberScheduled} ready=${v.numberReady} cli=${v.cli}`,
          },
        ],
      }),
    ];
  },
};
