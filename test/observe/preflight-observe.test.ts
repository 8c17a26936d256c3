// `kdiag preflight --observe D` end to end against the simulator: no Service is named, so the agents of the
// nodes hosting Service backends are watched (at most --concurrency of them, all at once); the drops that
// concern any Service name the cause, every monitor ends with the run, and without --observe nothing is
// watched and nothing claims it was.
import { json, kdiag } from '../helpers/cli.js';
import { scenario, shipped, withSim, watchesEnded } from '../helpers/sim.js';

type F = {
  id: string;
  check: string;
  status: string;
  node?: string;
  message: string;
  evidence?: { pasteCommand?: string }[];
};
const ABOVE_INFO = new Set(['warn', 'fail', 'unknown']);

describe('preflight --observe', () => {
  test('hairpin-policy-drop: the top root cause, with the exact command; every monitor and exec ended', async () => {
    await withSim('hairpin-policy-drop', async (sim) => {
      const r = await kdiag(['preflight', '--observe', '1s', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const rep = json(r);
      expect(rep.rootCauses[0]).toMatchObject({ id: 'hairpin-policy-drop' });
      const hits = rep.findings.filter((x: F) => x.id === 'datapath-drops/hairpin-policy-denied');
      expect(hits.map((x: F) => x.node)).toEqual(['node-1', 'node-2']);
      expect(hits[0].message).toMatch(/drop\(s\) of shop\/web in 1s/);
      expect(hits[0].evidence[0].pasteCommand).toMatch(
        /^kubectl -n kube-system exec cilium-\w+ -c cilium-agent -- timeout --signal=INT 1s cilium monitor --type drop$/,
      );
      const s = await watchesEnded(sim);
      // One monitor per node hosting a backend (the three nodes), all ended, no exec left open.
      expect(s.started).toBe(3);
      expect(s.ended).toBe(s.started);
      expect(sim.execStats().open).toBe(0);
    });
  }, 120_000);

  test('without --observe: no monitor runs and no finding claims drops were looked at (as before)', async () => {
    await withSim('hairpin-policy-drop', async (sim) => {
      const r = await kdiag(['preflight', '-o', 'json'], { sim });
      const rep = json(r);
      expect(rep.rootCauses).toEqual([]);
      expect(rep.findings.filter((x: F) => x.check === 'datapath-drops')).toEqual([]);
      expect(sim.monitorStats().started).toBe(0);
    });
  }, 120_000);

  test.each([['healthy'], ['healthy-v1.14']])(
    '%s: no finding above info; each watched node passes',
    async (name) => {
      await withSim(name, async (sim) => {
        const r = await kdiag(['preflight', '--observe', '1s', '-o', 'json'], { sim });
        expect(r.exitCode).toBe(0);
        const rep = json(r);
        expect(rep.findings.filter((x: F) => ABOVE_INFO.has(x.status))).toEqual([]);
        expect(rep.rootCauses).toEqual([]);
        const drops = rep.findings.filter((x: F) => x.check === 'datapath-drops');
        expect(drops.length).toBeGreaterThan(0);
        for (const f of drops) expect(f).toMatchObject({ id: 'datapath-drops/none', status: 'pass' });
        const s = await watchesEnded(sim);
        expect(s.started).toBe(drops.length);
        expect(s.ended).toBe(s.started);
      });
    },
    120_000,
  );

  test('at most --concurrency nodes are watched, all at once; the rest is named as not observed', async () => {
    await withSim('hairpin-policy-drop', async (sim) => {
      const r = await kdiag(['preflight', '--observe', '1s', '--concurrency', '2', '-o', 'json'], { sim });
      const rep = json(r);
      const capped = rep.findings.find((x: F) => x.id === 'datapath-drops/capped');
      expect(capped).toMatchObject({ status: 'info' });
      expect(capped.message).toMatch(/^watched 2 of the 3 nodes that host a Service backend/);
      const watched = rep.findings.filter((x: F) => x.check === 'datapath-drops' && x.node);
      expect(new Set(watched.map((x: F) => x.node)).size).toBe(2);
      const s = await watchesEnded(sim);
      expect(s.started).toBe(2);
      expect(s.ended).toBe(2);
    });
  }, 120_000);

  test('a monitor that ignores timeout is ended by the exec deadline (duration + --request-timeout)', async () => {
    const data = shipped('hairpin-policy-drop');
    const sc = scenario({
      ...data,
      nodes: { count: 3, faults: [{ ...data.nodes!.faults![0]!, ignoresSignal: true } as never] },
    });
    await withSim(sc, async (sim) => {
      const r = await kdiag(['preflight', '--observe', '1s', '--request-timeout', '2s', '-o', 'json'], { sim });
      const rep = json(r);
      const unknown = rep.findings.filter((x: F) => x.id === 'datapath-drops/unknown');
      expect(unknown.length).toBeGreaterThan(0);
      for (const u of unknown) expect(u.message).toMatch(/no answer within 3s/);
      expect(r.exitCode).not.toBe(0);
      const s = await watchesEnded(sim);
      expect(s.ended).toBe(s.started);
      expect(sim.execStats().open).toBe(0);
    });
  }, 120_000);

  test.each([['abc'], ['0s'], ['11m']])('--observe %s is an input error (exit 2)', async (d) => {
    const r = await kdiag(['preflight', `--observe=${d}`]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--observe/);
  });
});
