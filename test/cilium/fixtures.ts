// Reads the recorded Cilium outputs: the repo's copy in fixtures/cilium (from /work/shared/fixtures/cilium,
// see its SOURCES.md), or KDIAG_FIXTURES.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function fixtureDir(): string {
  return process.env.KDIAG_FIXTURES ?? path.resolve(process.cwd(), 'fixtures/cilium');
}

export function fixture(name: string): string {
  return readFileSync(path.join(fixtureDir(), name), 'utf8');
}

/** Lines with tabwriter's trailing padding removed (some published copies lost it). */
export function trimLines(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n');
}
