// Assertions the pure check suites share about one failing finding.
import type { Finding } from '../../src/model/check.js';

/** `f[i]`, after asserting it names `cause` and its first evidence is `command` as run on `node`. */
export function failingFinding(f: Finding[], i: number, cause: string, command: string[], node: string): Finding {
  const x = f[i]!;
  expect(x.cause).toBe(cause);
  expect(x.evidence[0]).toMatchObject({ command, node });
  return x;
}
