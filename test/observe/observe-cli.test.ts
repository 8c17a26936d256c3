// `kdiag doctor clusterip NS/SVC --observe D` end to end against the simulator: the drops name the cause, the
// monitor never outlives the run (the simulator counts every monitor started and ended), and bad input is
// exit 2.
import { json, kdiag } from '../helpers/cli.js';
import { scenario, shipped, withSim, watchesEnded } from '../helpers/sim.js';
import { MAX_OBSERVE_MS, observeArgv } from '../../src/engine/observe.js';

describe('doctor clusterip --observe', () => {
  test('hairpin-policy-drop: the drops name the cause top-1, with the exact command; every monitor ended', async () => {
    await withSim('hairpin-policy-drop', async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', 'shop/web', '--observe', '1s', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const d = json(r);
      expect(d.rootCauses[0]).toMatchObject({ id: 'hairpin-policy-drop', nodes: ['node-1', 'node-2'] });
      const f = d.findings.find((x: { id: string }) => x.id === 'datapath-drops/hairpin-policy-denied');
      expect(f.evidence[0].pasteCommand).toMatch(
        /^kubectl -n kube-system exec cilium-\w+ -c cilium-agent -- timeout --signal=INT 1s cilium monitor --type drop$/,
      );
      expect(f.evidence[0].excerpt).toMatch(
        /^xx drop \(Policy denied\) .* 169\.254\.42\.1:\d+ -> 10\.0\.\d+\.\d+:8080 tcp SYN/,
      );
      const s = await watchesEnded(sim);
      expect(s.started).toBe(2);
      expect(s.ended).toBe(s.started);
    });
  });

  test('without --observe the same cluster shows nothing (only the datapath sees it)', async () => {
    await withSim('hairpin-policy-drop', async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', 'shop/web', '-o', 'json'], { sim });
      expect(json(r).rootCauses).toEqual([]);
      expect(sim.monitorStats().started).toBe(0);
    });
  });

  test('healthy: no drop for the Service is a pass on each backend node; exit 0', async () => {
    await withSim('healthy', async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', 'kube-system/kube-dns', '--observe', '1s', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(0);
      const drops = json(r).findings.filter((x: { check: string }) => x.check === 'datapath-drops');
      expect(drops.length).toBeGreaterThan(0);
      for (const f of drops) expect(f).toMatchObject({ id: 'datapath-drops/none', status: 'pass' });
      const s = await watchesEnded(sim);
      expect(s.started).toBe(drops.length);
      expect(s.ended).toBe(s.started);
    });
  });

  test('a monitor that ignores timeout is ended by the client deadline (duration + --request-timeout)', async () => {
    const data = shipped('hairpin-policy-drop');
    const sc = scenario({
      ...data,
      nodes: { count: 3, faults: [{ ...data.nodes!.faults![0]!, ignoresSignal: true } as never] },
    });
    await withSim(sc, async (sim) => {
      const r = await kdiag(
        ['doctor', 'clusterip', 'shop/web', '--observe', '1s', '--request-timeout', '2s', '-o', 'json'],
        { sim },
      );
      const d = json(r);
      const unknown = d.findings.filter((x: { id: string }) => x.id === 'datapath-drops/unknown');
      expect(unknown.map((x: { node: string }) => x.node)).toEqual(['node-1', 'node-2']);
      expect(unknown[0].message).toMatch(/no answer within 3s/);
      expect(r.exitCode).toBe(2);
      // The simulated monitor never ends by itself here: only the closed exec stopped it.
      const s = await watchesEnded(sim);
      expect(s.started).toBe(2);
      expect(s.ended).toBe(2);
    });
  });

  test.each([['abc'], ['0s'], ['11m'], ['-5s']])('--observe %s is an input error (exit 2)', async (d) => {
    const r = await kdiag(['doctor', 'clusterip', 'shop/web', `--observe=${d}`]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--observe/);
  });

  test('--observe without a Service is an input error (exit 2)', async () => {
    const r = await kdiag(['doctor', 'clusterip', '--observe', '10s']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--observe needs the Service/);
  });

  test('the in-container command is fixed: timeout, the duration, the CLI, monitor --type drop', () => {
    expect(observeArgv('cilium-dbg', 10_000)).toEqual([
      'timeout',
      '--signal=INT',
      '10s',
      'cilium-dbg',
      'monitor',
      '--type',
      'drop',
    ]);
    expect(observeArgv('cilium', 1500)).toContain('1.5s');
    expect(MAX_OBSERVE_MS).toBe(600_000);
  });
});
