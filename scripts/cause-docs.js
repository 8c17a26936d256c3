#!/usr/bin/env node
// Writes docs/causes/ID.md for every root cause from the one source: the catalogue (src/model/causes.ts)
// and its docs (src/model/cause-docs.ts), rendered as `kdiag explain ID` prints them. Run after `npm run build`.
// Usage: node scripts/cause-docs.js [--check]   (--check: exit 1 if a doc would change or is left over)
import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { CAUSES } = await import(join(root, 'dist/model/causes.js'));
const { causeDoc } = await import(join(root, 'dist/model/cause-docs.js'));
const { renderCauseDoc } = await import(join(root, 'dist/render/explain.js'));

const check = process.argv.includes('--check');
const dir = join(root, 'docs/causes');
mkdirSync(dir, { recursive: true });
const want = new Map();
for (const def of CAUSES) {
  const doc = causeDoc(def.id);
  if (!doc) {
    process.stderr.write(`Error: cause ${def.id} has no entry in src/model/cause-docs.ts\n`);
    process.exit(2);
  }
  want.set(`${def.id}.md`, renderCauseDoc(def, doc));
}
let stale = 0;
for (const [file, text] of want) {
  const path = join(dir, file);
  if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
  stale++;
  if (check) process.stderr.write(`docs/causes/${file} is out of date\n`);
  else writeFileSync(path, text);
}
for (const file of readdirSync(dir))
  if (file.endsWith('.md') && !want.has(file)) {
    stale++;
    if (check) process.stderr.write(`docs/causes/${file} names no cause\n`);
    else unlinkSync(join(dir, file));
  }
if (check && stale) process.exit(1);
process.stdout.write(`${check ? 'checked' : 'wrote'} ${want.size} cause docs in docs/causes/\n`);
