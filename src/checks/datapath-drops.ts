// What the datapath dropped for the Service while `doctor clusterip NS/SVC --observe` watched (or, with
// `preflight --observe`, for any Service): the `xx drop (REASON)` lines of `cilium-dbg monitor --type drop`
// (pkg/monitor/datapath_drop.go), or Hubble's DROPPED flows with their reason turned into the same text
// (src/cilium/formats/hubble-flow.ts), whose source or destination is a frontend, a backend or the --from
// client, classified by the reason in Cilium's drop-reason table (pkg/monitor/api/drop.go;
// src/cilium/drops.ts). Reports nothing unless --observe gathered the drops.
import { classifyDrop, concernsService, type DropClass, type DropScope } from '../cilium/drops.js';
import { causeById } from '../model/causes.js';
import type { DropEvent, ObservedDrops } from '../model/drops.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding, Status } from '../model/check.js';
import { capped, ciliumNamespace, finding, perNode } from './util.js';
import { naturalCompare } from '../util/natural-sort.js';

const ID = 'datapath-drops';
/** The conntrack cause, where the catalogue has it (issue #15 item 7). */
const CT_CAUSE = 'conntrack-table-full';

interface ClassDef {
  status: Status;
  what: string;
  cause?: string;
  fix: (ns: string) => { summary: string; commands: string[] };
}

const CLASSES: Record<DropClass, ClassDef> = {
  'backend-not-found': {
    status: 'fail',
    what: 'the frontend has no backend in the agent\'s map ("Service backend not found")',
    cause: 'service-map-stale',
    fix: (ns) => ({
      summary: "compare the agent's map with the EndpointSlices; a stale map is refreshed by restarting the agent",
      commands: [`kubectl -n ${ns} exec ds/cilium -c cilium-agent -- cilium-dbg service list`],
    }),
  },
  'hairpin-policy-denied': {
    status: 'fail',
    what: 'a backend reaching its own Service is denied by ingress policy on the hairpin path ("Policy denied" from the service loopback address)',
    cause: 'hairpin-policy-drop',
    fix: () => ({
      summary:
        "upgrade Cilium to a release with the hairpin policy fix (cilium/cilium#22107, #27709), or allow the pod's own labels in its ingress policy; a restart does not help",
      commands: ['kubectl get networkpolicies,ciliumnetworkpolicies -A'],
    }),
  },
  'policy-denied': {
    status: 'warn',
    what: 'network policy denies traffic to or from the Service\'s pods ("Policy denied")',
    fix: () => ({
      summary: 'a policy decision, not a datapath fault: check the policies that select the client and the backends',
      commands: ['kubectl get networkpolicies,ciliumnetworkpolicies -A'],
    }),
  },
  'ct-map-full': {
    status: 'fail',
    what: 'the connection-tracking map is full ("CT: Map insertion failed")',
    fix: (ns) => ({
      summary:
        'raise the conntrack map size (bpf-ct-global-tcp-max / bpf-ct-global-any-max, or bpf-map-dynamic-size-ratio) and roll the agents',
      commands: [`kubectl -n ${ns} exec ds/cilium -c cilium-agent -- cilium-dbg metrics list -p map_pressure`],
    }),
  },
  'nat-map-full': {
    status: 'fail',
    what: 'the NAT map has no room for a new masquerade mapping ("No mapping for NAT masquerade")',
    fix: (ns) => ({
      summary: 'raise the NAT map size (bpf-nat-global-max, or bpf-map-dynamic-size-ratio) and roll the agents',
      commands: [`kubectl -n ${ns} get cm cilium-config -o yaml`],
    }),
  },
  other: {
    status: 'warn',
    what: 'the datapath dropped packets of the Service for another reason',
    fix: () => ({
      summary: "look the reason up in Cilium's drop-reason table (pkg/monitor/api/drop.go)",
      commands: [],
    }),
  },
};

export const datapathDrops: Check = {
  id: ID,
  title: 'The datapath drops no packet of the Service while observed (--observe)',
  reasons: [
    'none',
    'backend-not-found',
    'hairpin-policy-denied',
    'policy-denied',
    'ct-map-full',
    'nat-map-full',
    'other',
    'capped',
  ],
  needs: ['drops'],
  // The exec only runs with --observe: like `<client-ns>`, a scope the gate's probe skips
  // (src/gate/rbac.ts), also under `preflight --observe`; a refused exec is `unknown` on that node.
  rbac: ['create pods/exec in <cilium-ns-with-observe>'],
  run(facts: Facts): Finding[] {
    const drops = facts.drops;
    if (!drops) return [];
    const scope = scopeOf(facts);
    const ns = ciliumNamespace(facts);
    const owners = facts.target ? undefined : ownersOf(facts);
    const svcOf = (evs: DropEvent[]): string =>
      facts.target
        ? `${facts.target.namespace}/${facts.target.name}`
        : capList([...new Set(evs.flatMap((e) => [owners!.get(e.dst ?? ''), owners!.get(e.src ?? '')]))]);
    const svc = facts.target ? svcOf([]) : 'any Service';
    // Node order, not the order the watches ended: the same cluster gives the same report.
    const out = perNode(
      ID,
      'cilium-dbg monitor --type drop',
      [...drops.keys()].sort(naturalCompare),
      drops,
      (node, seen) => {
        const mine = seen.events.filter((e) => concernsService(e, scope));
        const secs = seen.durationMs / 1000;
        if (!mine.length)
          return [
            finding(ID, 'none', {
              status: 'pass',
              node,
              message: `no drop for ${svc} in ${secs}s of ${seen.tool === 'hubble' ? 'hubble observe' : 'monitoring'} (${seen.events.length} other drop(s))${seen.truncated ? `; stopped reading after ${seen.lines} lines` : ''}${seen.fallback ? `; the monitor watched: ${seen.fallback}` : ''}`,
              evidence: [evidence(seen, node, [])],
            }),
          ];
        const byClass = new Map<DropClass, DropEvent[]>();
        for (const e of mine) {
          const c = classifyDrop(e, scope);
          byClass.set(c, [...(byClass.get(c) ?? []), e]);
        }
        return [...byClass].map(([c, evs]) => {
          const def = CLASSES[c];
          const reasons = [...new Set(evs.map((e) => e.reason))].join(', ');
          const cause = c === 'ct-map-full' ? (causeById(CT_CAUSE) ? CT_CAUSE : undefined) : def.cause;
          return finding(ID, c, {
            status: def.status,
            node,
            message: `${evs.length} drop(s) of ${svcOf(evs)} in ${secs}s: ${def.what}${c === 'other' ? ` (${reasons})` : ''}${seen.fallback ? `; the monitor watched: ${seen.fallback}` : ''}`,
            evidence: [evidence(seen, node, evs)],
            ...(cause ? { cause } : {}),
            remediation: { ...def.fix(ns), autoFixable: false },
          });
        });
      },
    );
    // preflight watches at most --concurrency nodes: say which part of the cluster went unwatched.
    const w = facts.dropsWatched;
    if (!facts.target && w && w.candidates > w.nodes)
      out.push(
        finding(ID, 'capped', {
          status: 'info',
          message: `watched ${w.nodes} of the ${w.candidates} nodes that host a Service backend (the ones with the most backends; at most --concurrency ${w.cap} at once); the others were not observed`,
          remediation: {
            summary: 'raise --concurrency to watch more nodes in one run (each watched node holds one exec open)',
            commands: [],
            autoFixable: false,
          },
        }),
      );
    return out;
  },
};

function evidence(seen: ObservedDrops, node: string, evs: DropEvent[]) {
  return {
    source: seen.tool === 'hubble' ? 'hubble observe --verdict DROPPED' : 'cilium-dbg monitor --type drop',
    node,
    pod: seen.pod,
    excerpt: evs.length
      ? capped(
          evs.map((e) => e.raw),
          10,
        )
      : '(no drop line for the Service)',
    pasteCommand: seen.command,
  };
}

/** Without a target: which Service each frontend and backend address belongs to, for the messages. */
function ownersOf(facts: Facts): Map<string, string> {
  const m = new Map<string, string>();
  if (facts.services.ok)
    for (const s of facts.services.value) {
      const ref = `${s.namespace}/${s.name}`;
      for (const ip of [...s.clusterIPs, ...s.externalIPs, ...s.loadBalancerIPs, ...s.endpoints.map((e) => e.ip)])
        if (!m.has(ip)) m.set(ip, ref);
    }
  return m;
}

function capList(refs: (string | undefined)[]): string {
  const xs = refs.filter((r): r is string => !!r).sort();
  if (!xs.length) return 'a Service';
  return xs.length > 3 ? `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more` : xs.join(', ');
}

function scopeOf(facts: Facts): DropScope {
  const t = facts.target;
  if (!t) {
    // preflight: every Service's frontends and backends (no client).
    const all = facts.services.ok ? facts.services.value : [];
    const loopback = facts.config.ok ? facts.config.value['ipv4-service-loopback-address'] : undefined;
    return {
      frontends: all.flatMap((s) => [...s.clusterIPs, ...s.externalIPs, ...s.loadBalancerIPs]),
      backends: [...new Set(all.flatMap((s) => s.endpoints.map((e) => e.ip)))],
      ...(loopback ? { loopback } : {}),
    };
  }
  const svc =
    t && facts.services.ok
      ? facts.services.value.find((s) => s.namespace === t.namespace && s.name === t.name)
      : undefined;
  const client = facts.client?.ok ? facts.client.value.ip : undefined;
  const loopback = facts.config.ok ? facts.config.value['ipv4-service-loopback-address'] : undefined;
  return {
    frontends: svc ? [...svc.clusterIPs, ...svc.externalIPs, ...svc.loadBalancerIPs] : [],
    backends: svc ? [...new Set(svc.endpoints.map((e) => e.ip))] : [],
    ...(client ? { client } : {}),
    ...(loopback ? { loopback } : {}),
  };
}
