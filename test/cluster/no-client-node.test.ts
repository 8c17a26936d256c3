// Cheaper per run (issue #13): reading the kubeconfig and talking to the API (REST and exec) no longer
// import @kubernetes/client-node, whose index loads its generated API models (about 0.9 s of CPU per
// run). A resolve hook in the kdiag process records every module under it; doctor must load none.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { kdiag, json } from '../helpers/cli.js';
import { scenario, withSim } from '../helpers/sim.js';

test('doctor on the simulator loads nothing from @kubernetes/client-node', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdiag-imports-'));
  const trace = join(dir, 'loaded.txt');
  writeFileSync(
    join(dir, 'hooks.mjs'),
    [
      "import { appendFileSync } from 'node:fs';",
      'export async function resolve(spec, ctx, next) {',
      '  const r = await next(spec, ctx);',
      `  if (r.url.includes('@kubernetes/client-node')) appendFileSync(${JSON.stringify(trace)}, r.url + '\\n');`,
      '  return r;',
      '}',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`,
  );
  await withSim(scenario({ count: 3 }), async (sim) => {
    const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], {
      sim,
      env: { NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'register.mjs')).href}` },
    });
    // The run did reach the cluster: it read the agents (exec) and judged them.
    expect(json(r).findings).toBeDefined();
    expect(sim.execStats().execs).toBeGreaterThan(0);
  });
  expect(existsSync(trace) ? readFileSync(trace, 'utf8') : '').toBe('');
}, 120_000);
