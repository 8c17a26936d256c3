// lb-map-full as a unit: the check over the agent log, the ranking against the stale map it explains, and
// the shipped scenario found top-1 by doctor (with the explain hint and no restart) and by preflight.
import { lbMapFull } from '../../src/checks/lb-map-full.js';
import { rankRootCauses } from '../../src/engine/rank.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { parseLogLine } from '../../src/cilium/formats/log.js';
import { json, kdiag } from '../helpers/cli.js';
import { got, healthyFacts, statusOf } from '../helpers/facts.js';
import { podUids, withSim } from '../helpers/sim.js';
import type { LbService } from '../../src/cilium/types.js';

// pkg/k8s/watchers/service.go logs the E2BIG error of pkg/bpf/bpf_linux.go.
const FULL =
  'level=error msg="Error while inserting service in LB map" error="Unable to update element for cilium_lb4_backends_v2 map with file descriptor 15: the map is full, please consider resizing it. argument list too long" subsys=k8s-watcher';

function fullOnNodeA() {
  const facts = healthyFacts();
  facts.agentLogs.set('node-a', got({ records: [parseLogLine(FULL)], lines: 1, previous: false }));
  return facts;
}

describe('lb-map-full check', () => {
  test('passes on clean logs', () => {
    expect(lbMapFull.run(healthyFacts()).every((f) => f.id === 'lb-map-full/room' && f.status === 'pass')).toBe(true);
  });

  test('fails on the insert error with the helm value to raise, not a restart', () => {
    const f = lbMapFull.run(fullOnNodeA());
    expect(statusOf(f, 'lb-map-full/full', 'node-a')).toBe('fail');
    const full = f.find((x) => x.id === 'lb-map-full/full')!;
    expect(full.cause).toBe('lb-map-full');
    expect(full.remediation?.autoFixable).toBe(false);
    expect(full.remediation?.commands.join('\n')).toContain('--set bpf.lbMapMax=');
    expect(statusOf(f, 'lb-map-full/room', 'node-b')).toBe('pass');
  });
});

describe('ranking', () => {
  test('a full LB map explains the stale map on the same node', () => {
    const facts = fullOnNodeA();
    // node-a's map lacks every frontend: the Services the full map could not take.
    facts.serviceMap.set('node-a', got<LbService[]>([]));
    const causes = rankRootCauses(runChecks(facts));
    expect(causes[0]!.id).toBe('lb-map-full');
    expect(causes[0]!.fixableByRestart).toBe(false);
    const stale = causes.find((c) => c.id === 'service-map-stale')!;
    expect(stale.explainedBy).toEqual({ 'lb-map-full': ['node-a'] });
    expect(stale.confidence).toBe('low');
  });
});

describe('scenario lb-map-full', () => {
  test('doctor: top-1 lb-map-full on every node, explain hints, and --fix restarts nothing', async () => {
    await withSim('lb-map-full', async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', 'kube-system/kube-dns'], { sim });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/VERDICT: .*\[lb-map-full\]/);
      expect(r.stdout).toContain('→ kdiag explain lb-map-full');
      expect(r.stdout).toContain('--set bpf.lbMapMax=131072');
      const before = podUids(sim);
      const fix = await kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json'], { sim });
      expect(json(fix).rootCauses[0].id).toBe('lb-map-full');
      expect(podUids(sim)).toEqual(before);
    });
  });

  test('preflight: fails, and every failing finding is lb-map-full or the stale map it explains', async () => {
    await withSim('lb-map-full', async (sim) => {
      const r = await kdiag(['preflight', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const bad = json(r).findings.filter((f: any) => f.status === 'fail' || f.status === 'warn');
      expect(bad[0].cause).toBe('lb-map-full');
      // every agent misses kube-dns, so the map finding is the cluster-wide kind, which the full map explains
      for (const c of bad.map((f: any) => f.cause))
        expect(['lb-map-full', 'service-map-stale', 'service-map-cluster-wide']).toContain(c);
    });
  });
});
