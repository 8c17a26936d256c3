// What kubectl users expect of any CLI: -h, help topics, "did you mean", completion; YAML a reader can
// follow (no anchors); nodes in natural order; the worst findings first.
import { parse } from 'yaml';
import { withSim } from '../helpers/sim.js';
import { kdiag } from '../helpers/cli.js';

describe('help, suggestions, completion', () => {
  test('-h on every command, and `help doctor`', async () => {
    for (const cmd of [
      [],
      ['doctor', 'clusterip'],
      ['service-list'],
      ['preflight'],
      ['preflight', 'node'],
      ['preflight', 'list'],
      ['logs'],
      ['bpf', 'progs'],
      ['sim'],
      ['sim', 'list'],
    ]) {
      const r = await kdiag([...cmd, '-h']);
      expect({ cmd, exitCode: r.exitCode, usage: r.stdout.includes('USAGE') }).toEqual({
        cmd,
        exitCode: 0,
        usage: true,
      });
      if (cmd.length) expect({ cmd, examples: r.stdout.includes('EXAMPLES') }).toEqual({ cmd, examples: true });
    }
    const help = await kdiag(['help', 'doctor']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('doctor clusterip');
  }, 300_000); // eleven CLI runs

  test('`kdiag docter` suggests doctor and exits 127 without prompting (no TTY, no stdin)', async () => {
    const r = await kdiag(['docter']);
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toContain('Did you mean doctor?');
    const sl = await kdiag(['servce-list']);
    expect(sl.stderr).toContain('Did you mean service-list?');
  });

  // fish: @oclif/plugin-autocomplete v3 (the line for @oclif/core 4) completes bash, zsh and powershell only
  test.each(['bash', 'zsh'])('`kdiag autocomplete %s` prints the set-up', async (shell) => {
    const r = await kdiag(['autocomplete', shell]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`kdiag autocomplete script ${shell}`);
  });
});

describe('text and data output', () => {
  const scenario = {
    description: 'programs missing on node-2 and node-10 of 12',
    nodes: { count: 12, faults: [{ kind: 'bpf-programs-not-loaded', nodes: [2, 10], fixedByRestart: true }] },
    services: { explicit: [{ name: 'web', namespace: 'default', clusterIP: '10.96.10.10', ports: [{ port: 80 }] }] },
    expect: { rootCause: 'bpf-programs-not-loaded', nodes: ['node-2', 'node-10'] },
  };

  test('-o yaml has no anchors or aliases; node names in natural order; FAIL before INFO', async () => {
    await withSim(scenario as never, async (sim) => {
      const y = await kdiag(['doctor', 'clusterip', '-o', 'yaml'], { kubeconfig: sim.kubeconfigPath });
      expect(y.exitCode).toBe(1);
      expect(y.stdout).not.toMatch(/(^|\s)[&*]a\d+\b/m);
      const doc = parse(y.stdout);
      expect(doc.rootCauses[0].nodes).toEqual(['node-2', 'node-10']);

      const text = await kdiag(['doctor', 'clusterip'], { kubeconfig: sim.kubeconfigPath });
      expect(text.stdout).toContain('affected: node-2, node-10');
      const marks = text.stdout
        .split('\n')
        .map((l) => /^. (FAIL|WARN|UNKNOWN|INFO)\b/.exec(l)?.[1])
        .filter(Boolean);
      const rank = { FAIL: 0, WARN: 1, UNKNOWN: 2, INFO: 3 } as Record<string, number>;
      expect(marks.length).toBeGreaterThan(1);
      expect(marks.map((m) => rank[m!])).toEqual([...marks.map((m) => rank[m!])].sort((a, b) => a - b));

      const gate = await kdiag(['preflight'], { kubeconfig: sim.kubeconfigPath });
      const nodes = gate.stdout
        .split('\n')
        .filter((l) => l.startsWith('bpf-programs/'))
        .map((l) => l.split(/\s+/)[1]);
      expect(nodes.slice(0, 2)).toEqual(['node-2', 'node-10']);
    });
  }, 180_000);
});
