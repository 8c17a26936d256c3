// A property of the fix planner (issue #20): whatever the findings, the plan deletes only Cilium agent
// pods (in the Cilium namespace, owned by the agent DaemonSet, not already going) on nodes with current
// evidence of a restart-fixable cause, and never more per batch than the cap.
import fc from 'fast-check';
import { batchSize, planFixes } from '../../src/engine/fix-plan.js';
import { rankRootCauses } from '../../src/engine/rank.js';
import { CAUSES, causeById } from '../../src/model/causes.js';
import type { Finding } from '../../src/model/check.js';
import type { AgentPodFact } from '../../src/model/facts.js';
import { agent, got, healthyFacts, node } from '../helpers/facts.js';

const causeIds = [...CAUSES.map((c) => c.id), 'not-a-known-cause'];

const arbCluster = fc.integer({ min: 1, max: 12 }).chain((n) => {
  const names = Array.from({ length: n }, (_, i) => `node-${i + 1}`);
  const arbNode = fc.constantFrom(...names);
  const arbFinding = fc.record({
    cause: fc.option(fc.constantFrom(...causeIds), { nil: undefined }),
    node: fc.option(arbNode, { nil: undefined }),
    status: fc.constantFrom('pass', 'info', 'warn', 'fail', 'unknown'),
    basis: fc.constantFrom('live', 'log', undefined),
    clears: fc.option(fc.subarray(causeIds, { maxLength: 2 }), { nil: undefined }),
  });
  const arbPod = fc.record({
    present: fc.boolean(),
    namespace: fc.constantFrom('kube-system', 'kube-system', 'default'),
    owner: fc.constantFrom('cilium', 'cilium', 'other-ds'),
    deleting: fc.boolean(),
    bpffs: fc.constantFrom('mounted', 'mounted', 'unmounted', 'unknown'),
  });
  return fc.record({
    names: fc.constant(names),
    pods: fc.array(arbPod, { minLength: n, maxLength: n }),
    findings: fc.array(arbFinding, { maxLength: 25 }),
    dsMax: fc.integer({ min: 1, max: 10 }),
    requested: fc.integer({ min: 1, max: 50 }),
  });
});

test('the plan deletes only agent pods on nodes with current restart-fixable evidence, within the cap', () => {
  fc.assert(
    fc.property(arbCluster, ({ names, pods, findings: raw, dsMax, requested }) => {
      const agents = new Map<string, AgentPodFact>();
      names.forEach((n, i) => {
        const p = pods[i]!;
        if (p.present)
          agents.set(
            n,
            agent(n, `cilium-${i}`, { namespace: p.namespace, ownerDaemonSet: p.owner, deleting: p.deleting }),
          );
      });
      const base = healthyFacts();
      const facts = healthyFacts({
        cilium: got({ ...(base.cilium.ok ? base.cilium.value : ({} as never)), maxUnavailable: dsMax }),
        nodes: got(names.map((n) => node(n))),
        agents: got(agents),
        bpffs: new Map(
          names.map((n, i) => [
            n,
            pods[i]!.bpffs === 'unknown'
              ? { ok: false as const, error: 'exec timed out' }
              : got({ mounted: pods[i]!.bpffs === 'mounted', evidence: '' }),
          ]),
        ),
      });
      const findings: Finding[] = raw.map((f, i) => ({
        id: `check-${i}/r`,
        check: `check-${i}`,
        status: f.status as Finding['status'],
        subject: f.node ? `node/${f.node}` : 'cluster',
        message: 'x',
        evidence: [],
        ...(f.node ? { node: f.node } : {}),
        ...(f.cause ? { cause: f.cause } : {}),
        ...(f.basis ? { basis: f.basis as 'live' | 'log' } : {}),
        ...(f.clears ? { clears: f.clears } : {}),
      }));
      const plan = planFixes(rankRootCauses(findings), facts, { maxUnavailable: requested });

      const cleared = new Set(
        findings
          .filter((f) => f.status === 'pass' && f.node)
          .flatMap((f) => (f.clears ?? []).map((c) => `${f.node}/${c}`)),
      );
      const evidence = (nodeName: string, cause: string) =>
        findings.some(
          (f) =>
            f.node === nodeName &&
            f.cause === cause &&
            (f.status === 'warn' || f.status === 'fail') &&
            causeById(cause)?.fixableByRestart === true &&
            !(f.basis === 'log' && cleared.has(`${nodeName}/${cause}`)),
        );
      for (const a of plan.actions) {
        const pod = agents.get(a.node);
        expect(pod?.name).toBe(a.pod);
        expect(pod?.namespace).toBe('kube-system');
        expect(pod?.ownerDaemonSet).toBe('cilium');
        expect(pod?.deleting).toBe(false);
        expect(a.argv).toEqual(['kubectl', '-n', 'kube-system', 'delete', 'pod', a.pod]);
        expect(a.causes.some((c) => evidence(a.node, c))).toBe(true);
      }
      const cap = Math.min(dsMax, Math.max(1, Math.floor(names.length / 4)));
      expect(batchSize(requested, facts).size).toBeLessThanOrEqual(cap);
      for (const b of plan.batches) expect(b.length).toBeLessThanOrEqual(cap);
      expect(plan.batches.flat()).toEqual(plan.actions);
    }),
    { numRuns: 300 },
  );
});
