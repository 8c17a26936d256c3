// Every recorded fixture is accounted for in its folder's SOURCES.md, and every row names a file that exists.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

describe.each(['kube-proxy', 'calico'])('fixtures/%s', (dir) => {
  const root = path.resolve(process.cwd(), 'fixtures', dir);
  const files = readdirSync(root).filter((f) => f !== 'SOURCES.md');
  const sources = readFileSync(path.join(root, 'SOURCES.md'), 'utf8');
  const rows = [...sources.matchAll(/^\| ([^|\s]+\.(?:txt|yaml)) \|/gm)].map((m) => m[1]);

  test('one SOURCES.md row per file, and no row without a file', () => {
    expect([...rows].sort()).toEqual([...files].sort());
  });
});
