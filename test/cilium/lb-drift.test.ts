import { compareServiceMap, indexServices, unknownNodeDrift } from '../../src/cilium/lb-drift.js';
import { worstDrift, type DriftRow } from '../../src/model/lb-drift.js';
import { kindServices, serviceListJson, serviceListText } from '../helpers/facts.js';
import { protocolDistinct } from '../../src/cilium/versions.js';
import { parseServiceListText, renderServiceListText } from '../../src/cilium/formats/service-list.js';
import type { LbService } from '../../src/cilium/types.js';
import type { EndpointFact, ServiceFact } from '../../src/model/facts.js';

const ep = (ip: string, port: number, protocol = 'TCP', extra: Partial<EndpointFact> = {}): EndpointFact => ({
  ip,
  port,
  protocol,
  ready: true,
  serving: true,
  terminating: false,
  ...extra,
});

const svc = (
  namespace: string,
  name: string,
  clusterIP: string,
  port: number,
  endpoints: EndpointFact[],
  extra: Partial<ServiceFact> = {},
): ServiceFact => ({
  namespace,
  name,
  type: 'ClusterIP',
  clusterIPs: [clusterIP],
  ports: [{ port, protocol: 'TCP' }],
  externalIPs: [],
  loadBalancerIPs: [],
  headless: false,
  endpoints,
  ...extra,
});

const row = (rows: DriftRow[], frontend: string): DriftRow | undefined => rows.find((r) => r.frontend === frontend);

describe('compareServiceMap', () => {
  const v120 = serviceListText('service-list.v1.20-dev.cilium-dbg.text.txt');

  it('OK for every Service frontend of the recorded 1.20-dev map; unowned frontends are STALE', () => {
    const d = compareServiceMap(kindServices(), v120);
    expect(row(d.rows, '10.96.0.1:443/TCP')?.status).toBe('OK');
    expect(row(d.rows, '10.96.0.10:53/UDP')?.status).toBe('OK');
    expect(row(d.rows, '10.96.0.10:53/TCP')?.status).toBe('OK');
    expect(row(d.rows, '10.96.0.10:9153/TCP')?.status).toBe('OK');
    const stale = d.rows
      .filter((r) => r.status === 'STALE')
      .map((r) => r.frontend)
      .sort();
    expect(stale).toEqual(['10.96.106.135:80/TCP', '10.96.162.7:443/TCP', '10.96.62.28:80/TCP']);
    expect(d.counts).toMatchObject({ OK: 4, STALE: 3 });
    expect(d.worst).toBe('STALE');
  });

  it('NOT_IN_MAP when the agent lacks a ClusterIP frontend', () => {
    const map = v120.filter((s) => s.frontend.ip !== '10.96.0.1');
    const d = compareServiceMap(kindServices(), map, { target: { namespace: 'default', name: 'kubernetes' } });
    expect(d.rows).toHaveLength(1);
    expect(d.rows[0]).toMatchObject({ status: 'NOT_IN_MAP', missing: ['172.19.0.2:6443/TCP'], name: 'kubernetes' });
    expect(d.worst).toBe('NOT_IN_MAP');
  });

  it('BACKENDS_DIFFER lists missing and extra backends and shows agent states as-is', () => {
    const map = serviceListText('service-list.v1.12-dev.quarantined.text.txt');
    const s = svc('default', 'web', '10.96.95.246', 80, [
      ep('10.244.1.59', 80),
      ep('10.244.1.8', 80),
      ep('10.244.2.10', 80),
    ]);
    const d = compareServiceMap([s], map);
    const r = row(d.rows, '10.96.95.246:80/TCP')!;
    expect(r.status).toBe('BACKENDS_DIFFER');
    expect(r.missing).toEqual(['10.244.2.10:80/TCP']);
    expect(r.extra.map((x) => x.replace(/\/.*/, ''))).toEqual(['10.244.0.58:80']);
    expect(r.agentBackends.map((b) => b.state)).toEqual(['quarantined', 'active', 'active']);
  });

  it('a terminating endpoint the agent still lists is neither missing nor extra (graceful termination)', () => {
    const map = serviceListText('service-list.v1.12-dev.quarantined.text.txt');
    const s = svc('default', 'web', '10.96.95.246', 80, [
      ep('10.244.0.58', 80, 'TCP', { ready: false, serving: true, terminating: true }),
      ep('10.244.1.59', 80),
      ep('10.244.1.8', 80),
    ]);
    const r = compareServiceMap([s], map).rows[0]!;
    expect(r.status).toBe('OK');
    expect(r.expected).toEqual(['10.244.1.59:80/TCP', '10.244.1.8:80/TCP']);
  });

  it('a backend the agent lists twice counts once (a missing one is still missing)', () => {
    const s = svc('default', 'web', '10.96.95.246', 80, [ep('10.244.1.59', 80), ep('10.244.1.8', 80)]);
    const entry = serviceListText('service-list.v1.12-dev.quarantined.text.txt')[0]!;
    const twice = { ...entry, backends: [entry.backends[1]!, entry.backends[1]!] };
    const r = compareServiceMap([s], [twice]).rows[0]!;
    expect(r.status).toBe('BACKENDS_DIFFER');
    expect(r.missing).toEqual(['10.244.1.8:80/TCP']);
  });

  it('NO_ENDPOINTS when the Service has no ready endpoint, whether or not the agent lists the frontend', () => {
    const map = serviceListText('service-list.v1.10-dev.ci.text.txt');
    const listed = svc('default', 'grafana', '10.107.224.229', 3000, []);
    const absent = svc('default', 'nothing', '10.107.1.1', 80, [
      ep('10.0.9.9', 80, 'TCP', { ready: false, serving: false }),
    ]);
    const d = compareServiceMap([listed, absent], map);
    expect(row(d.rows, '10.107.224.229:3000/TCP')?.status).toBe('NO_ENDPOINTS');
    expect(row(d.rows, '10.107.1.1:80/TCP')?.status).toBe('NO_ENDPOINTS');
  });

  it('protocol ANY (pre-1.16 text) matches both the TCP and the UDP port of a Service', () => {
    const map = serviceListText('service-list.v1.10-dev.ci.text.txt');
    expect(map.find((s) => s.frontend.ip === '10.96.0.10' && s.frontend.port === 53)?.frontend.protocol).toBe('ANY');
    const dns: ServiceFact = {
      ...svc('kube-system', 'kube-dns', '10.96.0.10', 53, [
        ep('10.0.1.21', 53, 'UDP', { portName: 'dns' }),
        ep('10.0.1.21', 53, 'TCP', { portName: 'dns-tcp' }),
      ]),
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      ],
    };
    const d = compareServiceMap([dns], map, { target: { namespace: 'kube-system', name: 'kube-dns' } });
    expect(d.rows.map((r) => [r.frontend, r.status])).toEqual([
      ['10.96.0.10:53/UDP', 'OK'],
      ['10.96.0.10:53/TCP', 'OK'],
    ]);
  });

  it('joins NodePort rows by port on every node address and 0.0.0.0', () => {
    const map = serviceListText('service-list.v1.13.4.k3s.nodeport.text.txt');
    const s: ServiceFact = {
      ...svc('default', 'web', '10.43.10.10', 80, [ep('10.0.0.70', 80), ep('10.0.2.96', 80)]),
      type: 'NodePort',
      ports: [{ port: 80, protocol: 'TCP', nodePort: 32727 }],
    };
    const d = compareServiceMap([s], map);
    // The ClusterIP row is absent from this (elided) recording; the NodePort rows are joined.
    expect(row(d.rows, '192.168.2.3:32727/TCP')).toMatchObject({ kind: 'NodePort', status: 'OK' });
    expect(row(d.rows, '0.0.0.0:32727/TCP')).toMatchObject({
      kind: 'NodePort',
      status: 'BACKENDS_DIFFER',
      missing: ['10.0.0.70:80/TCP'],
    });
    expect(d.rows.some((r) => r.status === 'STALE')).toBe(false);
  });

  it('a NodePort is NOT_IN_MAP only when kube-proxy replacement makes it mandatory', () => {
    const s: ServiceFact = {
      ...svc('default', 'web', '10.96.95.246', 80, [ep('10.244.1.8', 80)]),
      ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }],
    };
    const map = serviceListText('service-list.v1.12-dev.quarantined.text.txt');
    expect(compareServiceMap([s], map).rows.some((r) => r.kind === 'NodePort')).toBe(false);
    const d = compareServiceMap([s], map, { expect: { nodePort: true } });
    expect(d.rows.find((r) => r.kind === 'NodePort')).toMatchObject({
      status: 'NOT_IN_MAP',
      frontend: '0.0.0.0:30080/TCP',
    });
  });

  it('headless Services are not expected in the map', () => {
    const s: ServiceFact = {
      ...svc('default', 'db', 'None', 5432, [ep('10.0.0.5', 5432)]),
      clusterIPs: ['None'],
      headless: true,
    };
    expect(compareServiceMap([s], []).rows).toEqual([]);
  });

  it('reads the JSON format (names from flags); STALE rows keep the owner the agent names', () => {
    const map = serviceListJson('service-list.v1.14plus.json');
    const k = svc('default', 'kubernetes', '10.96.0.1', 443, [ep('91.217.196.189', 6443)]);
    const d = compareServiceMap([k], map);
    expect(row(d.rows, '10.96.0.1:443/TCP')?.status).toBe('OK');
    const stale = d.rows.filter((r) => r.status === 'STALE');
    expect(stale).toHaveLength(7);
    expect(stale.find((r) => r.frontend === '10.100.166.190:80/TCP')?.name).toBe('hubble-relay');
  });

  it('a prepared index gives the same result as the plain list, across nodes', () => {
    const idx = indexServices(kindServices());
    const a = compareServiceMap(idx, v120, { node: 'n1' });
    const b = compareServiceMap(kindServices(), v120, { node: 'n1' });
    expect(a).toEqual(b);
    expect(compareServiceMap(idx, v120.slice(0, 2), { node: 'n2' }).counts.NOT_IN_MAP).toBeGreaterThan(0);
  });
});

describe('worstDrift and NODE_UNKNOWN', () => {
  it('orders statuses: NOT_IN_MAP > BACKENDS_DIFFER > NO_ENDPOINTS > STALE > NODE_UNKNOWN > OK', () => {
    expect(worstDrift([])).toBe('OK');
    expect(worstDrift(['OK', 'NODE_UNKNOWN'])).toBe('NODE_UNKNOWN');
    expect(worstDrift(['STALE', 'NODE_UNKNOWN'])).toBe('STALE');
    expect(worstDrift(['STALE', 'NO_ENDPOINTS'])).toBe('NO_ENDPOINTS');
    expect(worstDrift(['BACKENDS_DIFFER', 'NO_ENDPOINTS'])).toBe('BACKENDS_DIFFER');
    expect(worstDrift(['BACKENDS_DIFFER', 'NOT_IN_MAP', 'OK'])).toBe('NOT_IN_MAP');
  });

  it('the caller marks a node whose map was not read as NODE_UNKNOWN, keeping the error', () => {
    const d = unknownNodeDrift('node-c', 'exec: container not running');
    expect(d).toMatchObject({ node: 'node-c', worst: 'NODE_UNKNOWN', rows: [], error: 'exec: container not running' });
  });
});

describe('kube-dns (53/UDP, 53/TCP, 9153/TCP) on both sides of the protocol line', () => {
  // kube-system/kube-dns as kubeadm creates it; two CoreDNS pods
  const kubeDns = (clusterIPs: string[], coredns: string[]): ServiceFact => ({
    ...svc('kube-system', 'kube-dns', clusterIPs[0]!, 53, []),
    clusterIPs,
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ],
    endpoints: coredns.flatMap((ip) => [
      ep(ip, 53, 'UDP', { portName: 'dns' }),
      ep(ip, 53, 'TCP', { portName: 'dns-tcp' }),
      ep(ip, 9153, 'TCP', { portName: 'metrics' }),
    ]),
  });
  const dnsRows = (rows: DriftRow[]) =>
    rows.filter((r) => r.name === 'kube-dns').map((r) => [r.frontend, r.status, r.mapId]);

  it('≤1.16 (one frontend for both protocols, backends the union): in sync, one map row serves 53/UDP and 53/TCP', () => {
    // the shape of service-list.v1.10-dev.ci.text.txt with two CoreDNS backends, rendered as 1.16 prints it
    const map: LbService[] = parseServiceListText(
      renderServiceListText(
        [
          {
            id: 4,
            frontend: { ip: '10.96.0.10', port: 53, protocol: 'ANY' },
            type: 'ClusterIP',
            backends: ['10.0.1.21', '10.0.1.22'].map((ip) => ({
              ip,
              port: 53,
              protocol: 'ANY',
              state: 'active' as const,
            })),
          },
          {
            id: 5,
            frontend: { ip: '10.96.0.10', port: 9153, protocol: 'ANY' },
            type: 'ClusterIP',
            backends: ['10.0.1.21', '10.0.1.22'].map((ip) => ({
              ip,
              port: 9153,
              protocol: 'ANY',
              state: 'active' as const,
            })),
          },
        ],
        'classic',
      ),
    );
    const d = compareServiceMap([kubeDns(['10.96.0.10'], ['10.0.1.21', '10.0.1.22'])], map, {
      protocolDistinct: protocolDistinct(16),
    });
    expect(dnsRows(d.rows)).toEqual([
      ['10.96.0.10:53/UDP', 'OK', 4],
      ['10.96.0.10:53/TCP', 'OK', 4],
      ['10.96.0.10:9153/TCP', 'OK', 5],
    ]);
    expect(d.rows[0]!.mergedProtocols).toEqual(['TCP', 'UDP']);
    expect(d.rows[0]!.expected).toEqual(['10.0.1.21:53/ANY', '10.0.1.22:53/ANY']);
    expect(d.worst).toBe('OK');
    // the same map without a version (read from the map itself) gives the same verdict
    expect(dnsRows(compareServiceMap([kubeDns(['10.96.0.10'], ['10.0.1.21', '10.0.1.22'])], map).rows)).toEqual(
      dnsRows(d.rows),
    );
  });

  it('≤1.16: a CoreDNS pod missing from the shared row is missing for both protocols', () => {
    const map = serviceListText('service-list.v1.10-dev.ci.text.txt');
    const d = compareServiceMap([kubeDns(['10.96.0.10'], ['10.0.1.21', '10.0.1.99'])], map, {
      protocolDistinct: false,
      target: { namespace: 'kube-system', name: 'kube-dns' },
    });
    expect(d.rows.map((r) => [r.frontend, r.status, r.missing])).toEqual([
      ['10.96.0.10:53/UDP', 'BACKENDS_DIFFER', ['10.0.1.99:53/ANY']],
      ['10.96.0.10:53/TCP', 'BACKENDS_DIFFER', ['10.0.1.99:53/ANY']],
      ['10.96.0.10:9153/TCP', 'BACKENDS_DIFFER', ['10.0.1.99:9153/TCP']],
    ]);
  });

  it('~1.11 dual-stack kube-dns (recorded, bracketed IPv6): IPv4 and IPv6 frontends in sync', () => {
    const map = serviceListText('service-list.v1.11-dev.ipv6.kube-dns.text.txt');
    const dns = kubeDns(['172.20.0.10', 'fd03::a'], ['10.11.0.118', 'fd00::5452']);
    const d = compareServiceMap([dns], map, { protocolDistinct: protocolDistinct(11) });
    expect(dnsRows(d.rows)).toEqual([
      ['172.20.0.10:53/UDP', 'OK', 2],
      ['[fd03::a]:53/UDP', 'OK', 5],
      ['172.20.0.10:53/TCP', 'OK', 2],
      ['[fd03::a]:53/TCP', 'OK', 5],
      ['172.20.0.10:9153/TCP', 'OK', 3],
      ['[fd03::a]:9153/TCP', 'OK', 4],
    ]);
    // the kubernetes Service is not in this test: its row is the only STALE one
    expect(d.rows.filter((r) => r.status === 'STALE').map((r) => r.frontend)).toEqual(['172.20.0.1:443/ANY']);
  });

  it('1.18.0 (recorded, one frontend per protocol): in sync, each protocol on its own row', () => {
    const map = serviceListText('service-list.v1.18.0.kube-dns-split.text.txt');
    const d = compareServiceMap([kubeDns(['10.96.0.10'], ['172.20.0.56', '172.20.0.244'])], map, {
      protocolDistinct: protocolDistinct(18),
      target: { namespace: 'kube-system', name: 'kube-dns' },
    });
    expect(dnsRows(d.rows)).toEqual([
      ['10.96.0.10:53/UDP', 'OK', 17],
      ['10.96.0.10:53/TCP', 'OK', 16],
      ['10.96.0.10:9153/TCP', 'OK', 18],
    ]);
    expect(d.rows[0]!.mergedProtocols).toBeUndefined();
  });

  it('≥1.17 -o json (recorded): in sync, and a missing UDP frontend is NOT_IN_MAP, not hidden by the TCP row', () => {
    const map = serviceListJson('service-list.v1.14plus.json');
    const dns = kubeDns(['10.96.0.10'], ['10.0.0.220', '10.0.1.184']);
    const target = { namespace: 'kube-system', name: 'kube-dns' };
    const ok = compareServiceMap([dns], map, { protocolDistinct: protocolDistinct(19), target });
    expect(ok.rows.map((r) => r.status)).toEqual(['OK', 'OK', 'OK']);
    const noUdp = map.filter((s) => !(s.frontend.port === 53 && s.frontend.protocol === 'UDP'));
    const d = compareServiceMap([dns], noUdp, { protocolDistinct: true, target });
    expect(dnsRows(d.rows)).toEqual([
      ['10.96.0.10:53/UDP', 'NOT_IN_MAP', undefined],
      ['10.96.0.10:53/TCP', 'OK', 5],
      ['10.96.0.10:9153/TCP', 'OK', 6],
    ]);
  });

  it('protocol-distinct agent that kept its pre-upgrade protocol-less row (1.17 upgrade notes): that row serves both', () => {
    const map = serviceListText('service-list.v1.10-dev.ci.text.txt');
    const d = compareServiceMap([kubeDns(['10.96.0.10'], ['10.0.1.21'])], map, {
      protocolDistinct: true,
      target: { namespace: 'kube-system', name: 'kube-dns' },
    });
    expect(dnsRows(d.rows)).toEqual([
      ['10.96.0.10:53/UDP', 'OK', 5],
      ['10.96.0.10:53/TCP', 'OK', 5],
      ['10.96.0.10:9153/TCP', 'OK', 4],
    ]);
  });

  it('two protocol-less rows for one IP:port (each protocol its own row, printed without it) are both joined, none STALE', () => {
    const base = serviceListText('service-list.v1.10-dev.ci.text.txt');
    const row53 = base.find((s) => s.frontend.port === 53)!;
    const map = [...base, { ...row53, id: 6 }];
    const d = compareServiceMap([kubeDns(['10.96.0.10'], ['10.0.1.21'])], map);
    expect(dnsRows(d.rows)).toEqual([
      ['10.96.0.10:53/UDP', 'OK', 5],
      ['10.96.0.10:53/TCP', 'OK', 6],
      ['10.96.0.10:9153/TCP', 'OK', 4],
    ]);
    expect(d.rows.some((r) => r.frontend.startsWith('10.96.0.10') && r.status === 'STALE')).toBe(false);
  });
});

describe('backend states', () => {
  it('quarantined and maintenance backends are listed as not serving, not called missing', () => {
    const map = serviceListText('service-list.v1.12-dev.quarantined.text.txt');
    const s = svc('default', 'web', '10.96.95.246', 80, [
      ep('10.244.0.58', 80),
      ep('10.244.1.59', 80),
      ep('10.244.1.8', 80),
    ]);
    const r = compareServiceMap([s], map).rows[0]!;
    expect(r.status).toBe('OK');
    expect(r.missing).toEqual([]);
    expect(r.notServing).toEqual(['10.244.0.58:80/ANY (quarantined)']);
    const maint = map.map((m) => ({
      ...m,
      backends: m.backends.map((b, i) => (i === 1 ? { ...b, state: 'maintenance' as const } : b)),
    }));
    expect(compareServiceMap([s], maint).rows[0]!.notServing).toEqual([
      '10.244.0.58:80/ANY (quarantined)',
      '10.244.1.59:80/ANY (maintenance)',
    ]);
  });
});

describe('EndpointSlice conditions against the agent states', () => {
  it('a ready endpoint listed terminating, and a terminating one listed active, are state mismatches', () => {
    const map = serviceListText('service-list.v1.12-dev.quarantined.text.txt');
    const s = svc('default', 'web', '10.96.95.246', 80, [
      ep('10.244.0.58', 80),
      ep('10.244.1.59', 80, 'TCP', { ready: false, serving: true, terminating: true }),
      ep('10.244.1.8', 80),
    ]);
    const altered = map.map((m) => ({
      ...m,
      backends: m.backends.map((b, i) => (i === 2 ? { ...b, state: 'terminating' as const } : b)),
    }));
    const r = compareServiceMap([s], altered).rows[0]!;
    expect(r.stateMismatch).toEqual([
      '10.244.1.59:80/ANY agent=active slice=not-ready-or-terminating',
      '10.244.1.8:80/ANY agent=terminating slice=ready',
    ]);
    // the fixture as recorded: states agree with the slices (quarantined is no contradiction)
    const ok = svc('default', 'web', '10.96.95.246', 80, [
      ep('10.244.0.58', 80),
      ep('10.244.1.59', 80),
      ep('10.244.1.8', 80),
    ]);
    expect(compareServiceMap([ok], map).rows[0]!.stateMismatch).toBeUndefined();
  });

  it('a format without states (1.10) says nothing about them', () => {
    const map = parseServiceListText(
      'ID   Frontend          Service Type   Backend\n1    10.96.95.246:80   ClusterIP      1 => 10.244.1.8:80\n',
    );
    const s = svc('default', 'web', '10.96.95.246', 80, [
      ep('10.244.1.8', 80, 'TCP', { ready: false, terminating: true }),
    ]);
    expect(compareServiceMap([s], map).rows[0]!.stateMismatch).toBeUndefined();
  });
});
