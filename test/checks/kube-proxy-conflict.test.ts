import { kubeProxyConflict } from '../../src/checks/kube-proxy-conflict.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { configFrom, failed, got, healthyFacts } from '../helpers/facts.js';

const kubeProxy = got({
  daemonSet: { namespace: 'kube-system', name: 'kube-proxy', desired: 2, ready: 2 },
  pods: [
    { name: 'kube-proxy-7xk2p', node: 'node-a', ready: true, mode: 'iptables' },
    { name: 'kube-proxy-q9z4d', node: 'node-b', ready: true, mode: 'iptables' },
  ],
});

describe('kube-proxy-conflict', () => {
  it('passes without kube-proxy under full replacement', () => {
    expect(kubeProxyConflict.run(healthyFacts()).map((f) => [f.id, f.status])).toEqual([
      ['kube-proxy-conflict/no-kube-proxy', 'pass'],
    ]);
  });
  it('fails with cause kube-proxy-conflict when kube-proxy runs beside strict (recorded 1.12.9 config)', () => {
    const f = kubeProxyConflict.run(healthyFacts({ config: got(configFrom()), kubeProxy }));
    // One finding per node where kube-proxy runs, so the root cause names the nodes.
    expect(f.map((x) => [x.id, x.status, x.node, x.cause])).toEqual([
      ['kube-proxy-conflict/kube-proxy-running', 'fail', 'node-a', 'kube-proxy-conflict'],
      ['kube-proxy-conflict/kube-proxy-running', 'fail', 'node-b', 'kube-proxy-conflict'],
    ]);
    expect(f[0]!.evidence[0]!.excerpt).toBe('kube-proxy-replacement=strict');
    expect(f[0]!.remediation!.commands[0]).toBe('kubectl -n kube-system delete daemonset kube-proxy');
  });
  it('kube-proxy beside partial/false replacement is expected', () => {
    const f = kubeProxyConflict.run(healthyFacts({ config: got({ 'kube-proxy-replacement': 'false' }), kubeProxy }));
    expect(f.map((x) => [x.id, x.status])).toEqual([['kube-proxy-conflict/not-replaced', 'pass']]);
  });
  it('unknown when kube-proxy could not be looked up', () => {
    expect(
      runChecks(healthyFacts({ kubeProxy: failed('forbidden') }), { only: ['kube-proxy-conflict'] })[0]!.status,
    ).toBe('unknown');
  });
});
