import { capabilities } from '../../src/checks/capabilities.js';
import { missingCapabilities } from '../../src/cilium/capabilities.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { failed, got, healthyFacts, logsFrom, statusOf } from '../helpers/facts.js';
import type { CiliumInstallFact, LogFact } from '../../src/model/facts.js';

const withCaps = (caps: string[] | undefined, privileged?: boolean, logs?: LogFact) => {
  const base = healthyFacts();
  const c = (base.cilium as { value: CiliumInstallFact }).value;
  return healthyFacts({
    cilium: got({ ...c, capabilities: caps, privileged }),
    ...(logs
      ? {
          agentLogs: new Map([
            ['node-a', got(logs)],
            ['node-b', got<LogFact>({ records: [], lines: 1, previous: false })],
          ]),
        }
      : {}),
  });
};

describe('capabilities', () => {
  it('passes with the chart defaults, or privileged', () => {
    expect(capabilities.run(healthyFacts()).map((f) => [f.id, f.status])).toEqual([['capabilities/granted', 'pass']]);
    expect(capabilities.run(withCaps(undefined, true)).map((f) => f.id)).toEqual(['capabilities/privileged']);
  });
  it('BPF+PERFMON may replace SYS_ADMIN', () => {
    expect(missingCapabilities(['NET_ADMIN', 'BPF', 'PERFMON'])).toEqual([]);
    expect(missingCapabilities(['CAP_NET_ADMIN', 'CAP_BPF'])).toEqual(['PERFMON']);
    expect(missingCapabilities(['NET_RAW'])).toEqual(['NET_ADMIN', 'SYS_ADMIN (or BPF+PERFMON)']);
  });
  it('fails with cause missing-capabilities when NET_ADMIN/SYS_ADMIN are absent, with log evidence', () => {
    const logs = logsFrom('agent-log.v1.6-dev.bpf-map-operation-not-permitted.txt');
    const f = capabilities.run(withCaps(['NET_RAW', 'IPC_LOCK'], undefined, logs));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ id: 'capabilities/missing', status: 'fail', cause: 'missing-capabilities' });
    expect(f[0]!.evidence.map((e) => e.excerpt).join('\n')).toContain('operation not permitted');
  });
  it('EPERM in the logs although capabilities are granted fails for that node', () => {
    const logs = logsFrom('agent-log.unknown-v1.9.bpf-map-operation-not-permitted.txt');
    const f = capabilities.run(
      withCaps(['NET_ADMIN', 'SYS_ADMIN', 'NET_RAW', 'IPC_LOCK', 'SYS_RESOURCE'], undefined, logs),
    );
    expect(statusOf(f, 'capabilities/eperm-in-logs', 'node-a')).toBe('fail');
    expect(f.some((x) => x.node === 'node-b')).toBe(false);
  });
  it('warns when only recommended capabilities are missing; unknown without the DaemonSet', () => {
    expect(capabilities.run(withCaps(['NET_ADMIN', 'SYS_ADMIN'])).map((f) => [f.id, f.status])).toEqual([
      ['capabilities/recommended-missing', 'warn'],
    ]);
    expect(
      runChecks(healthyFacts({ cilium: failed('timeout') }), { only: ['capabilities'] }).map((f) => f.status),
    ).toEqual(['unknown']);
  });
});
