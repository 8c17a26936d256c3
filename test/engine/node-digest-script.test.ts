// The node digest script (src/engine/gather-digest.ts) run by the real /bin/sh, awk, sort and sha256sum
// over recorded `service list` outputs (fixtures/cilium/): what it leaves out (IDs, backend numbers, a
// NodePort row's node address, row order) and what it keeps (every frontend, backend and state).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { NODE_DIGEST_SCRIPT } from '../../src/engine/gather-digest.js';
import { ROOT } from '../helpers/cli.js';

const fixture = (name: string) => readFileSync(join(ROOT, 'fixtures/cilium', name), 'utf8');
const QUARANTINED = fixture('service-list.v1.12-dev.quarantined.text.txt');
const NODEPORT = fixture('service-list.v1.13.4.k3s.nodeport.text.txt');
const V120 = fixture('service-list.v1.20-dev.cilium-dbg.text.txt');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kdiag-digest-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the script with a stand-in CLI that prints `text` and exits `code`. */
async function digest(text: string, code = 0): Promise<{ sum: string; meta: string; exitCode: number }> {
  const out = join(dir, `out-${Math.random().toString(16).slice(2)}`);
  writeFileSync(out, text);
  const cli = join(dir, `cli-${Math.random().toString(16).slice(2)}`);
  writeFileSync(cli, `#!/bin/sh\ncat '${out}'\nexit ${code}\n`);
  chmodSync(cli, 0o755);
  const r = await execa('/bin/sh', ['-c', NODE_DIGEST_SCRIPT, 'kdiag-digest', cli], { reject: false });
  return { sum: r.stdout.split(/\s+/)[0]!, meta: r.stderr.trim(), exitCode: r.exitCode ?? -1 };
}

const swapRows = (text: string): string => {
  // Moves the first row (with its continuation lines) to the end.
  const [head, ...rest] = text.split('\n');
  const firstEnd = rest.findIndex((l, i) => i > 0 && /^[0-9]/.test(l));
  return [head, ...rest.slice(firstEnd), ...rest.slice(0, firstEnd)].filter((l) => l !== '').join('\n') + '\n';
};

describe('the node digest script', () => {
  test('counts rows, reports the CLI exit code, prints one sha256', async () => {
    const d = await digest(V120);
    expect(d.exitCode).toBe(0);
    expect(d.sum).toMatch(/^[0-9a-f]{64}$/);
    const rows = V120.split('\n').filter((l) => /^[0-9]/.test(l)).length;
    expect(d.meta).toBe(`kdiag-digest rows=${rows} exit=0`);
    expect((await digest('', 127)).meta).toBe('kdiag-digest rows=0 exit=127');
  });

  test('IDs, backend numbers and row order are left out', async () => {
    const base = await digest(V120);
    const renumbered = V120.replace(/^(\d+)(\s)/gm, (_m, id: string, sp: string) => `${Number(id) + 500}${sp}`);
    expect((await digest(renumbered)).sum).toBe(base.sum);
    expect((await digest(swapRows(V120))).sum).toBe(base.sum);
    expect((await digest(V120.replace(/ 1 => /g, ' 7 => '))).sum).toBe(base.sum);
  });

  test("a NodePort row's node address is left out, its port and backends are not", async () => {
    const base = await digest(NODEPORT);
    expect((await digest(NODEPORT.replace('192.168.2.3:32727', '192.168.2.4:32727'))).sum).toBe(base.sum);
    expect((await digest(NODEPORT.replace('192.168.2.3:32727', '192.168.2.3:32728'))).sum).not.toBe(base.sum);
    expect((await digest(NODEPORT.replace('10.0.0.70:80 (active)', '10.0.0.71:80 (active)'))).sum).not.toBe(base.sum);
  });

  test('every drift kind changes the digest: missing, stale, wrong backends, backend states', async () => {
    const base = (await digest(QUARANTINED)).sum;
    const rows = QUARANTINED.split('\n');
    const missing = [rows[0], ...rows.slice(4)].join('\n');
    const stale = QUARANTINED + '9    10.96.200.200:80  ClusterIP      1 => 10.0.3.99:8080 (active)\n';
    const wrong = QUARANTINED.replace('10.244.1.59:80', '10.244.1.60:80');
    const dropped = rows.filter((l) => !l.includes('10.244.1.8:80')).join('\n');
    const state = QUARANTINED.replace('10.244.0.58:80 (quarantined)', '10.244.0.58:80 (active)');
    const ipChanged = QUARANTINED.replace('10.96.95.246:80', '10.96.95.247:80');
    const sums = await Promise.all(
      [missing, stale, wrong, dropped, state, ipChanged].map(async (t) => (await digest(t)).sum),
    );
    for (const s of sums) expect(s).not.toBe(base);
    expect(new Set(sums).size).toBe(sums.length);
  });
});
