// Where scenarios and the recorded Cilium outputs they name are found (from src/ under jest and from dist/).
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KdiagError } from '../errors.js';

const here = dirname(fileURLToPath(import.meta.url));

/** scenarios/ at the package root (works from src/ under jest and from dist/). */
export function scenariosDir(): string {
  const candidates = [resolve(here, '../../scenarios'), resolve(here, '../../../scenarios'), resolve('scenarios')];
  return candidates.find((d) => existsSync(d)) ?? candidates[0]!;
}

/** Where `fixture:` names that are not relative paths are looked up. */
export function fixturesDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.KDIAG_FIXTURES) dirs.push(process.env.KDIAG_FIXTURES, join(process.env.KDIAG_FIXTURES, 'cilium'));
  // The repo's copy of the recorded outputs, then the shared originals beside the checkout.
  dirs.push(
    resolve(scenariosDir(), '../fixtures/cilium'),
    resolve(scenariosDir(), '../../shared/fixtures/cilium'),
    resolve(scenariosDir(), 'fixtures'),
  );
  return dirs;
}

/** Resolve a `fixture:` reference to a readable file path. */
export function resolveFixture(ref: string, scenarioFile?: string): string {
  const tries: string[] = [];
  if (isAbsolute(ref)) tries.push(ref);
  if (scenarioFile) tries.push(resolve(dirname(scenarioFile), ref));
  for (const d of fixturesDirs()) tries.push(join(d, ref));
  const found = tries.find((t) => existsSync(t));
  if (!found) throw new KdiagError('config', `fixture "${ref}" not found (looked in: ${tries.join(', ')})`);
  return found;
}
