// The node-side filter script run by the real /bin/sh and awk over each `service list` text format: it
// keeps exactly the rows the full read keeps (continuation lines included), and carries the CLI's exit code.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseServiceListText, renderServiceListText } from '../../src/cilium/formats/service-list.js';
import type { LbService } from '../../src/cilium/types.js';
import { NODE_FILTER_SCRIPT } from '../../src/engine/gather-filter.js';

const be = (ip: string, port: number) => ({ ip, port, protocol: 'TCP', state: 'active' as const });
const MAP: LbService[] = [
  {
    id: 1,
    frontend: { ip: '10.96.0.1', port: 443, protocol: 'TCP' },
    type: 'ClusterIP',
    backends: [be('172.18.0.2', 6443)],
  },
  {
    id: 2,
    frontend: { ip: '10.96.10.10', port: 80, protocol: 'TCP' },
    type: 'ClusterIP',
    backends: [be('10.0.1.5', 8080), be('10.0.2.6', 8080), be('10.0.3.7', 8080)],
  },
  {
    id: 3,
    frontend: { ip: '10.96.10.100', port: 80, protocol: 'TCP' },
    type: 'ClusterIP',
    backends: [be('10.0.1.9', 8080)],
  },
  {
    id: 4,
    frontend: { ip: '192.168.1.4', port: 30080, protocol: 'TCP' },
    type: 'NodePort',
    backends: [be('10.0.1.5', 8080), be('10.0.2.6', 8080)],
  },
  {
    id: 5,
    frontend: { ip: 'fd00::10', port: 80, protocol: 'TCP' },
    type: 'ClusterIP',
    backends: [be('fd00:1::5', 8080)],
  },
  { id: 6, frontend: { ip: '10.96.10.10', port: 8080, protocol: 'TCP' }, type: 'ClusterIP', backends: [] },
];

describe('node filter script (real sh + awk)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kdiag-filter-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (text: string, exit: number, keys: string[]) => {
    writeFileSync(join(dir, 'map.txt'), text);
    const cli = join(dir, 'cli');
    writeFileSync(cli, `#!/bin/sh\ncat ${JSON.stringify(join(dir, 'map.txt'))}\nexit ${exit}\n`);
    chmodSync(cli, 0o755);
    return execa('/bin/sh', ['-c', NODE_FILTER_SCRIPT, 'kdiag-filter', cli, ...keys], { reject: false });
  };

  test.each(['v1.4', 'classic', 'slash-proto'] as const)('%s: the same rows as the full read', async (format) => {
    const text = renderServiceListText(MAP, format);
    const r = await run(text, 0, ['ip=10.96.10.10', 'ip=fd00::10', 'port=30080']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('kdiag-exit 0');
    const keep = (s: LbService) => ['10.96.10.10', 'fd00::10'].includes(s.frontend.ip) || s.frontend.port === 30080;
    const want = parseServiceListText(text).filter(keep);
    expect(want.map((s) => s.id)).toEqual([2, 4, 5, 6]);
    expect(parseServiceListText(lines.join('\n') + '\n')).toEqual(want);
  });

  test('a prefix of an address is not a match, and the CLI exit code is kept', async () => {
    const r = await run(renderServiceListText(MAP, 'classic'), 3, ['ip=10.96.10.1']);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('kdiag-exit 3');
    expect(lines).toHaveLength(1); // the header only
  });
});
