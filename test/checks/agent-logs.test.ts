import { agentLogs } from '../../src/checks/agent-logs.js';
import { failed, got, healthyFacts, logsFrom, statusOf, onNodes } from '../helpers/facts.js';
import type { LogFact } from '../../src/model/facts.js';
const clean = got<LogFact>({ records: [], lines: 10, previous: false });

describe('agent-logs', () => {
  it('passes when no known error is logged', () => {
    const f = agentLogs.run(healthyFacts());
    expect(f.map((x) => [x.id, x.status])).toEqual([
      ['agent-logs/clean', 'pass'],
      ['agent-logs/clean', 'pass'],
    ]);
  });

  it('one finding per node with the matched lines; cause from the catalog (EPERM -> missing-capabilities)', () => {
    const eperm = logsFrom('agent-log.unknown-v1.9.bpf-map-operation-not-permitted.txt');
    const f = agentLogs.run(healthyFacts({ agentLogs: onNodes(got(eperm), clean) }));
    const a = f.filter((x) => x.node === 'node-a');
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ id: 'agent-logs/known-error', status: 'fail', cause: 'missing-capabilities' });
    expect(a[0]!.evidence[0]!.excerpt).toContain(
      'Unable to create map /sys/fs/bpf/tc/globals/cilium_lxc: operation not permitted',
    );
    expect(a[0]!.evidence[0]!.pod).toBe('cilium-abcde');
    expect(statusOf(f, 'agent-logs/clean', 'node-b')).toBe('pass');
  });

  it('kernel 4.9 endpoint-map failure points at kernel-too-old; invalid config at invalid-config', () => {
    const k = logsFrom('agent-log.v1.10-dev.kernel-4.9.endpoint-map.fatal.txt');
    const c = logsFrom('agent-log.v1.15.invalid-config.native-routing-cidr.fatal.txt');
    const f = agentLogs.run(healthyFacts({ agentLogs: onNodes(got(k), got(c)) }));
    expect(f.find((x) => x.node === 'node-a')?.cause).toBe('kernel-too-old');
    expect(f.find((x) => x.node === 'node-b')?.cause).toBe('invalid-config');
  });

  it('unknown for a node whose logs could not be read; the other node is still judged', () => {
    const f = agentLogs.run(healthyFacts({ agentLogs: onNodes(failed('container cilium-agent not found'), clean) }));
    expect(statusOf(f, 'agent-logs/unknown', 'node-a')).toBe('unknown');
    expect(f.find((x) => x.node === 'node-a')!.message).toContain('container cilium-agent not found');
    expect(statusOf(f, 'agent-logs/clean', 'node-b')).toBe('pass');
  });
});
