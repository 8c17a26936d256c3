// `kdiag logs -o json`: one parsed record per line, same shape for logrus (≤1.17) and slog (1.18+) agents.
import { kdiag, lines } from '../helpers/cli.js';
import { scenario, simulator, type SimHandle } from '../helpers/sim.js';

describe('kdiag logs -o json', () => {
  let sim: SimHandle;
  afterEach(async () => sim?.stop());

  test.each([
    ['1.16.5', 'logrus'],
    ['1.18.2', 'slog'],
  ])('Cilium %s agents: %s records with levels', async (version, format) => {
    sim = await simulator(
      scenario({ version, count: 2, faults: [{ kind: 'kernel-too-old', nodes: [2], crashloop: false }] }),
    );
    const r = await kdiag(['logs', '-o', 'json'], { sim });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const recs = lines(r.stdout).map((l) => JSON.parse(l));
    expect(recs.length).toBeGreaterThan(10);
    for (const x of recs) {
      expect(Object.keys(x).slice(0, 9)).toEqual([
        'node',
        'pod',
        'time',
        'level',
        'subsys',
        'source',
        'msg',
        'fields',
        'format',
      ]);
      expect(x.format).toBe(format);
      expect(x.time).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(['debug', 'info', 'warning', 'error', 'fatal']).toContain(x.level);
    }
    expect(new Set(recs.map((x) => x.node))).toEqual(new Set(['node-1', 'node-2']));
    const bad = recs.filter((x) => x.level === 'error' || x.level === 'fatal');
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.every((x) => x.node === 'node-2' && x.catalog?.id)).toBe(true);
  });
});
