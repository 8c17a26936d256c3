// Check and finding ids: unique, kebab-case, complete and documented in docs/checks.md.
import fs from 'node:fs';
import path from 'node:path';
import { CHECKS, FINDING_IDS } from '../../src/checks/index.js';
import { NODE_CHECKS } from '../../src/node/checks/index.js';
import { findingIds } from '../../src/model/check.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { healthyFacts, oldKernelAndMissingPrograms } from '../helpers/facts.js';
import { CAUSES } from '../../src/model/causes.js';
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

  it('every finding a check reports carries a reason the check declares', () => {
    const all = [healthyFacts(), oldKernelAndMissingPrograms()];
    for (const facts of all)
      for (const f of runChecks(facts)) {
        const c = CHECKS.find((x) => x.id === f.check)!;
        const reason = f.id.slice(c.id.length + 1);
        expect(`${f.id}:${[...c.reasons, 'unknown', 'error'].includes(reason)}`).toBe(`${f.id}:true`);
      }
  });

  it('node checks: ids unique, reasons documented', () => {
    const ids = NODE_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of findingIds(NODE_CHECKS)) {
      const reason = id.split('/')[1];
      if (reason !== 'unknown' && reason !== 'error') expect(docs).toContain(`\`${id}\``);
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
