// Detects known agent errors in the cilium-agent logs, classified by the log catalog (source: `kubectl logs` of each agent, src/cilium/log-catalog.ts).
import { classify } from '../cilium/log-catalog.js';
import { causeById } from '../model/causes.js';
import { agentNodes, capped, finding, perNode } from './util.js';
import type { CatalogMatch, LogRecord } from '../cilium/types.js';
import type { Facts } from '../model/facts.js';
import type { Check, Finding } from '../model/check.js';

const ID = 'agent-logs';
const SEVERE = new Set(['error', 'fatal', 'panic']);

export const agentLogs: Check = {
  id: ID,
  title: 'Agent logs show no known Cilium error',
  reasons: ['clean', 'known-error', 'unrecognised-errors'],
  needs: ['agentLogs'],
  rbac: ['get pods/log in <cilium-ns>'],
  run(facts: Facts): Finding[] {
    const ns = facts.cilium.ok ? facts.cilium.value.namespace : 'kube-system';
    return perNode(ID, 'agent logs', agentNodes(facts, facts.agentLogs), facts.agentLogs, (node, logs) => {
      const pod = facts.agents.ok ? facts.agents.value.get(node)?.name : undefined;
      const source = `kubectl -n ${ns} logs ${pod ?? '<agent>'} -c cilium-agent${logs.previous ? ' --previous' : ''}`;
      const matched: { rec: LogRecord; m: CatalogMatch }[] = [];
      const other: LogRecord[] = [];
      // Lines older than the current container are history, not evidence of the current state.
      const started = logs.previous ? undefined : startedAt(facts, node);
      const history = started === undefined ? [] : logs.records.filter((r) => isBefore(r, started));
      for (const rec of logs.records) {
        if (history.includes(rec)) continue;
        const m = classify(rec);
        if (m) matched.push({ rec, m });
        else if (SEVERE.has(rec.level)) other.push(rec);
      }
      if (matched.length) {
        // One finding per node: the most specific cause the lines point to; all matched lines as evidence.
        const spec = (c: string) => causeById(c)?.specificity ?? 20;
        const top = matched.reduce((a, b) => (spec(b.m.cause) > spec(a.m.cause) ? b : a));
        const ids = [...new Set(matched.map((x) => x.m.id))];
        const severe = matched.some((x) => SEVERE.has(x.rec.level));
        const restart = causeById(top.m.cause)?.fixableByRestart === true;
        return [
          finding(ID, 'known-error', {
            status: severe ? 'fail' : 'warn',
            node,
            message: `${ids.join(', ')}: ${top.m.explanation}`,
            evidence: [{ source, node, pod, excerpt: capped(matched.map((x) => x.rec.raw)) }],
            cause: top.m.cause,
            basis: 'log',
            remediation: {
              summary: top.m.fix,
              commands: [source],
              autoFixable: restart,
            },
          }),
        ];
      }
      if (other.length) {
        return [
          finding(ID, 'unrecognised-errors', {
            status: 'warn',
            node,
            message: `${other.length} error line(s) kdiag does not recognise`,
            evidence: [
              {
                source,
                node,
                pod,
                excerpt: capped(
                  other.map((r) => r.raw),
                  10,
                ),
              },
            ],
          }),
        ];
      }
      return [
        finding(ID, 'clean', {
          status: 'pass',
          node,
          message: `no known errors in ${logs.lines} line(s)${
            history.length
              ? ` (${history.length} older line(s) from before the agent started at ${new Date(started!).toISOString()} are history, not evidence)`
              : ''
          }`,
          evidence: [],
        }),
      ];
    });
  },
};

/** The current agent container's start, in ms; undefined when unknown. */
function startedAt(facts: Facts, node: string): number | undefined {
  const s = facts.agents.ok ? facts.agents.value.get(node)?.agent.startedAt : undefined;
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** A record with a time before `t` (a record without a time is taken as current). */
function isBefore(rec: LogRecord, t: number): boolean {
  const r = rec.time ? Date.parse(rec.time) : NaN;
  return !Number.isNaN(r) && r < t;
}
