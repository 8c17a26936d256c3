import {
  compareServiceMap,
  indexServices,
  unknownNodeDrift,
  worstDrift,
  type DriftRow,
} from '../../src/engine/lb-drift.js';
import { kindServices, serviceListJson, serviceListText } from '../checks/helpers.js';
import type { EndpointFact, ServiceFact } from '../../src/engine/facts.js';

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
