// Every piece of evidence carries the exact command that shows it, ready to paste: the engine knows the
// agent pod on each node and the Cilium namespace, the checks only name their source.
import type { Evidence, Finding } from '../model/check.js';
import type { Facts } from '../model/facts.js';

const exec = (ns: string, pod: string, cmd: string) => `kubectl -n ${ns} exec ${pod} -c cilium-agent -- ${cmd}`;

function commandFor(e: Evidence, f: Finding, facts: Facts): string | undefined {
  const node = e.node ?? f.node;
  const agent = node && facts.agents.ok ? facts.agents.value.get(node) : undefined;
  const ns = agent?.namespace ?? (facts.cilium.ok ? facts.cilium.value.namespace : 'kube-system');
  const pod = e.pod ?? agent?.name;
  const cli = facts.cilium.ok ? facts.cilium.value.cli : 'cilium-dbg';
  if (e.source.startsWith('kubectl ')) return e.source.includes('<') ? undefined : e.source;
  if (e.source === 'bpftool prog show') return pod ? exec(ns, pod, 'bpftool prog show') : undefined;
  if (/ service list vs EndpointSlices$/.test(e.source)) return pod ? exec(ns, pod, `${cli} service list`) : undefined;
  if (e.source === 'cilium status') return pod ? exec(ns, pod, `${cli} status`) : undefined;
  if (e.source.startsWith('cat /proc/mounts')) return pod ? exec(ns, pod, 'cat /proc/mounts') : undefined;
  if (e.source === 'ConfigMap cilium-config') return `kubectl -n ${ns} get configmap cilium-config -o yaml`;
  if (e.source.startsWith('Node.status') && node) return `kubectl get node ${node} -o wide`;
  if (e.source === 'EndpointSlices') {
    const m = /^(?:[a-z]+\/)?([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(f.subject);
    if (m) return `kubectl get endpointslices -n ${m[1]} -l kubernetes.io/service-name=${m[2]}`;
  }
  return undefined;
}

/** The same findings, each evidence item with `pasteCommand` where one shows it. */
export function withCommands(findings: Finding[], facts: Facts): Finding[] {
  return findings.map((f) => ({
    ...f,
    evidence: f.evidence.map((e) => {
      if (e.pasteCommand) return e;
      const command = commandFor(e, f, facts);
      return command ? { ...e, pasteCommand: command } : e;
    }),
  }));
}
