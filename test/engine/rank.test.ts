import { rankRootCauses } from '../../src/engine/rank.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { healthyFacts, oldKernelAndMissingPrograms } from '../helpers/facts.js';
import type { Finding } from '../../src/model/check.js';

const f = (id: string, status: Finding['status'], cause: string | undefined, node?: string): Finding => ({
  id,
  check: id.split('/')[0]!,
  status,
  subject: node ? `node/${node}` : 'cluster',
  node,
  message: id,
  evidence: [{ source: 'test', node, excerpt: id }],
  cause,
});

describe('rankRootCauses', () => {
  it('healthy cluster: no root cause', () => {
    expect(rankRootCauses(runChecks(healthyFacts()))).toEqual([]);
  });

  it('kernel-too-old beats bpf-programs-not-loaded on the same node (recorded outputs)', () => {
    const causes = rankRootCauses(runChecks(oldKernelAndMissingPrograms()));
    expect(causes[0]!.id).toBe('kernel-too-old');
    expect(causes[0]!.nodes).toEqual(['node-a']);
    expect(causes[0]!.confidence).toBe('high');
    expect(causes[0]!.fixableByRestart).toBe(false);
    expect(causes[0]!.findings).toEqual(
      expect.arrayContaining(['kernel-version/below-minimum', 'agent-logs/known-error']),
    );
    const bpf = causes.find((c) => c.id === 'bpf-programs-not-loaded')!;
    expect(causes.indexOf(bpf)).toBeGreaterThan(0);
    expect(bpf.nodes).toEqual(['node-a', 'node-b']);
    expect(bpf.explainedBy).toEqual({ 'kernel-too-old': ['node-a'] });
    expect(bpf.confidence).toBe('medium');
  });

  it('a cause fully explained by a more specific one ranks after it with low confidence', () => {
    const causes = rankRootCauses([
      f('bpf-programs/missing', 'fail', 'bpf-programs-not-loaded', 'n1'),
      f('bpffs/not-mounted', 'fail', 'bpffs-not-mounted', 'n1'),
    ]);
    expect(causes.map((c) => [c.id, c.confidence])).toEqual([
      ['bpffs-not-mounted', 'high'],
      ['bpf-programs-not-loaded', 'low'],
    ]);
  });

  it('a cluster-wide cause (DaemonSet capabilities) explains node causes; info/pass/unknown are ignored', () => {
    const causes = rankRootCauses([
      f('agent-pods/crash-loop', 'fail', 'agent-not-ready', 'n1'),
      f('capabilities/missing', 'fail', 'missing-capabilities'),
      f('kube-proxy-replacement/mode', 'info', undefined),
      f('service-map/unknown', 'unknown', undefined, 'n2'),
    ]);
    expect(causes.map((c) => c.id)).toEqual(['missing-capabilities', 'agent-not-ready']);
    expect(causes[0]!.nodes).toEqual([]);
    expect(causes[1]!.confidence).toBe('low');
  });

  it('warn-only support gives medium confidence', () => {
    const causes = rankRootCauses([f('service-map/stale-frontend', 'warn', 'service-map-stale', 'n1')]);
    expect(causes).toHaveLength(1);
    expect(causes[0]!.confidence).toBe('medium');
  });
});
