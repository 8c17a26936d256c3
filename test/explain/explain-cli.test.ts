// `kdiag explain`: offline, lists every cause and finding id; explains one; unknown input is exit 2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAUSES } from '../../src/model/causes.js';
import { FINDING_IDS } from '../../src/checks/index.js';
import { json, kdiag, ROOT } from '../helpers/cli.js';

describe('kdiag explain', () => {
  test('without an id lists every cause and every finding id', async () => {
    const r = await kdiag(['explain', '-o', 'json']);
    expect(r.exitCode).toBe(0);
    const ids = json<{ id: string; kind: string }[]>(r).map((e) => e.id);
    for (const c of CAUSES) expect(ids).toContain(c.id);
    for (const f of FINDING_IDS) expect(ids).toContain(f);
  });

  test('a cause id prints exactly its docs/causes page', async () => {
    const r = await kdiag(['explain', 'lb-map-full']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(readFileSync(join(ROOT, 'docs/causes/lb-map-full.md'), 'utf8').trim());
    expect(r.stdout).toContain('bpf.lbMapMax');
  });

  test('a finding id names its check and reasons', async () => {
    const r = await kdiag(['explain', 'lb-map-full/full']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('`lb-map-full/room`');
  });

  test('an unknown id is an input error: exit 2 with a hint', async () => {
    const r = await kdiag(['explain', 'gremlins']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('kdiag explain');
  });
});
