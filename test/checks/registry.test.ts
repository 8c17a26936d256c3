// Check and finding ids: unique, kebab-case, complete and documented in docs/checks.md.
import fs from 'node:fs';
import path from 'node:path';
import { CHECKS, FINDING_IDS, FINDING_REASONS } from '../../src/checks/index.js';
import { CAUSES } from '../../src/engine/causes.js';
import { LOG_CATALOG } from '../../src/cilium/log-catalog.js';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const docs = fs.readFileSync(path.resolve(process.cwd(), 'docs/checks.md'), 'utf8');
const SRC = path.resolve(process.cwd(), 'src/checks');

describe('check registry', () => {
  it('check ids are unique, kebab-case, documented, and match file and export names', async () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CHECKS) {
      expect(c.id).toMatch(KEBAB);
      expect(docs).toContain(`## ${c.id}\n`);
      const mod = (await import(`../../src/checks/${c.id}.js`)) as Record<string, unknown>;
      const camel = c.id.replace(/-([a-z0-9])/g, (_, x: string) => x.toUpperCase());
      expect(mod[camel]).toBe(c);
      expect(c.rbac.length).toBeGreaterThan(0);
    }
  });

  it('finding ids are unique, check-id/reason kebab-case, and documented', () => {
    expect(new Set(FINDING_IDS).size).toBe(FINDING_IDS.length);
    for (const id of FINDING_IDS) {
      const [check, reason, ...rest] = id.split('/');
      expect(rest).toEqual([]);
      expect(check).toMatch(KEBAB);
      expect(reason).toMatch(KEBAB);
      if (reason !== 'unknown' && reason !== 'error') expect(docs).toContain(`\`${id}\``);
    }
    expect(docs).toContain('`<check-id>/unknown`');
    expect(docs).toContain('`<check-id>/error`');
  });

  it('every reason a check source can emit is in FINDING_REASONS', () => {
    for (const c of CHECKS) {
      const src = fs.readFileSync(path.join(SRC, `${c.id}.ts`), 'utf8');
      const emitted = new Set<string>();
      for (const m of src.matchAll(/finding\(ID,\s*([^{]*?),\s*\{/g))
        for (const q of m[1]!.matchAll(/'([a-z0-9-]+)'/g)) emitted.add(q[1]!);
      const known = new Set([...(FINDING_REASONS[c.id] ?? []), 'unknown', 'error']);
      for (const r of emitted) expect(`${c.id}/${r}:${known.has(r)}`).toBe(`${c.id}/${r}:true`);
      expect(emitted.size).toBeGreaterThan(0);
    }
  });

  it('every cause id used by checks and the log catalog exists in the cause catalogue and docs', () => {
    const known = new Set(CAUSES.map((c) => c.id));
    const used = new Set<string>(LOG_CATALOG.map((e) => e.cause));
    for (const c of CHECKS) {
      const src = fs.readFileSync(path.join(SRC, `${c.id}.ts`), 'utf8');
      for (const m of src.matchAll(/cause: '([a-z0-9-]+)'/g)) used.add(m[1]!);
    }
    for (const u of used) {
      expect(`${u}:${known.has(u)}`).toBe(`${u}:true`);
      expect(docs).toContain(`\`${u}\``);
    }
    for (const c of CAUSES) {
      expect(c.id).toMatch(KEBAB);
      if (!c.fixableByRestart) expect(c.whatToChange).toBeTruthy();
    }
  });
});
