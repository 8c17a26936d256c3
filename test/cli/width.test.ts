// At 80 columns on a real pseudo-terminal (util-linux `script`), doctor, service-list and preflight text
// fits: no line wider than 80, no id broken across lines. `-o wide` keeps every column.
import { execa } from 'execa';
import { stripVTControlCharacters } from 'node:util';
import { withSim } from '../helpers/sim.js';
import { BIN, json, kdiag } from '../helpers/cli.js';

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs kdiag on a pty 80 columns wide; stdout only (the spinner on stderr is dropped). */
async function at80(args: string[]): Promise<string[]> {
  const cmd = `stty cols 80; node ${[BIN, ...args].map(quote).join(' ')} 2>/dev/null`;
  const r = await execa('script', ['-qec', cmd, '/dev/null'], { reject: false, input: '', timeout: 120_000 });
  return stripVTControlCharacters(String(r.stdout)).replaceAll('\r', '').split('\n');
}

const SCENARIOS = ['bpf-programs-not-loaded', 'service-map-stale', 'agent-crashloop', 'kernel-too-old'];

describe('80-column terminal', () => {
  test.each(SCENARIOS)(
    '%s: doctor, service-list, preflight fit and keep ids whole',
    async (scenario) => {
      await withSim(scenario, async (sim) => {
        const kc = ['--kubeconfig', sim.kubeconfigPath];
        const ids = new Set<string>();
        const d = json(await kdiag(['doctor', 'clusterip', '-o', 'json', ...kc]));
        for (const f of d.findings) if (f.status !== 'pass') ids.add(f.id);
        for (const c of d.rootCauses) ids.add(`[${c.id}]`);
        for (const args of [['doctor', 'clusterip'], ['service-list'], ['preflight']]) {
          const lines = await at80([...args, ...kc]);
          const text = lines.join('\n');
          expect(text.length).toBeGreaterThan(50);
          expect({ args, wide: lines.filter((l) => [...l].length > 80) }).toEqual({ args, wide: [] });
          expect({ args, split: lines.filter((l) => /\[[a-z0-9/-]*$/.test(l)) }).toEqual({ args, split: [] });
          if (args[0] === 'doctor')
            for (const id of ids) expect({ id, whole: text.includes(id) }).toEqual({ id, whole: true });
        }
      });
    },
    300_000,
  ); // four CLI runs, each a cold node start

  test('-o wide is not fitted: every column, full width', async () => {
    await withSim('service-map-stale', async (sim) => {
      const lines = await at80(['service-list', '-o', 'wide', '--kubeconfig', sim.kubeconfigPath]);
      expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+FRONTEND\s+TYPE\s+ENDPOINTS\s+STATUS\s+NODES$/);
      expect(lines.some((l) => l.length > 80)).toBe(true);
    });
  }, 120_000);
});
