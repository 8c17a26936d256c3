// The ClusterIP playbook as one call: gather the facts the checks need, judge them, rank the root
// causes and plan the fixes. `kdiag doctor clusterip` and `kdiag preflight` both stand on it.
import { naturalCompare } from '../util/natural-sort.js';
import type { KubeClient } from '../cluster/client.js';
import type { Verdict } from '../errors.js';
import { allChecks, classifyDatapath, detectDatapath, seenLine, type Datapath } from '../datapath/index.js';
import { KdiagError } from '../errors.js';
import type { Facts, Gathered } from '../model/facts.js';

export type { Diagnosis } from '../model/diagnosis.js';
import type { Diagnosis } from '../model/diagnosis.js';
import { planFixes } from './fix-plan.js';
import { withCommands } from './evidence-commands.js';
import { gatherFacts } from './gather.js';
import { observeDrops } from './observe.js';
import { rankRootCauses } from './rank.js';
import { runChecks, selectChecks } from './run-checks.js';
import { STATUS_ORDER, type FactKey, type Status } from '../model/check.js';

export interface DiagnoseOptions {
  /** The datapath whose checks run; default: the one detected in the facts (src/datapath/). */
  datapath?: Datapath;
  ciliumNamespace?: string;
  target?: { namespace: string; name: string };
  from?: { namespace: string; name: string };
  nodes?: string[];
  only?: string[];
  skip?: string[];
  maxUnavailable?: number;
  /** --force-max-unavailable: no cap on the batch size. */
  forceMaxUnavailable?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** --observe: watch the datapath's drops this long (ms): the target's nodes, or (no target) backends' nodes. */
  observeMs?: number;
}

export async function diagnose(
  client: KubeClient,
  opts: DiagnoseOptions,
): Promise<{ diagnosis: Diagnosis; facts: Facts }> {
  // What to gather comes before the facts that tell the datapath: every datapath's selected checks.
  const checks = selectChecks(opts.datapath?.checks ?? allChecks(), opts.only, opts.skip);
  // The datapath detection reads cilium-config, kube-proxy and Calico's config on every run.
  const needs = new Set<FactKey>(['nodes', 'cilium', 'config', 'kubeProxy', 'datapathSignals']);
  for (const c of checks) for (const n of c.needs) needs.add(n);
  if (opts.observeMs) needs.add('services');
  const facts = await gatherFacts(client, {
    needs,
    ciliumNamespace: opts.ciliumNamespace,
    target: opts.target,
    from: opts.from,
    nodes: opts.nodes,
    onProgress: opts.onProgress,
  });
  // With a target: its client's and backends' nodes; without (preflight): the nodes hosting backends, capped.
  if (opts.observeMs) facts.drops = await observeDrops(client, facts, { durationMs: opts.observeMs });
  const diagnosis = judge(facts, opts);
  // Nothing serves Services that we can see: say what was seen instead of judging a datapath that is not there.
  if (diagnosis.datapath?.id === 'none')
    throw new KdiagError('not-installed', `no Service datapath recognised: ${seenLine(diagnosis.datapath)}`, {
      hint: 'kdiag knows Cilium, kube-proxy (iptables, IPVS, nftables) and Calico; see docs/datapaths.md',
    });
  return { diagnosis, facts };
}

/** Pure: facts in, diagnosis out. */
export function judge(facts: Facts, opts: DiagnoseOptions): Diagnosis {
  // --check/--skip were validated against every datapath's checks; this datapath runs the ones it has.
  const only = opts.only?.length ? new Set(opts.only) : undefined;
  const skip = new Set(opts.skip ?? []);
  const datapath = opts.datapath ?? detectDatapath(facts);
  const findings = withCommands(
    runChecks(facts, {
      checks: datapath.checks.filter((c) => (!only || only.has(c.id)) && !skip.has(c.id)),
    }),
    facts,
  );
  const rootCauses = rankRootCauses(findings);
  const status = findings.reduce<Status>((w, f) => (STATUS_ORDER[f.status] > STATUS_ORDER[w] ? f.status : w), 'pass');
  return {
    apiVersion: 'kdiag/v1',
    kind: 'Diagnosis',
    target: opts.target,
    from: opts.from
      ? {
          ...opts.from,
          node: facts.client?.ok ? facts.client.value.node : undefined,
          hostNetwork: facts.client?.ok ? facts.client.value.hostNetwork : undefined,
        }
      : undefined,
    cilium: facts.cilium.ok
      ? { namespace: facts.cilium.value.namespace, version: facts.cilium.value.version, cli: facts.cilium.value.cli }
      : undefined,
    datapath: classifyDatapath(facts),
    nodes: facts.nodes.ok ? facts.nodes.value.length : 0,
    ...(facts.nodeScope ? { scope: facts.nodeScope } : {}),
    status,
    rootCauses,
    findings,
    plan: planFixes(rootCauses, facts, {
      maxUnavailable: opts.maxUnavailable,
      forceMaxUnavailable: opts.forceMaxUnavailable,
      datapath,
    }),
    unknowns: unknownsOf(facts),
  };
}

function unknownsOf(facts: Facts): Diagnosis['unknowns'] {
  const out: Diagnosis['unknowns'] = [];
  const add = (fact: string, g: Gathered<unknown>, node?: string) => {
    // Only gathered facts can be gaps: serviceMapCommand's argv lists, nodeScope and target are not.
    if (!g || typeof g !== 'object' || !('ok' in g)) return;
    // "Not installed" is a finding of its own (cilium-not-installed), not a gap in what we saw.
    if (g.ok || g.error === 'not gathered' || g.kind === 'not-installed') return;
    out.push({ fact, ...(node ? { node } : {}), reason: g.error, ...(g.hint ? { hint: g.hint } : {}) });
  };
  for (const [fact, v] of Object.entries(facts)) {
    // Only maps of gathered facts: serviceMapCommand maps a node to the argv it ran, not to a result.
    if (v instanceof Map) {
      // In node-name order, not the order the nodes answered in: the same cluster gives the same list.
      const byNode = [...(v as Map<string, Gathered<unknown>>)].sort(([a], [b]) => naturalCompare(a, b));
      for (const [node, g] of byNode) if ('ok' in Object(g)) add(fact, g, node);
    } else if (v && typeof v === 'object' && 'ok' in v) add(fact, v as Gathered<unknown>);
  }
  return out;
}

/**
 * `problems` when something is wrong (a root cause or a failed check), else `could-not-run` when some
 * check could not run (its facts are missing: permission, API errors), else `ok`.
 */
export function verdictOf(d: Diagnosis): Verdict {
  if (d.rootCauses.length > 0 || d.findings.some((f) => f.status === 'fail')) return 'problems';
  return d.findings.some((f) => f.status === 'unknown') ? 'could-not-run' : 'ok';
}
