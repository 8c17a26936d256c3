// Reading one agent's log for the facts: only warnings and worse (and catalogued lines), the newest kept,
// so a huge log costs constant memory.
import { createInterface } from 'node:readline';
import type { KubeClient } from '../cluster/client.js';
import { AGENT_CONTAINER } from '../cilium/discovery.js';
import { parseLogLine } from '../cilium/formats/log.js';
import { classify } from '../cilium/log-catalog.js';
import { ctGcAtCapacity } from '../cilium/conntrack-gc.js';
import type { LbService, LogRecord } from '../cilium/types.js';
import type { AgentPodFact, LogFact, ServiceFact } from '../model/facts.js';
import { capLine, MAX_LINE_CHARS } from '../model/finding.js';

/** Records kept per agent log: the newest problems, bounded so huge logs cost constant memory. */
const MAX_LOG_RECORDS = 200;

/** Keeps the LB map rows of these Services only (`doctor clusterip NS/SVC`): by IP, or by NodePort. */
export function frontendFilter(services: ServiceFact[]): (s: LbService) => boolean {
  const ips = new Set<string>();
  for (const s of services) for (const ip of [...s.clusterIPs, ...s.externalIPs, ...s.loadBalancerIPs]) ips.add(ip);
  const nodePorts = new Set(services.flatMap((s) => s.ports.map((p) => p.nodePort).filter((p): p is number => !!p)));
  return (s) => ips.has(s.frontend.ip) || nodePorts.has(s.frontend.port);
}

export async function readAgentLog(client: KubeClient, a: AgentPodFact, tail: number): Promise<LogFact> {
  // A crashed agent's useful lines are in the previous container's log.
  const previous = a.agent.restartCount > 0 && !a.agent.ready;
  const res = await client.logStream(a.namespace, a.name, {
    container: AGENT_CONTAINER,
    tailLines: tail,
    previous,
  });
  const records: LogRecord[] = [];
  let lines = 0;
  for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
    lines++;
    if (!line) continue;
    // One huge line costs one capped record, not its size times the records kept.
    const rec = parseLogLine(line);
    if (line.length > MAX_LINE_CHARS) {
      rec.raw = capLine(line);
      rec.msg = capLine(rec.msg);
    }
    if (
      rec.level === 'warning' ||
      rec.level === 'error' ||
      rec.level === 'fatal' ||
      rec.level === 'panic' ||
      classify(rec) ||
      ctGcAtCapacity(rec)
    ) {
      records.push(rec);
      if (records.length > MAX_LOG_RECORDS) records.shift();
    }
  }
  return { records, lines, previous };
}
