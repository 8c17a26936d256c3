// Node-local judgements from recorded inputs: kernel config text, CapEff masks, kernel releases.
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  judgeKernelConfig,
  judgeKernelVersion,
  parseKernelConfig,
  readKernelConfig,
  REQUIRED_OPTIONS,
  RECOMMENDED_OPTIONS,
} from '../../src/node/kernel.js';
import { capsFromMask, judgeCapabilities } from '../../src/node/system.js';

const full = [...REQUIRED_OPTIONS.map((o) => `${o}=y`), ...RECOMMENDED_OPTIONS.map((o) => `${o}=y`)].join('\n');

test('kernel config: =y and =m count, "is not set" and absent do not', () => {
  const cfg = parseKernelConfig('CONFIG_BPF=y\nCONFIG_NET_CLS_BPF=m\n# CONFIG_BPF_JIT is not set\n');
  expect(cfg.get('CONFIG_NET_CLS_BPF')).toBe('m');
  expect(cfg.get('CONFIG_BPF_JIT')).toBe('n');
  const text = full
    .replace('CONFIG_BPF_JIT=y', '# CONFIG_BPF_JIT is not set')
    .replace('CONFIG_NET_SCH_INGRESS=y', 'CONFIG_NET_SCH_INGRESS=m')
    .replace('CONFIG_SCHEDSTATS=y\n', '');
  const fs = judgeKernelConfig('n1', { path: 'x', text });
  expect(fs.map((f) => [f.id, f.status])).toEqual([
    ['node-kernel-config/missing-required', 'fail'],
    ['node-kernel-config/missing-recommended', 'warn'],
  ]);
  expect(fs[0]!.message).toContain('CONFIG_BPF_JIT');
  expect(fs[0]!.message).not.toContain('CONFIG_NET_SCH_INGRESS');
  expect(fs[1]!.message).toContain('CONFIG_SCHEDSTATS');
  expect(judgeKernelConfig('n1', { path: 'x', text: full }).map((f) => f.id)).toEqual(['node-kernel-config/ok']);
});

test('kernel config: gzip file read and gunzipped; no file is unknown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdiag-kconfig-'));
  const gz = join(dir, 'config.gz');
  writeFileSync(gz, gzipSync(full));
  const src = await readKernelConfig(gz);
  expect(judgeKernelConfig('n1', src).map((f) => f.status)).toEqual(['pass']);
  const none = await readKernelConfig(join(dir, 'absent'));
  expect(judgeKernelConfig('n1', none)).toEqual([
    expect.objectContaining({ id: 'node-kernel-config/unknown', status: 'unknown' }),
  ]);
});

test('kernel release: floor, KPR minimum, recommendation', () => {
  expect(judgeKernelVersion('n', { release: '4.4.0-210-generic' }).id).toBe('node-kernel-version/below-minimum');
  expect(judgeKernelVersion('n', { release: '4.19.57' }).id).toBe('node-kernel-version/below-recommended');
  expect(judgeKernelVersion('n', { release: '4.19.10', kpr: true })).toMatchObject({
    id: 'node-kernel-version/feature-needs-newer',
    status: 'fail',
  });
  expect(judgeKernelVersion('n', { release: '5.4.0-42-generic', minor: 18 })).toMatchObject({
    id: 'node-kernel-version/below-minimum',
    status: 'fail',
  });
  expect(judgeKernelVersion('n', { release: '6.8.0-49-generic', minor: 18, kpr: true })).toMatchObject({
    id: 'node-kernel-version/ok',
    status: 'pass',
  });
});

test('capabilities from CapEff: BPF 39, PERFMON 38, SYS_ADMIN 21, NET_ADMIN 12', () => {
  expect(capsFromMask('000001fffeffffff')).toEqual(['NET_ADMIN', 'SYS_ADMIN', 'PERFMON', 'BPF']);
  expect(capsFromMask('00000000a80425fb')).toEqual([]); // docker's default set
  expect(capsFromMask('000000c000001000')).toEqual(['NET_ADMIN', 'PERFMON', 'BPF']);
  expect(judgeCapabilities('n', { hex: '000000c000001000', caps: capsFromMask('000000c000001000') }).status).toBe(
    'pass',
  );
  expect(judgeCapabilities('n', { hex: '00000000a80425fb', caps: [] })).toMatchObject({
    id: 'node-capabilities/missing',
    status: 'warn',
  });
});
