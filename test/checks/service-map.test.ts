import { serviceMap } from '../../src/checks/service-map.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { failed, got, healthyFacts, kindServices, serviceListText, statusOf, onNodes } from '../helpers/facts.js';
const full = serviceListText('service-list.v1.20-dev.cilium-dbg.text.txt');
const kind = full.filter((s) => ['10.96.0.1', '10.96.0.10'].includes(s.frontend.ip));

describe('service-map', () => {
  it('passes per node when the map matches', () => {
    expect(serviceMap.run(healthyFacts()).map((f) => [f.id, f.node, f.status])).toEqual([
      ['service-map/in-sync', 'node-a', 'pass'],
      ['service-map/in-sync', 'node-b', 'pass'],
    ]);
  });

  it('fails the node whose map lacks the target Service, with the map row and restart of that agent only', () => {
    const f = serviceMap.run(
      healthyFacts({
        target: { namespace: 'default', name: 'kubernetes' },
        serviceMap: onNodes(got(kind.filter((s) => s.frontend.ip !== '10.96.0.1')), got(kind)),
      }),
    );
    const a = f.find((x) => x.node === 'node-a')!;
    expect(a).toMatchObject({ id: 'service-map/not-in-map', status: 'fail', cause: 'service-map-stale' });
    expect(a.evidence[0]!.excerpt).toContain('10.96.0.1:443/TCP ClusterIP default/kubernetes NOT_IN_MAP');
    expect(a.remediation!.commands).toEqual(['kubectl -n kube-system delete pod cilium-abcde']);
    expect(statusOf(f, 'service-map/in-sync', 'node-b')).toBe('pass');
  });

  it('backends-differ and stale-frontend on the full recorded map with a changed endpoint', () => {
    const svcs = kindServices();
    svcs[0]!.endpoints[0]!.ip = '172.19.0.3';
    const f = serviceMap.run(healthyFacts({ services: got(svcs), serviceMap: onNodes(got(full), got(kind)) }));
    expect(statusOf(f, 'service-map/backends-differ', 'node-a')).toBe('fail');
    expect(statusOf(f, 'service-map/stale-frontend', 'node-a')).toBe('warn');
    expect(statusOf(f, 'service-map/backends-differ', 'node-b')).toBe('fail');
  });

  it('a target without ready endpoints is no-ready-endpoints (not the datapath), not map drift', () => {
    const svcs = kindServices();
    svcs[0]!.endpoints = svcs[0]!.endpoints.map((e) => ({ ...e, ready: false, serving: false }));
    const f = serviceMap.run(
      healthyFacts({ services: got(svcs), target: { namespace: 'default', name: 'kubernetes' } }),
    );
    const n = f.find((x) => x.id === 'service-map/no-ready-endpoints')!;
    expect(n).toMatchObject({ status: 'fail', subject: 'default/kubernetes', cause: 'no-ready-endpoints' });
    expect(n.message).toMatch(/not Cilium's fault/);
    expect(f.filter((x) => x.cause === 'service-map-stale')).toEqual([]);
  });

  it('unknown for a node whose map was not read; unknown overall without Services; target-not-found', () => {
    const f = serviceMap.run(
      healthyFacts({ serviceMap: onNodes(failed('exec: cilium-dbg: command terminated with exit code 1'), got(kind)) }),
    );
    expect(statusOf(f, 'service-map/unknown', 'node-a')).toBe('unknown');
    expect(statusOf(f, 'service-map/in-sync', 'node-b')).toBe('pass');
    expect(
      runChecks(healthyFacts({ services: failed('forbidden: list services') }), { only: ['service-map'] })[0]!.id,
    ).toBe('service-map/unknown');
    expect(serviceMap.run(healthyFacts({ target: { namespace: 'x', name: 'y' } })).map((x) => x.id)).toEqual([
      'service-map/target-not-found',
    ]);
  });
});
