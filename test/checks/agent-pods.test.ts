import { agentPods } from '../../src/checks/agent-pods.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { agent, failed, got, healthyFacts, node, statusOf } from '../helpers/facts.js';

describe('agent-pods', () => {
  it('passes for a Ready agent on every node', () => {
    const f = agentPods.run(healthyFacts());
    expect(f.map((x) => [x.id, x.node, x.status])).toEqual([
      ['agent-pods/ready', 'node-a', 'pass'],
      ['agent-pods/ready', 'node-b', 'pass'],
    ]);
  });

  it('fails for CrashLoopBackOff with the last termination, and for a schedulable node without agent', () => {
    const agents = new Map([
      [
        'node-a',
        agent('node-a', 'cilium-abcde', {
          ready: false,
          phase: 'Running',
          agent: {
            running: false,
            ready: false,
            restartCount: 7,
            waitingReason: 'CrashLoopBackOff',
            lastTermination: 'Error (exit 1)',
          },
        }),
      ],
    ]);
    const f = agentPods.run(healthyFacts({ agents: got(agents) }));
    const crash = f.find((x) => x.node === 'node-a')!;
    expect(crash).toMatchObject({ id: 'agent-pods/crash-loop', status: 'fail', cause: 'agent-not-ready' });
    expect(crash.evidence[0]!.excerpt).toContain('lastTermination=Error (exit 1)');
    expect(crash.remediation!.commands).toContain('kubectl -n kube-system delete pod cilium-abcde');
    expect(statusOf(f, 'agent-pods/missing', 'node-b')).toBe('fail');
  });

  it('warns on restarts; not-ready fails; a cordoned node without agent is only info', () => {
    const agents = new Map([
      [
        'node-a',
        agent('node-a', 'cilium-abcde', {
          agent: { running: true, ready: true, restartCount: 4, lastTermination: 'OOMKilled (exit 137)' },
        }),
      ],
      [
        'node-b',
        agent('node-b', 'cilium-fghij', { ready: false, agent: { running: true, ready: false, restartCount: 0 } }),
      ],
    ]);
    const nodes = got([node('node-a'), node('node-b'), node('node-c', '5.15.0-126-generic', { schedulable: false })]);
    const f = agentPods.run(healthyFacts({ agents: got(agents), nodes }));
    expect(statusOf(f, 'agent-pods/restarts', 'node-a')).toBe('warn');
    expect(statusOf(f, 'agent-pods/not-ready', 'node-b')).toBe('fail');
    expect(statusOf(f, 'agent-pods/not-expected', 'node-c')).toBe('info');
  });

  it('is unknown (via the engine) when pods could not be listed', () => {
    const f = runChecks(healthyFacts({ agents: failed('forbidden: cannot list pods in kube-system') }), {
      only: ['agent-pods'],
    });
    expect(f.map((x) => [x.id, x.status])).toEqual([['agent-pods/unknown', 'unknown']]);
  });
});
