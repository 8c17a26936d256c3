import { kubeProxyReplacement } from '../../src/checks/kube-proxy-replacement.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { failed, got, healthyFacts, statusFrom, statusOf, onNodes } from '../helpers/facts.js';

describe('kube-proxy-replacement', () => {
  it('reports the mode as info and passes when every agent runs it', () => {
    const f = kubeProxyReplacement.run(healthyFacts());
    expect(f.map((x) => [x.id, x.status])).toEqual([
      ['kube-proxy-replacement/mode', 'info'],
      ['kube-proxy-replacement/status-matches', 'pass'],
      ['kube-proxy-replacement/status-matches', 'pass'],
    ]);
    expect(f[0]!.evidence[0]!.excerpt).toBe('kube-proxy-replacement=true');
  });

  it('accepts the old spellings: Strict in status matches true in config', () => {
    const strict = statusFrom('status.v1.14.0.kind.strict.txt');
    const f = kubeProxyReplacement.run(healthyFacts({ status: onNodes(got(strict), got(strict)) }));
    expect(statusOf(f, 'kube-proxy-replacement/status-matches', 'node-a')).toBe('pass');
  });

  it('warns when an agent runs a different mode than configured; unknown where status failed', () => {
    const disabled = statusFrom('status.v1.11.4.grep-kpr-disabled.txt');
    const f = kubeProxyReplacement.run(healthyFacts({ status: onNodes(got(disabled), failed('exec timeout')) }));
    expect(statusOf(f, 'kube-proxy-replacement/status-mismatch', 'node-a')).toBe('warn');
    expect(statusOf(f, 'kube-proxy-replacement/unknown', 'node-b')).toBe('unknown');
  });

  it('fails an unrecognised value as invalid-config; unknown without the ConfigMap', () => {
    const f = kubeProxyReplacement.run(healthyFacts({ config: got({ 'kube-proxy-replacement': 'maybe' }) }));
    expect(f.find((x) => x.id === 'kube-proxy-replacement/invalid-value')).toMatchObject({
      status: 'fail',
      cause: 'invalid-config',
    });
    expect(
      runChecks(healthyFacts({ config: failed('not found') }), { only: ['kube-proxy-replacement'] })[0]!.status,
    ).toBe('unknown');
  });
});
