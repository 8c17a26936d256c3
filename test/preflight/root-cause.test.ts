// Every shipped scenario with an expected root cause: `kdiag preflight -o json` names it as its top root
// cause (the same ranking doctor uses, src/engine/rank.ts), and the healthy ones name none. The built CLI
// against the simulator, the way a CI job runs it. A scenario whose cause only the drops show
// (`expect.observe`) runs with `--observe 2s`.
import { listScenarios } from '../../src/sim/index.js';
import { json, kdiag } from '../helpers/cli.js';
import { shipped, withSim } from '../helpers/sim.js';

/** Scenarios whose cause preflight cannot see by design, with the reason. */
const NOT_PREFLIGHT: Record<string, string> = {
  large: 'a size test (thousands of Services), not a cause',
  'no-ready-endpoints': "a Service's own cause: only doctor clusterip NS/SVC, for the Service the user asks about",
  'rollout-stuck': "a Service's own cause: only doctor clusterip NS/SVC, for the Service the user asks about",
};

const scenarios = listScenarios().filter((s) => !(s.name in NOT_PREFLIGHT));

describe.each(scenarios.map((s) => [s.name]))('preflight on scenario %s', (name) => {
  test('names the expected root cause first (none on a healthy cluster)', async () => {
    await withSim(name, async (sim) => {
      const observe = sim.scenario.expect.observe ? ['--observe', '2s'] : [];
      const r = await kdiag(['preflight', '-o', 'json', ...observe], { sim });
      const rep = json(r);
      const want = sim.scenario.expect.rootCause;
      if (want === null) {
        expect(rep.rootCauses).toEqual([]);
      } else {
        expect(r.exitCode).toBe(1);
        expect(rep.rootCauses[0]?.id).toBe(want);
      }
    });
  }, 120_000);
});

describe('the exceptions', () => {
  test('name shipped scenarios that expect a cause (or the size test)', () => {
    const names = new Set(listScenarios().map((s) => s.name));
    for (const n of Object.keys(NOT_PREFLIGHT)) {
      expect(names.has(n)).toBe(true);
      if (n !== 'large') expect(shipped(n).expect.rootCause).not.toBeNull();
    }
  });
});

describe('preflight text and --ignore', () => {
  test('the table ends with the top root cause above the summary line', async () => {
    await withSim('lb-map-full', async (sim) => {
      const r = await kdiag(['preflight'], { sim, env: { COLUMNS: '400' } });
      expect(r.exitCode).toBe(1);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines.at(-2)).toMatch(
        /^Root cause: lb-map-full \(node-1, node-2, node-3\): .*; kdiag explain lb-map-full$/,
      );
      expect(lines.at(-1)).toMatch(/^kdiag preflight: failed/);
    });
  }, 120_000);

  test('a suppressed finding names no cause', async () => {
    await withSim('sidecar-bypassed', async (sim) => {
      const rep = json(await kdiag(['preflight', '-o', 'json', '--ignore', 'mesh-sidecar/bypassed'], { sim }));
      expect(rep.rootCauses).toEqual([]);
      expect(rep.summary.status).toBe('passed');
    });
  }, 120_000);
});
