import { ciliumInstalled } from '../../src/checks/cilium-installed.js';
import { failed, healthyFacts, ids } from '../helpers/facts.js';

describe('cilium-installed', () => {
  it('passes when the agent DaemonSet was found', () => {
    const f = ciliumInstalled.run(healthyFacts());
    expect(f.map((x) => [x.id, x.status])).toEqual([['cilium-installed/installed', 'pass']]);
  });
  it('fails with cause cilium-not-installed when no DaemonSet exists', () => {
    const f = ciliumInstalled.run(
      healthyFacts({
        cilium: failed('Cilium is not installed: no DaemonSet labelled k8s-app=cilium with a cilium-agent container', {
          kind: 'not-installed',
        }),
      }),
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ id: 'cilium-installed/not-installed', status: 'fail', cause: 'cilium-not-installed' });
  });
  it('is unknown when the lookup itself failed', () => {
    const f = ciliumInstalled.run(
      healthyFacts({ cilium: failed('forbidden: cannot list daemonsets (cluster-wide)', { kind: 'forbidden' }) }),
    );
    expect(ids(f)).toEqual(['cilium-installed/unknown']);
    expect(f[0]!.status).toBe('unknown');
  });
});
