// Filter on the node: with a target Service, each agent prints only that Service's LB map rows, so a node
// sends a few hundred bytes instead of its whole map. Cilium has no flag for one frontend (`service
// list` takes none, `service get` needs the agent's own ID, `bpf lb list` filters by table, not
// frontend: Documentation/cmdref/cilium-dbg_service_list.md, cilium-dbg_bpf_lb_list.md), so a fixed
// script runs `service list` through awk inside the agent container. The frontends are validated first
// and passed as positional arguments, never written into the script.
import { isIP } from 'node:net';
import type { KubeClient } from '../cluster/client.js';
import { AGENT_CONTAINER } from '../cilium/discovery.js';
import { ServiceListTextStream } from '../cilium/formats/service-list.js';
import type { CiliumCli, LbService } from '../cilium/types.js';
import type { AgentPodFact, ServiceFact } from '../model/facts.js';
import { NODE_FILTER_NAME, NODE_FILTER_SCRIPT } from '../model/node-script.js';

/** The script (fixed text, src/model/node-script.ts). */
export { NODE_FILTER_SCRIPT };

export interface FrontendKeys {
  ips: string[];
  ports: number[];
}

/** The frontends a target Service owns (the keys frontendFilter keeps), validated for the script. */
export function frontendKeys(services: ServiceFact[]): FrontendKeys | undefined {
  const ips = new Set<string>();
  const ports = new Set<number>();
  for (const s of services) {
    for (const ip of [...s.clusterIPs, ...s.externalIPs, ...s.loadBalancerIPs]) {
      if (!isIP(ip)) return undefined; // not an address: never hand it to a shell, read in full
      ips.add(ip);
    }
    for (const p of s.ports) if (p.nodePort) ports.add(p.nodePort);
  }
  for (const p of ports) if (!Number.isInteger(p) || p < 1 || p > 65535) return undefined;
  return { ips: [...ips], ports: [...ports] };
}

/** The exact argv run in the agent container, for the evidence (the user can run it with kubectl exec). */
export function nodeFilterArgv(cli: CiliumCli, keys: FrontendKeys): string[] {
  return [
    'sh',
    '-c',
    NODE_FILTER_SCRIPT,
    NODE_FILTER_NAME,
    cli,
    ...keys.ips.map((ip) => `ip=${ip}`),
    ...keys.ports.map((p) => `port=${p}`),
  ];
}

/** undefined: the node cannot filter (no shell, no awk, no such CLI): the caller reads the full map. */
export async function readFilteredLbMap(
  client: KubeClient,
  a: AgentPodFact,
  cli: CiliumCli,
  keys: FrontendKeys,
  keep: (s: LbService) => boolean,
): Promise<LbService[] | undefined> {
  const r = await client.exec(a.namespace, a.name, AGENT_CONTAINER, nodeFilterArgv(cli, keys));
  if (r.exitCode !== 0) return undefined;
  return filteredRows(r.stdout, keep);
}

/** The filter script's stdout as rows (also its section in gather-combined.ts); undefined: read in full. */
export function filteredRows(stdout: string, keep: (s: LbService) => boolean): LbService[] | undefined {
  const m = /(?:^|\n)kdiag-exit (\d+)\n?$/.exec(stdout);
  if (!m || m[1] !== '0') return undefined; // the CLI failed or is missing: the full read says why
  const rows: LbService[] = [];
  const parser = new ServiceListTextStream((s) => {
    if (keep(s)) rows.push(s);
  });
  try {
    parser.write(stdout.slice(0, m.index + (stdout[m.index] === '\n' ? 1 : 0)));
    parser.end();
  } catch {
    return undefined; // a format the parser cannot read: the full read falls back to JSON
  }
  return rows;
}
