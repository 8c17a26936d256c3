import { parseLogLine } from '../../src/cilium/formats/log.js';
import { CATALOG_IDS, classify, LOG_CATALOG } from '../../src/cilium/log-catalog.js';
import { fixture } from './fixtures.js';

const REQUIRED_CAUSES = [
  'bpf-programs-not-loaded',
  'kernel-too-old',
  'missing-capabilities',
  'bpffs-not-mounted',
  'agent-not-ready',
  'invalid-config',
];

describe('LOG_CATALOG', () => {
  test('ids are unique kebab-case and every entry has examples', () => {
    expect(new Set(CATALOG_IDS).size).toBe(CATALOG_IDS.length);
    for (const e of LOG_CATALOG) {
      expect(e.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(e.examples.length).toBeGreaterThan(0);
    }
  });
  test('covers the root causes the engine ranks', () => {
    const causes = new Set(LOG_CATALOG.map((e) => e.cause));
    for (const c of REQUIRED_CAUSES) expect(causes).toContain(c);
  });
  test.each(LOG_CATALOG.flatMap((e) => e.examples.map((x) => [e.id, x] as const)))('%s: %s', (id, example) => {
    const m = classify(parseLogLine(example));
    expect(m?.id).toBe(id);
    expect(m?.cause).toBe(LOG_CATALOG.find((e) => e.id === id)!.cause);
  });
  test('ordinary info lines are not classified', () => {
    expect(classify(parseLogLine('level=info msg="Start hook executed" duration=1.1ms subsys=hive'))).toBeUndefined();
    expect(
      classify(parseLogLine('level=info msg="Detected mounted BPF filesystem at /sys/fs/bpf" subsys=bpf')),
    ).toBeUndefined();
  });
});

function matches(name: string): Array<[string, string]> {
  return fixture(name)
    .split('\n')
    .filter(Boolean)
    .map(parseLogLine)
    .flatMap((r) => {
      const m = classify(r);
      return m ? [[r.level, m.id] as [string, string]] : [];
    });
}

describe('classify on recorded logs', () => {
  test('1.6 / 1.9: map create EPERM -> missing capabilities', () => {
    expect(matches('agent-log.v1.6-dev.bpf-map-operation-not-permitted.txt')).toEqual([
      ['error', 'bpf-map-permission'],
      ['fatal', 'bpf-map-permission'],
    ]);
    expect(matches('agent-log.unknown-v1.9.bpf-map-operation-not-permitted.txt')).toEqual([
      ['error', 'bpf-map-permission'],
      ['fatal', 'bpf-map-permission'],
    ]);
  });
  test('kernel 4.9 endpoint map', () => {
    expect(matches('agent-log.v1.10-dev.kernel-4.9.endpoint-map.fatal.txt')).toEqual([
      ['fatal', 'endpoint-map-bad-address'],
    ]);
  });
  test('tc clsact missing, then the datapath init fatal', () => {
    expect(matches('agent-log.unknown-pre1.14.tc-clsact-not-supported.fatal.txt')).toEqual([
      ['warning', 'tc-clsact-unsupported'],
      ['warning', 'tc-clsact-unsupported'],
      ['warning', 'tc-clsact-unsupported'],
      ['fatal', 'bpf-program-load-failed'],
    ]);
  });
  test('1.14: deprecated KPR value and conntrack map ENOMEM', () => {
    expect(matches('agent-log.v1.14.conntrack-map-enomem.fatal.txt')).toEqual([
      ['warning', 'kpr-deprecated-value'],
      ['fatal', 'bpf-map-enomem'],
    ]);
  });
  test('1.15 invalid configuration', () => {
    expect(matches('agent-log.v1.15.invalid-config.native-routing-cidr.fatal.txt')).toEqual([
      ['fatal', 'invalid-daemon-config'],
    ]);
  });
  test('1.18.8 slog: requirement failure, then the hive panic', () => {
    expect(matches('agent-log.v1.18.8.slog.dead-code-elimination.txt')).toEqual([
      ['error', 'kernel-feature-missing'],
      ['error', 'kernel-feature-missing'],
      ['unknown', 'agent-start-failed'],
    ]);
  });
});
