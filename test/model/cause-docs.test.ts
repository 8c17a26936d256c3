// One source for `kdiag explain ID` and docs/causes/ID.md: every cause of the catalogue has a doc, every
// doc a cause, and each docs/causes file is exactly what the renderer prints (scripts/cause-docs.js).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAUSES } from '../../src/model/causes.js';
import { CAUSE_DOCS } from '../../src/model/cause-docs.js';
import { renderCauseDoc } from '../../src/render/explain.js';
import { ROOT } from '../helpers/cli.js';

const dir = join(ROOT, 'docs/causes');

test('every cause has a doc, and every doc a cause', () => {
  expect(Object.keys(CAUSE_DOCS).sort()).toEqual(CAUSES.map((c) => c.id).sort());
});

test('docs/causes holds one file per cause and nothing else', () => {
  expect(readdirSync(dir).sort()).toEqual(CAUSES.map((c) => `${c.id}.md`).sort());
});

test.each(CAUSES.map((c) => [c.id, c] as const))('docs/causes/%s.md is generated from the catalogue', (id, def) => {
  expect(readFileSync(join(dir, `${id}.md`), 'utf8')).toBe(renderCauseDoc(def, CAUSE_DOCS[id]!));
});

test.each(CAUSES.filter((c) => !c.fixableByRestart).map((c) => [c.id, c] as const))(
  '%s: a restart cannot fix it, so the catalogue says what must change',
  (_id, def) => {
    expect(def.whatToChange).toBeTruthy();
  },
);

test('every doc has evidence, a command to confirm by hand, a fix and a report', () => {
  for (const [id, d] of Object.entries(CAUSE_DOCS)) {
    expect([id, d.evidence.length > 0 && d.confirm.length > 0 && d.fix.length > 0 && d.reports.length > 0]).toEqual([
      id,
      true,
    ]);
  }
});
