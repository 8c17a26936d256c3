// `kdiag logs --errors`: only the lines the log catalog recognises, on the nodes that have them, each
// followed by the catalog's explanation and fix.
import { LOG_CATALOG } from '../../src/cilium/log-catalog.js';
import { listScenarios } from '../../src/sim/index.js';
import { kdiag, lines } from '../helpers/cli.js';
import { scenario, simulator, type SimHandle } from '../helpers/sim.js';

describe('kdiag logs --errors', () => {
  let sim: SimHandle;
  afterEach(async () => sim?.stop());

  test("bpf-programs-not-loaded: the affected nodes' error lines, with explanation and fix, and nothing else", async () => {
    // the scenario file when it exists, else the same fault inline
    const named = listScenarios().some((s) => s.name === 'bpf-programs-not-loaded');
    sim = await simulator(
      named ? 'bpf-programs-not-loaded' : scenario({ faults: [{ kind: 'bpf-programs-not-loaded', nodes: [2] }] }),
    );
    const affected = sim.nodesWithFault('bpf-programs-not-loaded');
    expect(affected.length).toBeGreaterThan(0);
    const r = await kdiag(['logs', '--errors'], { sim });
    expect(r.exitCode).toBe(0);
    const out = lines(r.stdout);
    const logLines = out.filter((l) => /^\S+\/cilium-/.test(l));
    expect(logLines.length).toBeGreaterThan(0);
    expect(new Set(logLines.map((l) => l.split('/')[0]))).toEqual(new Set(affected));
    // every log line is followed by its catalog entry and fix
    expect(out).toHaveLength(logLines.length * 3);
    out.forEach((l, i) => {
      if (i % 3 === 1) expect(l).toMatch(/^ +\[bpf-program-load-failed\] /);
      if (i % 3 === 2) expect(l).toMatch(/^ +fix: /);
    });
  });

  test('recorded agent lines: each recognised line is followed by its catalog entry; other lines are dropped', async () => {
    const perm = LOG_CATALOG.find((e) => e.id === 'bpf-map-permission')!;
    const clsact = LOG_CATALOG.find((e) => e.id === 'tc-clsact-unsupported')!;
    sim = await simulator(
      scenario({
        faults: [
          { kind: 'logs', nodes: [1], lines: [perm.examples[0]!, 'level=info msg="nothing to see" subsys=daemon'] },
          { kind: 'logs', nodes: [3], lines: [clsact.examples[0]!] },
        ],
      }),
    );
    const r = await kdiag(['logs', '--errors'], { sim });
    expect(r.exitCode).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(6);
    expect(out[0]).toMatch(/^node-1\/cilium-\S+ +level=error msg="Error while opening\/creating BPF maps"/);
    expect(out[1]).toContain(`[bpf-map-permission] ${perm.explanation}`);
    expect(out[2]).toContain(`fix: ${perm.fix}`);
    expect(out[3]).toMatch(/^node-3\/cilium-\S+ +level=warning msg="RTNETLINK answers: Operation not supported"/);
    expect(out[4]).toContain('[tc-clsact-unsupported]');
    expect(r.stdout).not.toContain('nothing to see');

    const j = await kdiag(['logs', '--errors', '-o', 'json'], { sim });
    const recs = lines(j.stdout).map((l) => JSON.parse(l));
    expect(recs.map((x) => [x.node, x.catalog.id])).toEqual([
      ['node-1', 'bpf-map-permission'],
      ['node-3', 'tc-clsact-unsupported'],
    ]);
    expect(recs[0].catalog).toEqual({ id: perm.id, cause: perm.cause, explanation: perm.explanation, fix: perm.fix });
  });
});
