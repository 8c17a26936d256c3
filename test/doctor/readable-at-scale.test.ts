// Issue #19: output that stays readable on a large cluster. 100 nodes, two of them broken (node-37, node-82).
import { json, kdiag, lines } from '../helpers/cli.js';
import { agentNames, shipped, simulator, type SimHandle } from '../helpers/sim.js';

const base = shipped('bpf-programs-not-loaded');
const large = {
  ...base,
  description: '100 nodes, eBPF programs not loaded on node-37 and node-82',
  nodes: { count: 100, faults: [{ kind: 'bpf-programs-not-loaded', nodes: [37, 82], fixedByRestart: true }] },
  expect: { rootCause: 'bpf-programs-not-loaded', nodes: ['node-37', 'node-82'] },
} as typeof base;

let sim: SimHandle;
beforeAll(async () => {
  sim = await simulator(large);
}, 60_000);
afterAll(() => sim?.stop());

describe('readable at scale (100 nodes, 2 broken)', () => {
  test('doctor: under 60 lines, summary before details, identical evidence once with its nodes', async () => {
    const r = await kdiag(['doctor', 'clusterip'], { sim });
    expect(r.exitCode).toBe(1);
    const out = r.stdout.split('\n');
    expect(out.length).toBeLessThan(60);
    expect(r.stdout).toContain('node-37');
    expect(r.stdout).toContain('node-82');
    // the summary (counts per status and per cause) comes before the evidence
    const summary = out.findIndex((l) => l.startsWith('summary: '));
    expect(summary).toBeGreaterThan(-1);
    expect(summary).toBeLessThan(out.indexOf('EVIDENCE'));
    expect(out[summary]).toMatch(/4 fail.*\d+ pass · causes: bpf-programs-not-loaded \(2 nodes\)/);
    // one block per finding id, naming both nodes
    expect(out.filter((l) => /FAIL\s+bpf-programs\/none-loaded\s+node-37, node-82$/.test(l))).toHaveLength(1);
    expect(out.filter((l) => /FAIL\s+agent-logs\/known-error\s+node-37, node-82$/.test(l))).toHaveLength(1);
    // the command that shows the evidence, and fix steps with real node names
    const pods = agentNames(sim);
    expect(r.stdout).toContain(
      `kubectl -n kube-system exec ${pods.get('node-37')} -c cilium-agent -- bpftool prog show`,
    );
    expect(r.stdout).not.toContain('<node>');
    expect(r.stdout).toContain('--field-selector spec.nodeName=node-82');
  });

  test('doctor -o json keeps every node, and each evidence item its command', async () => {
    const d = json(await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim }));
    const noneLoaded = d.findings.filter((f: any) => f.id === 'bpf-programs/none-loaded');
    expect(noneLoaded.map((f: any) => f.node).sort()).toEqual(['node-37', 'node-82']);
    const pods = agentNames(sim);
    for (const f of noneLoaded) {
      const bpftool = f.evidence.find((e: any) => e.source === 'bpftool prog show');
      expect(bpftool.pasteCommand).toBe(
        `kubectl -n kube-system exec ${pods.get(f.node)} -c cilium-agent -- bpftool prog show`,
      );
    }
  });

  test('preflight --problems shows only the failures, then the one-line summary', async () => {
    const r = await kdiag(['preflight', '--problems'], { sim });
    expect(r.exitCode).toBe(1);
    const out = lines(r.stdout);
    // the header lines (datapath, column titles) and the summary aside, only the four failures
    const rows = out.slice(0, -1).filter((l) => /^\S+\/\S+\s/.test(l));
    expect(out.slice(0, -1).filter((l) => /\b(pass|passed)\b/.test(l) && !/^kdiag preflight/.test(l))).toEqual([]);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatch(/^\S+\s+node-(37|82)\s+fail\s/);
    expect(out.at(-1)).toMatch(/^kdiag preflight: failed \(4 failed.*\d+ passed/);
  });

  test('bpf progs --problems lists only missing programs and ends with a summary line', async () => {
    const r = await kdiag(['bpf', 'progs', '--problems'], { sim });
    expect(r.exitCode).toBe(1);
    const out = lines(r.stdout);
    const rows = out.slice(1, -1);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/^node-(37|82)\s.*\smissing\s/);
    expect(out.at(-1)).toMatch(
      /^100 node\(s\): 98 with every required program, 2 missing programs \(node-37, node-82\)/,
    );
  });
});
