// socket-lb-cannot-attach as a unit: the check over bpftool's listing, the ranking against the missing
// programs it explains, and the shipped scenario found top-1 by doctor (no restart) and by preflight.
import { socketLb } from '../../src/checks/socket-lb.js';
import { rankRootCauses } from '../../src/engine/rank.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { json, kdiag } from '../helpers/cli.js';
import { got, healthyFacts, statusOf } from '../helpers/facts.js';
import { podUids, withSim } from '../helpers/sim.js';

/** node-a keeps its tc programs but has no cgroup_sock_addr program (no cgroup v2 root to attach to). */
function noSocketProgsOnNodeA() {
  const facts = healthyFacts();
  const progs = facts.bpfPrograms.get('node-a')!;
  if (!progs.ok) throw new Error('healthy facts have programs');
  facts.bpfPrograms.set('node-a', got(progs.value.filter((p) => p.type !== 'cgroup_sock_addr')));
  return facts;
}

describe('socket-lb check', () => {
  test('passes where the socket programs are attached', () => {
    expect(socketLb.run(healthyFacts()).map((f) => [f.id, f.status])).toEqual([
      ['socket-lb/attached', 'pass'],
      ['socket-lb/attached', 'pass'],
    ]);
  });

  test('not enabled: nothing to attach', () => {
    const facts = healthyFacts({ config: got({ 'kube-proxy-replacement': 'false', 'bpf-lb-sock': 'false' }) });
    expect(socketLb.run(facts).map((f) => f.id)).toEqual(['socket-lb/not-enabled']);
  });

  test('fails where tc programs are loaded but no socket program, and says what must change', () => {
    const f = socketLb.run(noSocketProgsOnNodeA());
    expect(statusOf(f, 'socket-lb/not-attached', 'node-a')).toBe('fail');
    expect(statusOf(f, 'socket-lb/attached', 'node-b')).toBe('pass');
    const bad = f.find((x) => x.id === 'socket-lb/not-attached')!;
    expect(bad.cause).toBe('socket-lb-cannot-attach');
    expect(bad.remediation?.autoFixable).toBe(false);
    expect(bad.remediation?.summary).toContain('socketLB.enabled=false');
  });

  test('no program at all is left to bpf-programs', () => {
    const facts = healthyFacts();
    facts.bpfPrograms.set('node-a', got([]));
    expect(statusOf(socketLb.run(facts), 'socket-lb/attached', 'node-a')).toBe('pass');
  });
});

describe('ranking', () => {
  test('a socket LB that cannot attach explains the missing programs on the same node', () => {
    const causes = rankRootCauses(runChecks(noSocketProgsOnNodeA()));
    expect(causes[0]!.id).toBe('socket-lb-cannot-attach');
    expect(causes[0]!.nodes).toEqual(['node-a']);
    const missing = causes.find((c) => c.id === 'bpf-programs-not-loaded')!;
    expect(missing.explainedBy).toEqual({ 'socket-lb-cannot-attach': ['node-a'] });
    expect(missing.confidence).toBe('low');
  });
});

describe('scenario socket-lb-cannot-attach', () => {
  test('doctor: top-1 on node-2 with the helm values, and --fix restarts nothing', async () => {
    await withSim('socket-lb-cannot-attach', async (sim) => {
      const r = await kdiag(['doctor', 'clusterip'], { sim });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/VERDICT: .*\[socket-lb-cannot-attach\]/);
      expect(r.stdout).toContain('→ kdiag explain socket-lb-cannot-attach');
      expect(r.stdout).toContain('--set socketLB.enabled=false');
      const before = podUids(sim);
      const fix = await kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json'], { sim });
      expect(json(fix).rootCauses[0].id).toBe('socket-lb-cannot-attach');
      expect(podUids(sim)).toEqual(before);
    });
  });

  test('preflight: fails on node-2 only, with the socket LB cause or the programs it explains', async () => {
    await withSim('socket-lb-cannot-attach', async (sim) => {
      const r = await kdiag(['preflight', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const bad = json(r).findings.filter((f: any) => f.status === 'fail' || f.status === 'warn');
      expect(new Set(bad.map((f: any) => f.node))).toEqual(new Set(['node-2']));
      expect(new Set(bad.map((f: any) => f.cause))).toEqual(
        new Set(['socket-lb-cannot-attach', 'bpf-programs-not-loaded']),
      );
    });
  });
});
