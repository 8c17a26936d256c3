import { runChecks } from '../../src/engine/run-checks.js';
import { CHECKS } from '../../src/checks/index.js';
import { failed, healthyFacts } from '../helpers/facts.js';
import type { Check } from '../../src/model/check.js';

describe('runChecks', () => {
  it('healthy facts: every check runs and nothing is above info', () => {
    const findings = runChecks(healthyFacts());
    const bad = findings.filter((f) => f.status !== 'pass' && f.status !== 'info');
    expect(bad).toEqual([]);
    const checks = new Set(findings.map((f) => f.check));
    // client-placement and mesh-sidecar run only with --from, datapath-drops only with --observe,
    // kube-proxy-leftovers only where the nat table was read (KPR on and no kube-proxy).
    const conditional = ['client-placement', 'mesh-sidecar', 'datapath-drops', 'kube-proxy-leftovers'];
    for (const c of CHECKS.filter((c) => !conditional.includes(c.id))) expect(checks.has(c.id)).toBe(true);
  });

  it('records unknown with the gather error when a top-level needed fact failed', () => {
    const findings = runChecks(healthyFacts({ nodes: failed('forbidden: cannot list nodes') }), {
      only: ['kernel-version'],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.id).toBe('kernel-version/unknown');
    expect(findings[0]!.status).toBe('unknown');
    expect(findings[0]!.message).toContain('forbidden: cannot list nodes');
  });

  it('a throwing check becomes unknown "[id] error: …" and the others still run', () => {
    const boom: Check = {
      id: 'boom',
      title: 'throws',
      reasons: [],
      needs: [],
      rbac: [],
      run() {
        throw new Error('kaput');
      },
    };
    const findings = runChecks(healthyFacts(), { checks: [boom, ...CHECKS], only: ['boom', 'bpffs'] });
    const b = findings.find((f) => f.check === 'boom')!;
    expect(b.id).toBe('boom/error');
    expect(b.status).toBe('unknown');
    expect(b.message).toBe('[boom] error: kaput');
    expect(findings.filter((f) => f.check === 'bpffs').map((f) => f.status)).toEqual(['pass', 'pass']);
  });

  it('only/skip select checks; an unknown id is a usage error', () => {
    const skipped = runChecks(healthyFacts(), { skip: ['service-map', 'bpffs'] });
    expect(skipped.some((f) => f.check === 'service-map' || f.check === 'bpffs')).toBe(false);
    expect(() => runChecks(healthyFacts(), { only: ['no-such-check'] })).toThrow(/unknown check id/);
  });
});
