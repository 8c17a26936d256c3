// Every pair in the cause catalogue's `explains`: the explaining cause ranks first and the explained one
// after it with low confidence, whichever order the findings come in; plus the cluster-wide shape the
// LB map gives (a full map on every agent explains the cluster-wide drift, on one agent it does not).
import { CAUSES, causeById } from '../../src/model/causes.js';
import { rankRootCauses } from '../../src/engine/rank.js';
import type { Finding } from '../../src/model/check.js';

const f = (cause: string, node?: string, status: Finding['status'] = 'fail'): Finding => ({
  id: `${cause}-check/reason`,
  check: `${cause}-check`,
  status,
  subject: node ? `node/${node}` : 'cluster',
  node,
  message: cause,
  evidence: [{ source: 'test', node, excerpt: cause }],
  cause,
});

const PAIRS = CAUSES.flatMap((c) => (c.explains ?? []).map((e) => [c.id, e] as const));

describe('the catalogue explains pairs', () => {
  test('every pair names known causes, the explaining one more specific', () => {
    expect(PAIRS.length).toBeGreaterThan(20);
    for (const [c, e] of PAIRS) {
      expect([c, causeById(e)?.id]).toEqual([c, e]);
      expect([c, e, causeById(c)!.specificity > causeById(e)!.specificity]).toEqual([c, e, true]);
    }
  });

  test.each(PAIRS)('%s explains %s on the same node: it ranks first, the other low', (c, e) => {
    for (const findings of [
      [f(c, 'node-1'), f(e, 'node-1')],
      [f(e, 'node-1'), f(c, 'node-1')],
    ]) {
      const ranked = rankRootCauses(findings);
      expect(ranked.map((r) => [r.id, r.confidence])).toEqual([
        [c, 'high'],
        [e, 'low'],
      ]);
      expect(ranked[1]!.explainedBy).toEqual({ [c]: ['node-1'] });
    }
  });

  test.each(PAIRS)('%s on node-1 does not explain %s on node-2', (c, e) => {
    const ranked = rankRootCauses([f(c, 'node-1'), f(e, 'node-2')]);
    expect(ranked.find((r) => r.id === e)?.confidence).toBe('high');
    expect(ranked.find((r) => r.id === e)?.explainedBy).toBeUndefined();
  });
});

describe('a cluster-wide cause explained by a per-node one', () => {
  const nodes = ['node-1', 'node-2', 'node-3'];
  const passes = nodes.map((n) => ({ ...f('agent-not-ready', n, 'pass'), cause: undefined }));

  test('lb-map-full on every node explains service-map-cluster-wide', () => {
    const ranked = rankRootCauses([...passes, f('service-map-cluster-wide'), ...nodes.map((n) => f('lb-map-full', n))]);
    expect(ranked.map((r) => [r.id, r.confidence])).toEqual([
      ['lb-map-full', 'high'],
      ['service-map-cluster-wide', 'low'],
    ]);
  });

  test('lb-map-full on one node of three does not', () => {
    const ranked = rankRootCauses([...passes, f('service-map-cluster-wide'), f('lb-map-full', 'node-1')]);
    expect(ranked.find((r) => r.id === 'service-map-cluster-wide')?.confidence).toBe('high');
  });
});
