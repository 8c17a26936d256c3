// The Cilium (eBPF) datapath: the agent DaemonSet, the checks in src/checks/, and the LB map as
// `cilium(-dbg) service list` prints it (text table streamed; JSON when the text is unreadable).
import { calicoCiliumOverlap } from '../checks/calico-cilium-overlap.js';
import { CHECKS } from '../checks/index.js';
import { AGENT_CONTAINER, AGENT_LABEL } from '../cilium/discovery.js';
import { ServiceListTextStream, parseServiceListJson } from '../cilium/formats/service-list.js';
import type { LbService } from '../cilium/types.js';
import { KdiagError, oneLine } from '../errors.js';
import { MAX_LB_ROWS_PER_NODE } from '../model/cilium.js';
import type { RestartTarget } from '../model/diagnosis.js';
import type { CiliumInstallFact, Facts } from '../model/facts.js';
import { classifyDatapath } from './detect.js';
import type { AgentCli, Datapath, Detection, RestartPod, Restarts } from './types.js';

/** The Cilium agents of this install: what an agent pod must still be when re-read before its delete. */
export const ciliumAgentTarget = (install: CiliumInstallFact): RestartTarget => ({
  namespace: install.namespace,
  daemonSet: install.daemonSet,
  label: AGENT_LABEL,
  container: AGENT_CONTAINER,
});

/** The agent pod on a node, only when owned by the install's DaemonSet and its BPF maps survive a restart. */
export const ciliumAgentRestarts: Restarts = {
  kind: 'cilium-agent',
  action: 'restart-agent',
  pick(node: string, facts: Facts): RestartPod | string {
    if (!facts.cilium.ok) return `Cilium installation not known (${facts.cilium.error}): cannot verify pod ownership`;
    const install = facts.cilium.value;
    if (!facts.agents.ok) return `agent pods not known (${facts.agents.error})`;
    const pod = facts.agents.value.get(node);
    if (!pod) return 'no agent pod on this node (check the DaemonSet scheduling, tolerations and node taints)';
    if (pod.namespace !== install.namespace)
      return `pod ${pod.namespace}/${pod.name} is not in the Cilium namespace ${install.namespace}`;
    if (pod.ownerDaemonSet !== install.daemonSet)
      return `pod ${pod.namespace}/${pod.name} is not owned by DaemonSet ${install.namespace}/${install.daemonSet}`;
    if (pod.deleting) return `pod ${pod.namespace}/${pod.name} is already being deleted`;
    const fs = facts.bpffs.get(node);
    if (!fs || !fs.ok)
      return `bpffs state unknown (${fs && !fs.ok ? fs.error : 'not gathered'}): a restart could drop pinned maps`;
    if (!fs.value.mounted)
      return "bpffs is not mounted at /sys/fs/bpf: a restart would drop the BPF maps and cut this node's datapath";
    return { namespace: pod.namespace, name: pod.name, target: ciliumAgentTarget(install) };
  },
  refusedPod: (node, facts) => (facts.agents.ok ? facts.agents.value.get(node)?.name : undefined),
};

export const ciliumDatapath: Datapath = {
  id: 'cilium',
  title: 'Cilium eBPF',
  detect(facts: Facts): Detection {
    const c = facts.cilium;
    if (!c.ok) return { present: false, evidence: [{ source: 'DaemonSet lookup', excerpt: c.error }] };
    // Without full kube-proxy replacement kube-proxy serves Services (src/datapath/kube-proxy.ts), or
    // Calico eBPF does when Cilium is chained behind it (src/datapath/calico.ts).
    const owner = classifyDatapath(facts).services;
    if (owner === 'kube-proxy' || owner === 'calico') return { present: false, evidence: [] };
    return {
      present: true,
      evidence: [{ source: 'DaemonSet', excerpt: `${c.value.namespace}/${c.value.daemonSet} ${c.value.version}` }],
    };
  },
  // Calico beside Cilium: silent unless calico-node runs (src/checks/calico-cilium-overlap.ts).
  checks: [...CHECKS, calicoCiliumOverlap],
  readLbMap: readServiceList,
  restarts: [ciliumAgentRestarts],
};

export { MAX_LB_ROWS_PER_NODE };

/** Streams the LB map in the text table (constant memory, filtered early); JSON if the text is unreadable. */
async function readServiceList(agent: AgentCli, keep?: (s: LbService) => boolean): Promise<LbService[]> {
  const rows: LbService[] = [];
  let overflow = 0;
  const parser = new ServiceListTextStream((s) => {
    if (keep && !keep(s)) return;
    if (rows.length < MAX_LB_ROWS_PER_NODE) rows.push(s);
    else overflow++;
  });
  let parseError: unknown;
  const r = await agent.run(['service', 'list'], (chunk) => {
    if (parseError) return;
    try {
      parser.write(chunk.toString('utf8'));
    } catch (e) {
      parseError = e;
    }
  });
  if (r.exitCode !== 0) throw execFailed(`${agent.name} service list`, r);
  if (!parseError) {
    try {
      parser.end();
      if (overflow)
        throw new KdiagError(
          'exec',
          `${agent.name} service list printed ${rows.length + overflow} frontends, more than the ${MAX_LB_ROWS_PER_NODE} kdiag keeps per node: this node's map is not compared`,
        );
      return rows;
    } catch (e) {
      parseError = e;
    }
  }
  const j = await agent.run(['service', 'list', '-o', 'json']);
  if (j.exitCode !== 0) throw parseError;
  const all = parseServiceListJson(j.stdout);
  return keep ? all.filter(keep) : all;
}

export function execFailed(what: string, r: { exitCode: number; stderr: string }): KdiagError {
  return new KdiagError('exec', `${what} exited ${r.exitCode}: ${oneLine(r.stderr).slice(0, 200) || 'no output'}`);
}
