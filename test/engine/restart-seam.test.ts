// The restart target comes from the datapath seam: the cause declares whose pod a restart deletes
// (`restarts` in src/model/causes.ts), the datapath says which pod that is. A datapath the planner has
// never heard of brings its own targets, and fix-plan.ts does not change.
import { ciliumDatapath } from '../../src/datapath/cilium.js';
import { DATAPATHS, restartsFor, restartTargetOf } from '../../src/datapath/index.js';
import type { Datapath, Restarts } from '../../src/datapath/types.js';
import { planFixes } from '../../src/engine/fix-plan.js';
import type { RootCause } from '../../src/engine/rank.js';
import { healthyFacts } from '../helpers/facts.js';

const cause = (id: string, nodes: string[]): RootCause => ({
  id,
  title: id,
  nodes,
  confidence: 'high',
  fixableByRestart: true,
  findings: [],
  evidence: [],
});

describe('restart targets from the datapath', () => {
  it('every kind a cause declares has a datapath that restarts it', () => {
    for (const kind of ['cilium-agent', 'kube-proxy', 'calico-node'] as const)
      expect(restartsFor(kind)?.kind).toBe(kind);
    // Each datapath restarts at most one target per kind.
    for (const d of DATAPATHS) expect(new Set(d.restarts.map((r) => r.kind)).size).toBe(d.restarts.length);
  });

  it("the planner asks the datapath: a new datapath's own agent is what it restarts", () => {
    const own: Restarts = {
      kind: 'cilium-agent',
      action: 'restart-agent',
      workload: true,
      pick: (node) => ({
        namespace: 'dp-system',
        name: `dp-agent-${node}`,
        target: { namespace: 'dp-system', daemonSet: 'dp-agent', label: 'app=dp-agent', container: 'agent' },
      }),
    };
    const datapath: Datapath = { ...ciliumDatapath, id: 'test-dp', restarts: [own] };
    const plan = planFixes([cause('agent-not-ready', ['node-b'])], healthyFacts(), { datapath });
    expect(plan.actions).toEqual([
      expect.objectContaining({
        kind: 'restart-agent',
        node: 'node-b',
        namespace: 'dp-system',
        pod: 'dp-agent-node-b',
        workload: { daemonSet: 'dp-agent', label: 'app=dp-agent' },
        target: { namespace: 'dp-system', daemonSet: 'dp-agent', label: 'app=dp-agent', container: 'agent' },
      }),
    ]);
    expect(plan.commands).toEqual(['kubectl -n dp-system delete pod dp-agent-node-b']);
    // The apply step re-reads against the same target.
    expect(restartTargetOf(plan.actions[0]!)).toEqual(plan.actions[0]!.target);
  });

  it("a Cilium agent's target is the install's DaemonSet, label and container", () => {
    const facts = healthyFacts();
    const plan = planFixes([cause('agent-not-ready', ['node-b'])], facts, { datapath: ciliumDatapath });
    expect(plan.actions[0]!.target).toEqual({
      namespace: 'kube-system',
      daemonSet: 'cilium',
      label: 'k8s-app=cilium',
      container: 'cilium-agent',
    });
    // A plan made by hand (no target) re-reads against the Cilium install, or says it cannot.
    const { target: _t, ...byHand } = plan.actions[0]!;
    expect(restartTargetOf(byHand, facts.cilium.ok ? facts.cilium.value : undefined)).toEqual(plan.actions[0]!.target);
    expect(restartTargetOf(byHand)).toMatch(/Cilium installation not known/);
  });
});
