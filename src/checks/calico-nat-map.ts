// Detects nodes whose Calico eBPF NAT map disagrees with the Services and EndpointSlices: a ClusterIP
// frontend missing, or backends that are not the Service's ready endpoints. Source: `calico-node -bpf nat
// dump` in each calico-node pod (format: projectcalico/calico felix/cmd/calico-bpf/commands/nat.go
// `dumpNice`, fixtures/calico/SOURCES.md); Felix's ERROR/PANIC/FATAL log lines are supporting evidence.
import { isIPv4 } from 'node:net';
import { capped, finding, inScope, nodeUnknown } from './util.js';
import type { CalicoNatFact } from '../model/calico.js';
import type { Evidence, Check, Finding } from '../model/check.js';
import type { Facts, ServiceFact } from '../model/facts.js';
import { naturalCompare } from '../util/natural-sort.js';

const ID = 'calico-nat-map';

interface Expected {
  key: string;
  service: string;
  backends: string[];
}

/** One expected frontend per IPv4 ClusterIP, port and protocol with ready endpoints (the dump lists IPv4). */
export function expectedFrontends(services: ServiceFact[], target?: { namespace: string; name: string }): Expected[] {
  const out: Expected[] = [];
  for (const s of services) {
    if (s.headless || s.proxyName || s.type === 'ExternalName') continue;
    if (target && (s.namespace !== target.namespace || s.name !== target.name)) continue;
    for (const ip of s.clusterIPs.filter((x) => isIPv4(x)))
      for (const p of s.ports) {
        const backends = s.endpoints
          .filter((e) => e.ready && (e.portName ?? '') === (p.name ?? '') && e.protocol === p.protocol)
          .map((e) => `${e.ip}:${e.port}`);
        // No ready endpoint is the Service's own problem (no-ready-endpoints), not the datapath's.
        if (!backends.length) continue;
        out.push({
          key: `${ip}:${p.port}/${p.protocol}`,
          service: `${s.namespace}/${s.name}${p.name ? ` port ${p.name}` : ''}`,
          backends: [...new Set(backends)].sort(naturalCompare),
        });
      }
  }
  return out;
}

/** Felix log lines at ERROR or worse, as gathered for the node: supporting evidence only. */
function felixEvidence(facts: Facts, node: string): Evidence[] {
  const g = facts.calicoLogs?.get(node);
  if (!g?.ok || !g.value.length) return [];
  return [{ source: 'calico-node log (Felix ERROR/PANIC/FATAL)', node, excerpt: capped(g.value.slice(-5)) }];
}

export const calicoNatMap: Check = {
  id: ID,
  title: "Calico eBPF's NAT map on each node matches the Services and their ready endpoints",
  reasons: ['in-sync', 'missing-frontend', 'wrong-backends', 'unknown'],
  needs: ['calicoNat', 'calicoLogs', 'calicoNodes', 'services'],
  rbac: [
    'list services (cluster-wide)',
    'list endpointslices (cluster-wide)',
    'create pods/exec in <calico-ns>',
    'get pods/log in <calico-ns>',
  ],
  run(facts: Facts): Finding[] {
    if (!facts.calicoNat || !facts.services.ok) return [];
    const want = expectedFrontends(facts.services.value, facts.target);
    const out: Finding[] = [];
    for (const node of [...facts.calicoNat.keys()].filter((n) => inScope(facts, n)).sort(naturalCompare)) {
      const g = facts.calicoNat.get(node)!;
      if (!g.ok) {
        out.push(nodeUnknown(ID, node, 'calico-node -bpf nat dump', g.error));
        continue;
      }
      out.push(...judgeNode(facts, node, g.value, want));
    }
    return out;
  },
};

function judgeNode(facts: Facts, node: string, nat: CalicoNatFact, want: Expected[]): Finding[] {
  const have = new Map(nat.frontends.map((f) => [`${f.ip}:${f.port}/${f.protocol}`, f]));
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const e of want) {
    const f = have.get(e.key);
    if (!f) {
      missing.push(`${e.key} (${e.service}) not in the NAT map; endpoints: ${e.backends.join(', ')}`);
      continue;
    }
    const got = [...new Set(f.backends)].sort(naturalCompare);
    if (f.missing > 0 || got.join(',') !== e.backends.join(','))
      wrong.push(
        `${e.key} id ${f.id} (${e.service}): map ${got.join(', ') || '(none)'}${f.missing ? ` +${f.missing} "is missing"` : ''}; endpoints ${e.backends.join(', ')}`,
      );
  }
  const command = nat.command;
  const mapEv = (lines: string[]): Evidence => ({
    source: command.join(' '),
    node,
    command,
    excerpt: capped(lines),
  });
  const pod = facts.calicoNodes?.ok ? facts.calicoNodes.value.find((p) => p.node === node) : undefined;
  const remediation = pod
    ? {
        summary: `restart calico-node on ${node} so Felix rewrites the NAT map, then compare again`,
        commands: [
          `kubectl -n ${pod.namespace} delete pod ${pod.name}`,
          `kubectl -n ${pod.namespace} exec ${pod.name} -c calico-node -- ${command.join(' ')}`,
        ],
        autoFixable: true,
      }
    : undefined;
  const out: Finding[] = [];
  if (missing.length)
    out.push(
      finding(ID, 'missing-frontend', {
        status: 'fail',
        node,
        message: `${missing.length} Service frontend(s) missing from Calico's NAT map on ${node}: connections to those ClusterIPs from this node are not translated`,
        evidence: [mapEv(missing), ...felixEvidence(facts, node)],
        cause: 'calico-nat-map-stale',
        ...(remediation ? { remediation } : {}),
      }),
    );
  if (wrong.length)
    out.push(
      finding(ID, 'wrong-backends', {
        status: 'fail',
        node,
        message: `${wrong.length} frontend(s) in Calico's NAT map on ${node} point at backends that are not the Service's ready endpoints`,
        evidence: [mapEv(wrong), ...felixEvidence(facts, node)],
        cause: 'calico-nat-map-stale',
        ...(remediation ? { remediation } : {}),
      }),
    );
  if (!out.length)
    out.push(
      finding(ID, 'in-sync', {
        status: 'pass',
        node,
        message: `Calico NAT map on ${node} has all ${want.length} expected frontend(s) with the ready endpoints`,
        evidence: [
          mapEv([
            `${nat.frontends.length} frontends read${nat.warnings ? `, ${nat.warnings} unreadable line(s)` : ''}`,
          ]),
        ],
      }),
    );
  return out;
}
