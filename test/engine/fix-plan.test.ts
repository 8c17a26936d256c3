import { planFixes } from '../../src/engine/fix-plan.js';
import { rankRootCauses, type RootCause } from '../../src/engine/rank.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { agent, failed, got, healthyFacts, oldKernelAndMissingPrograms } from '../helpers/facts.js';

const cause = (id: string, nodes: string[], fixableByRestart: boolean, extra: Partial<RootCause> = {}): RootCause => ({
  id,
  title: id,
  nodes,
  confidence: 'high',
  fixableByRestart,
  findings: [],
  evidence: [],
  ...extra,
});

describe('planFixes', () => {
  it('restarts only the agent on the node a restart can fix; the old-kernel node is refused and listed as not fixable', () => {
    const facts = oldKernelAndMissingPrograms();
    const plan = planFixes(rankRootCauses(runChecks(facts)), facts, { maxUnavailable: 1 });
    expect(plan.actions.map((a) => [a.node, a.pod])).toEqual([['node-b', 'cilium-fghij']]);
    expect(plan.actions[0]!.command).toBe('kubectl -n kube-system delete pod cilium-fghij');
    expect(plan.actions[0]!.argv).toEqual(['kubectl', '-n', 'kube-system', 'delete', 'pod', 'cilium-fghij']);
    expect(plan.refused.map((r) => [r.node, r.cause])).toEqual([['node-a', 'bpf-programs-not-loaded']]);
    expect(plan.refused[0]!.reason).toMatch(/kernel-too-old/);
    const nf = plan.notFixable.find((n) => n.cause === 'kernel-too-old')!;
    expect(nf.nodes).toEqual(['node-a']);
    expect(nf.whatToChange).toMatch(/upgrade the node kernel/);
    // never all agents by label
    expect(plan.commands.join('\n')).not.toMatch(/-l |--selector|k8s-app=cilium/);
    expect(plan.actions.some((a) => a.node === 'node-c')).toBe(false);
  });

  it('refuses a node whose bpffs is not mounted (or unknown)', () => {
    const facts = healthyFacts({
      bpffs: new Map([
        ['node-a', got({ mounted: false, evidence: '' })],
        ['node-b', failed('exec forbidden')],
      ]),
    });
    const plan = planFixes([cause('agent-not-ready', ['node-a', 'node-b'], true)], facts, {});
    expect(plan.actions).toEqual([]);
    expect(plan.refused.map((r) => r.node)).toEqual(['node-a', 'node-b']);
    expect(plan.refused[0]!.reason).toMatch(/bpffs is not mounted/);
    expect(plan.refused[1]!.reason).toMatch(/bpffs state unknown/);
  });

  it('refuses pods outside the Cilium namespace or not owned by its DaemonSet', () => {
    const agents = new Map([
      ['node-a', agent('node-a', 'cilium-abcde', { namespace: 'default' })],
      ['node-b', agent('node-b', 'cilium-fghij', { ownerDaemonSet: 'something-else' })],
    ]);
    const plan = planFixes(
      [cause('service-map-stale', ['node-a', 'node-b'], true)],
      healthyFacts({ agents: got(agents) }),
      {},
    );
    expect(plan.actions).toEqual([]);
    expect(plan.refused.map((r) => r.reason)).toEqual([
      expect.stringMatching(/not in the Cilium namespace kube-system/),
      expect.stringMatching(/not owned by DaemonSet kube-system\/cilium/),
    ]);
  });

  it('batches by maxUnavailable and merges causes per node; non-restart causes list what to change', () => {
    const plan = planFixes(
      [
        cause('bpf-programs-not-loaded', ['node-a', 'node-b'], true),
        cause('service-map-stale', ['node-a'], true),
        cause('missing-capabilities', [], false, { whatToChange: 'add the capabilities to the agent container' }),
      ],
      healthyFacts(),
      // two of two nodes at once is over the cap (issue #20): forced, as --force-max-unavailable does
      { maxUnavailable: 2, forceMaxUnavailable: true },
    );
    expect(plan.commands).toEqual(['kubectl -n kube-system delete pod cilium-abcde cilium-fghij']);
    expect(plan.actions[0]!.causes).toEqual(['bpf-programs-not-loaded', 'service-map-stale']);
    expect(plan.notFixable).toEqual([
      {
        cause: 'missing-capabilities',
        title: 'missing-capabilities',
        nodes: [],
        whatToChange: 'add the capabilities to the agent container',
      },
    ]);
    const one = planFixes([cause('bpf-programs-not-loaded', ['node-a', 'node-b'], true)], healthyFacts(), {
      maxUnavailable: 1,
    });
    expect(one.batches.map((b) => b.map((a) => a.pod))).toEqual([['cilium-abcde'], ['cilium-fghij']]);
  });

  it('a cluster-wide cause a restart cannot fix (DaemonSet capabilities) blocks restarting the crash-looping agents', () => {
    const facts = healthyFacts();
    const crash = runChecks(facts, { only: ['agent-pods'] }).map((f) =>
      f.node === 'node-a'
        ? { ...f, id: 'agent-pods/crash-loop', status: 'fail' as const, cause: 'agent-not-ready' }
        : f,
    );
    const caps = {
      id: 'capabilities/missing',
      check: 'capabilities',
      status: 'fail' as const,
      subject: 'kube-system/cilium',
      message: 'x',
      evidence: [],
      cause: 'missing-capabilities',
    };
    const plan = planFixes(rankRootCauses([...crash, caps]), facts, {});
    expect(plan.actions).toEqual([]);
    expect(plan.refused.map((r) => [r.node, r.cause])).toEqual([['node-a', 'agent-not-ready']]);
    expect(plan.refused[0]!.reason).toMatch(/missing-capabilities/);
    expect(plan.notFixable.map((n) => n.cause)).toEqual(['missing-capabilities']);
  });

  it('a restart-fixable cause without nodes is refused rather than restarting every agent', () => {
    const plan = planFixes([cause('agent-not-ready', [], true)], healthyFacts(), {});
    expect(plan.actions).toEqual([]);
    expect(plan.refused).toHaveLength(1);
  });
});
