// conntrack-table-full as a unit: the check over the agent's GC line, and the shipped scenario found top-1
// by doctor (explain hint, the helm values, no restart) and by preflight.
import { conntrackTable } from '../../src/checks/conntrack-table.js';
import { parseLogLine } from '../../src/cilium/formats/log.js';
import { json, kdiag } from '../helpers/cli.js';
import { got, healthyFacts, statusOf } from '../helpers/facts.js';
import { podUids, withSim } from '../helpers/sim.js';

// pkg/maps/ctmap/ctmap.go (GetInterval) in logrus style, subsys map-ct; deleteRatio from pkg/maps/ctmap/gc/gc.go.
const gcLine = (prev: string, next: string, ratio: number) =>
  `time="2025-01-10T09:12:44Z" level=info msg="Conntrack garbage collector interval recalculated" actualPrevInterval=${prev} adjustedDeleteRatio=${ratio} deleteRatio=${ratio} expectedPrevInterval=${prev} newInterval=${next} subsys=map-ct`;

function withLines(...lines: string[]) {
  const facts = healthyFacts();
  facts.agentLogs.set('node-a', got({ records: lines.map(parseLogLine), lines: lines.length, previous: false }));
  return facts;
}

describe('conntrack-table check', () => {
  test('passes on clean logs', () => {
    expect(conntrackTable.run(healthyFacts()).every((f) => f.id === 'conntrack-table/room')).toBe(true);
  });

  test('a GC that grows its interval, or shortens it above the floor, is not a full table', () => {
    const f = conntrackTable.run(withLines(gcLine('5m0s', '7m30s', 0.0078), gcLine('5m0s', '30s', 0.9)));
    expect(statusOf(f, 'conntrack-table/room', 'node-a')).toBe('pass');
  });

  test('a GC at the 10s floor deleting most of the table fails with the helm values, not a restart', () => {
    const f = conntrackTable.run(withLines(gcLine('30s', '10s', 0.92)));
    expect(statusOf(f, 'conntrack-table/full', 'node-a')).toBe('fail');
    const full = f.find((x) => x.id === 'conntrack-table/full')!;
    expect(full.cause).toBe('conntrack-table-full');
    expect(full.message).toContain('92%');
    expect(full.message).toContain('CT: Map insertion failed');
    expect(full.remediation?.autoFixable).toBe(false);
    expect(full.remediation?.commands.join('\n')).toContain('--set bpf.ctTcpMax=1048576');
    expect(full.remediation?.commands.join('\n')).toContain('cilium-dbg monitor --type drop');
    expect(statusOf(f, 'conntrack-table/room', 'node-b')).toBe('pass');
  });
});

describe('scenario conntrack-table-full', () => {
  test('doctor: top-1 on node-2, explain hint, what must change, and --fix restarts nothing', async () => {
    await withSim('conntrack-table-full', async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', 'kube-system/kube-dns'], { sim });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/VERDICT: .*\[conntrack-table-full\]/);
      expect(r.stdout).toContain('→ kdiag explain conntrack-table-full');
      expect(r.stdout).toContain('--set bpf.ctTcpMax=');
      const before = podUids(sim);
      const fix = await kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json'], { sim });
      const top = json(fix).rootCauses[0];
      expect(top).toMatchObject({ id: 'conntrack-table-full', nodes: ['node-2'], fixableByRestart: false });
      expect(podUids(sim)).toEqual(before);
    });
  });

  test('preflight: fails, and the first failing finding is the full conntrack map', async () => {
    await withSim('conntrack-table-full', async (sim) => {
      const r = await kdiag(['preflight', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const bad = json(r).findings.filter((f: any) => f.status === 'fail' || f.status === 'warn');
      expect(bad.length).toBeGreaterThan(0);
      for (const f of bad) expect(f.cause).toBe('conntrack-table-full');
      expect(bad[0]).toMatchObject({ id: 'conntrack-table/full', node: 'node-2' });
    });
  });
});
