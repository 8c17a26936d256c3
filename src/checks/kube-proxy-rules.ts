// Detects nodes whose kube-proxy rules disagree with the Services and EndpointSlices: a Service with ready
// endpoints but no rule, DNAT endpoints that differ from the ready ones, or rules still translating a
// Service that no longer exists (source, in the node's kube-proxy pod: `iptables-save -t nat` in iptables
// mode, `ipvsadm -Ln` or `/proc/net/ip_vs` in IPVS mode, `nft list table ip kube-proxy` in nftables mode; its
// log's sync errors as supporting evidence). The same reasons and causes in every mode.
import { capped, finding, inScope, nodeUnknown } from './util.js';
import type { Facts, ServiceFact } from '../model/facts.js';
import type { Check, Evidence, Finding, Remediation } from '../model/check.js';
import type { KubeProxyFrontend, KubeProxyLogFact, KubeProxyRulesFact } from '../model/kube-proxy.js';
import { naturalCompare } from '../util/natural-sort.js';

const ID = 'kube-proxy-rules';

/** Endpoints printed per finding before "… and N more". */
const SHOWN = 5;

export const kubeProxyRules: Check = {
  id: ID,
  title: "kube-proxy's rules (iptables, IPVS or nftables) on each node match the Services and their ready endpoints",
  reasons: [
    'in-sync',
    'missing-service',
    'wrong-endpoints',
    'stale-service',
    'stale-chains',
    'sync-failing',
    'sync-failed-before',
  ],
  needs: ['services', 'kubeProxyRules'],
  rbac: [
    'list services (cluster-wide)',
    'list endpointslices (cluster-wide)',
    'create pods/exec in kube-system',
    'get pods/log in kube-system',
  ],
  run(facts: Facts): Finding[] {
    if (!facts.services.ok || !facts.kubeProxyRules) return [];
    const services = facts.services.value;
    const out: Finding[] = [];
    const nodes = [...facts.kubeProxyRules.keys()].filter((n) => inScope(facts, n)).sort(naturalCompare);
    for (const node of nodes) {
      const g = facts.kubeProxyRules.get(node)!;
      if (!g.ok) {
        out.push(nodeUnknown(ID, node, 'kube-proxy rules', g.error));
        continue;
      }
      const logs = facts.kubeProxyLogs?.get(node);
      out.push(...judgeNode(node, g.value, services, !facts.target, logs?.ok ? logs.value : undefined));
    }
    return out;
  },
};

const list = (xs: string[]) =>
  xs.slice(0, SHOWN).join(', ') + (xs.length > SHOWN ? ` … (+${xs.length - SHOWN} more)` : '');
const key = (ip: string, port: number, protocol: string) => `${ip}:${port}/${protocol.toUpperCase()}`;
// IPVS real servers at weight 0 are draining (graceful termination): they take no new connections.
const backendSet = (bs: { ip: string; port: number; weight?: number }[]) =>
  [...new Set(bs.filter((b) => b.weight !== 0).map((b) => `${b.ip}:${b.port}`))].sort();

/** How each mode names the pieces, for messages and evidence. */
const WORDS = {
  iptables: {
    table: 'nat table',
    noRule: (ip: string, port: number, proto: string) =>
      `no -A KUBE-SERVICES rule for -d ${ip}/32 --dport ${port} (${proto.toLowerCase()})`,
    rule: 'KUBE-SERVICES rule',
    chain: 'its chain',
    staleRule: (ip: string, port: number, source: string) =>
      `-A KUBE-SERVICES … -d ${ip}/32 --dport ${port} -j ${source}`,
  },
  ipvs: {
    table: 'IPVS table',
    noRule: (ip: string, port: number, proto: string) => `no virtual service ${proto.toUpperCase()}  ${ip}:${port}`,
    rule: 'IPVS virtual service',
    chain: 'its virtual service',
    staleRule: (ip: string, port: number) => `virtual service ${ip}:${port}`,
  },
  nftables: {
    table: 'kube-proxy nftables table',
    noRule: (ip: string, port: number, proto: string) =>
      `no service-ips element ${ip} . ${proto.toLowerCase()} . ${port}`,
    rule: 'service-ips element',
    chain: 'its service chain',
    staleRule: (ip: string, port: number, source: string) => `service-ips element ${ip} . ${port} : goto ${source}`,
  },
};

function judgeNode(
  node: string,
  rules: KubeProxyRulesFact,
  services: ServiceFact[],
  wholeCluster: boolean,
  log: KubeProxyLogFact | undefined,
): Finding[] {
  const byKey = new Map<string, KubeProxyFrontend>();
  for (const f of rules.frontends)
    if (!byKey.has(key(f.ip, f.port, f.protocol))) byKey.set(key(f.ip, f.port, f.protocol), f);
  const cmd = rules.command.join(' ');
  const mode = rules.mode ?? 'iptables';
  const w = WORDS[mode];
  const table = (excerpt: string): Evidence => ({
    source: cmd,
    node,
    pod: rules.pod,
    excerpt,
    command: rules.command,
    pasteCommand: `kubectl -n ${rules.namespace} exec ${rules.pod} -- ${cmd}`,
  });
  const problems: { reason: string; subject: string; message: string; evidence: Evidence[] }[] = [];
  const owned = new Set<string>();
  // IPVS also lists a virtual service per NodePort on each node address: owned by the Service's nodePort.
  const nodePorts = new Set<string>();

  for (const s of services) {
    // kube-proxy skips headless Services and those another proxy owns (service.kubernetes.io/service-proxy-name).
    if (s.headless || s.proxyName) continue;
    for (const ip of [...s.clusterIPs, ...s.externalIPs, ...s.loadBalancerIPs])
      for (const p of s.ports) owned.add(key(ip, p.port, p.protocol));
    for (const p of s.ports) if (p.nodePort) nodePorts.add(`${p.nodePort}/${p.protocol.toUpperCase()}`);
    for (const ip of s.clusterIPs)
      for (const p of s.ports) {
        const want = backendSet(
          s.endpoints.filter((e) => e.ready && (e.portName ?? '') === (p.name ?? '') && e.protocol === p.protocol),
        );
        const subject = `${s.namespace}/${s.name}`;
        const fe = byKey.get(key(ip, p.port, p.protocol));
        const what = `${subject} ${key(ip, p.port, p.protocol)}`;
        if (!fe) {
          // Without ready endpoints kube-proxy writes a REJECT in the filter table, not a nat rule.
          if (want.length === 0) continue;
          problems.push({
            reason: 'missing-service',
            subject,
            message: `${what} has ${want.length} ready endpoint(s) but no ${w.rule} on ${node}: the ClusterIP is not translated here`,
            evidence: [table(w.noRule(ip, p.port, p.protocol))],
          });
          continue;
        }
        const have = backendSet(fe.backends);
        if (want.length === 0 || have.join() === want.join()) continue;
        const missing = want.filter((b) => !have.includes(b));
        const extra = have.filter((b) => !want.includes(b));
        problems.push({
          reason: 'wrong-endpoints',
          subject,
          message: `${what} on ${node}: ${fe.source ?? w.chain} ${mode === 'ipvs' ? 'forwards' : 'DNATs'} to endpoints that differ from the ready ones${missing.length ? `; missing ${list(missing)}` : ''}${extra.length ? `; not ready or gone ${list(extra)}` : ''}`,
          evidence: [
            table(`${fe.source ?? key(fe.ip, fe.port, fe.protocol)} → ${list(have) || '(no endpoint)'}`),
            { source: 'EndpointSlices', excerpt: `${subject} ready: ${list(want)}` },
          ],
        });
      }
  }

  // Rules for a Service that no longer exists: only when every Service was listed (not a single target).
  if (wholeCluster) {
    for (const fe of rules.frontends) {
      if (owned.has(key(fe.ip, fe.port, fe.protocol))) continue;
      if (mode === 'ipvs' && nodePorts.has(`${fe.port}/${fe.protocol.toUpperCase()}`)) continue;
      const name = fe.service ? `${fe.service.namespace}/${fe.service.name}` : key(fe.ip, fe.port, fe.protocol);
      problems.push({
        reason: 'stale-service',
        subject: name,
        message: `${node} still translates ${key(fe.ip, fe.port, fe.protocol)} (${name}) through ${fe.source ?? w.chain}, but no Service has that address and port`,
        evidence: [table(w.staleRule(fe.ip, fe.port, fe.source ?? '?'))],
      });
    }
    if (rules.unreferencedChains.length)
      problems.push({
        reason: 'stale-chains',
        subject: `node/${node}`,
        message: `${rules.unreferencedChains.length} service chain(s) on ${node} that no KUBE-SERVICES rule jumps to: left over from deleted Services (kube-proxy removes them on a full sync)`,
        evidence: [table(list(rules.unreferencedChains))],
      });
  }

  const logEv: Evidence[] = log?.lines.length
    ? [
        {
          source: 'kubectl logs',
          node,
          pod: log.pod,
          excerpt: capped(log.lines.slice(-3), 3),
          pasteCommand: `kubectl -n ${log.namespace} logs ${log.pod}`,
        },
      ]
    : [];
  if (problems.length === 0) {
    const out = [
      finding(ID, 'in-sync', {
        status: 'pass',
        node,
        message: `${rules.frontends.length} Service frontend(s) in ${rules.pod}'s ${w.table} match the Services' ready endpoints`,
        evidence: [
          table(
            `${rules.frontends.length} ${mode === 'iptables' ? 'KUBE-SERVICES frontends' : `frontends (${w.rule}s)`}`,
          ),
        ],
        clears: ['kube-proxy-sync-failing'],
      }),
    ];
    // The rules are right now: earlier sync errors are history, never a cause.
    if (logEv.length)
      out.push(
        finding(ID, 'sync-failed-before', {
          status: 'info',
          node,
          message: `kube-proxy logged sync errors on ${node} earlier, but its current rules match the Services`,
          evidence: logEv,
        }),
      );
    return out;
  }

  const restart: Remediation = {
    summary: `restart kube-proxy on ${node} (the DaemonSet recreates it; a fresh start rewrites every rule): kdiag doctor clusterip --fix does it and re-checks the node`,
    commands: [`kubectl -n ${rules.namespace} delete pod ${rules.pod}`],
    autoFixable: true,
  };
  const out: Finding[] = problems.map((p) =>
    finding(ID, p.reason, {
      status: p.reason === 'stale-chains' ? 'warn' : 'fail',
      subject: p.subject,
      node,
      message: p.message,
      evidence: [...p.evidence, ...logEv],
      cause: p.reason === 'stale-chains' ? undefined : 'kube-proxy-rules-stale',
      remediation: restart,
    }),
  );
  if (logEv.length)
    out.push(
      finding(ID, 'sync-failing', {
        status: 'fail',
        node,
        message: `kube-proxy on ${node} cannot apply its rules (${log!.lines.length} sync error line(s)) and its ${w.table} is out of date: a restart replays the same failing sync`,
        evidence: [...logEv, table(`${problems.length} rule problem(s) on this node`)],
        cause: 'kube-proxy-sync-failing',
        remediation: {
          summary:
            mode === 'nftables'
              ? 'read the `nftables sync failed` error in the kube-proxy log and fix what it names (the nft binary, kernel nftables support, a rule kube-proxy cannot write)'
              : 'read the failing iptables-restore line in the kube-proxy log and fix what it names (iptables backend, kernel module, a rule kube-proxy cannot write)',
          commands: [`kubectl -n ${log!.namespace} logs ${log!.pod}`],
          autoFixable: false,
        },
      }),
    );
  return out;
}
