// Digest on the node (issue #13): for a cluster-wide view each agent reduces its LB map to a canonical
// digest and a row count, so nodes with equal maps are read in full once. Only a map found in sync with the
// API is shared with the nodes of its digest; a group whose map drifts is read node by node, so every
// finding carries that node's own rows, IDs and addresses. A node whose digest differs is its own group:
// it is never reported in sync on another node's evidence.
import type { KubeClient } from '../cluster/client.js';
import { AGENT_CONTAINER } from '../cilium/discovery.js';
import { compareServiceMap, indexServices, type CompareOptions } from '../cilium/lb-drift.js';
import type { CiliumCli, LbService } from '../cilium/types.js';
import type { AgentPodFact, Gathered, ServiceFact } from '../model/facts.js';
import { NODE_DIGEST_NAME, NODE_DIGEST_SCRIPT } from '../model/node-script.js';

/** The script (fixed text, src/model/node-script.ts). */
export { NODE_DIGEST_SCRIPT };

/** The exact argv run in the agent container (the user can run it with kubectl exec). */
export function nodeDigestArgv(cli: CiliumCli): string[] {
  return ['sh', '-c', NODE_DIGEST_SCRIPT, NODE_DIGEST_NAME, cli];
}

export interface NodeDigest {
  digest: string;
  rows: number;
}

/** undefined: the node could not digest (no shell, no CLI, unexpected output): read it in full. */
export async function readNodeDigest(
  client: KubeClient,
  a: AgentPodFact,
  cli: CiliumCli,
): Promise<NodeDigest | undefined> {
  const r = await client.exec(a.namespace, a.name, AGENT_CONTAINER, nodeDigestArgv(cli));
  if (r.exitCode !== 0) return undefined;
  return parseNodeDigest(r.stdout, r.stderr);
}

/** The digest script's answer (also its section in gather-combined.ts); undefined: read in full. */
export function parseNodeDigest(stdout: string, stderr: string): NodeDigest | undefined {
  const sum = /^([0-9a-f]{64}) {1,2}-?\s*$/.exec(stdout);
  const meta = /(?:^|\n)kdiag-digest rows=(\d+) exit=(\S+)\n?$/.exec(stderr);
  if (!sum || !meta || meta[2] !== '0') return undefined;
  return { digest: sum[1]!, rows: Number(meta[1]) };
}

/**
 * Is this map in sync with the Services under every option set a consumer judges it with? Only such a
 * map is shared with the other nodes of its digest (their findings would otherwise show its rows).
 */
export function mapInSync(services: ServiceFact[], map: LbService[], optionSets: CompareOptions[]): boolean {
  const idx = indexServices(services);
  return optionSets.every((o) => compareServiceMap(idx, map, o).rows.every((r) => r.status === 'OK'));
}

export interface DigestReads {
  digest(a: AgentPodFact): Promise<NodeDigest | undefined>;
  /** Reads a node's map in full and hands it on (the path without digests). */
  readFull(a: AgentPodFact): Promise<void>;
  /** Reads a group's representative in full and returns its map. */
  readOne(a: AgentPodFact): Promise<Gathered<LbService[]>>;
  inSync(map: LbService[]): boolean;
  deliver(a: AgentPodFact, map: Gathered<LbService[]>): void;
}

/**
 * Digests every running agent, groups nodes by digest, reads one node per group in full. A group whose map
 * is in sync gives that map to every node in it; any other group, and any node that could not digest
 * (no shell, no CLI, a failed exec), is read node by node as without digests.
 */
export async function readMapsByDigest(client: KubeClient, agents: AgentPodFact[], io: DigestReads): Promise<void> {
  const work: Promise<void>[] = [];
  const running = agents.filter((a) => a.agent.running);
  for (const a of agents) if (!a.agent.running) work.push(io.readFull(a)); // says why it is not running
  const digests = await Promise.all(
    running.map((a) => client.pool(() => io.digest(a).catch((): undefined => undefined))),
  );
  const groups = new Map<string, AgentPodFact[]>();
  running.forEach((a, i) => {
    const d = digests[i];
    if (!d) return void work.push(io.readFull(a));
    const key = `${d.digest} ${d.rows}`;
    const members = groups.get(key);
    if (members) members.push(a);
    else groups.set(key, [a]);
  });
  for (const members of groups.values()) {
    const [rep, ...rest] = [...members].sort((x, y) => x.node.localeCompare(y.node));
    work.push(
      io.readOne(rep!).then(async (map) => {
        io.deliver(rep!, map);
        if (map.ok && io.inSync(map.value)) for (const a of rest) io.deliver(a, map);
        else await Promise.all(rest.map((a) => io.readFull(a)));
      }),
    );
  }
  await Promise.all(work);
}
