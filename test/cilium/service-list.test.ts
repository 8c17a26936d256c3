import { ParseError } from '../../src/errors.js';
import {
  parseServiceListJson,
  parseServiceListText,
  renderServiceListJson,
  renderServiceListText,
  serviceListTextFormatFor,
  ServiceListTextStream,
} from '../../src/cilium/formats/service-list.js';
import type { LbService } from '../../src/cilium/types.js';
import { fixture, trimLines } from './fixtures.js';

describe('parseServiceListText on recorded samples', () => {
  test('1.4.3: no Service Type column, no states', () => {
    const s = parseServiceListText(fixture('service-list.v1.4.3.text.txt'));
    expect(s.map((x) => x.id)).toEqual([1, 2, 3, 4]);
    expect(s[2]).toEqual({
      id: 3,
      frontend: { ip: '10.96.0.10', port: 53, protocol: 'ANY' },
      type: 'unknown',
      backends: [
        { ip: '10.15.35.129', port: 53, protocol: 'ANY', state: 'unknown' },
        { ip: '10.15.38.236', port: 53, protocol: 'ANY', state: 'unknown' },
      ],
    });
    expect(s[3]!.backends[0]).toMatchObject({ ip: '10.15.49.158', port: 9090 });
  });

  test('1.10-dev CI: service with 0 backends, backends without state', () => {
    const s = parseServiceListText(fixture('service-list.v1.10-dev.ci.text.txt'));
    expect(s).toHaveLength(5);
    expect(s[0]).toMatchObject({
      id: 1,
      frontend: { ip: '10.107.224.229', port: 3000 },
      type: 'ClusterIP',
      backends: [],
    });
    expect(s[2]!.backends).toEqual([{ ip: '192.168.36.11', port: 6443, protocol: 'ANY', state: 'unknown' }]);
  });

  test('1.12-dev: quarantined backend', () => {
    const s = parseServiceListText(fixture('service-list.v1.12-dev.quarantined.text.txt'));
    expect(s).toHaveLength(1);
    expect(s[0]!.backends.map((b) => b.state)).toEqual(['quarantined', 'active', 'active']);
    expect(s[0]!.backends[2]!.ip).toBe('10.244.1.8');
  });

  test('1.13.4 k3s: NodePort rows, 0.0.0.0 frontend, elided lines skipped', () => {
    const s = parseServiceListText(fixture('service-list.v1.13.4.k3s.nodeport.text.txt'));
    expect(s.map((x) => x.id)).toEqual([32, 33]);
    expect(s.every((x) => x.type === 'NodePort')).toBe(true);
    expect(s[1]!.frontend).toEqual({ ip: '0.0.0.0', port: 32727, protocol: 'ANY' });
    expect(s[1]!.backends[0]).toEqual({ ip: '10.0.0.70', port: 0, protocol: 'ANY', state: 'active' });
  });

  test('1.20-dev cilium-dbg: /TCP and /UDP suffixes', () => {
    const s = parseServiceListText(fixture('service-list.v1.20-dev.cilium-dbg.text.txt'));
    expect(s.map((x) => x.id)).toEqual([1, 2, 3, 4, 5, 12, 15]);
    expect(s[2]!.frontend).toEqual({ ip: '10.96.0.10', port: 53, protocol: 'UDP' });
    expect(s[2]!.backends).toEqual([
      { ip: '10.244.1.69', port: 53, protocol: 'UDP', state: 'active' },
      { ip: '10.244.1.109', port: 53, protocol: 'UDP', state: 'active' },
    ]);
    expect(s[4]!.backends[0]).toMatchObject({ ip: '172.19.0.2', port: 6443, protocol: 'TCP' });
  });
});

describe('protocols, IPv6 and backend states on recorded samples', () => {
  test('~1.11 dual-stack kube-dns: one protocol-less row per IP:53, bracketed IPv6 parsed like IPv4', () => {
    const svcs = parseServiceListText(fixture('service-list.v1.11-dev.ipv6.kube-dns.text.txt'));
    expect(svcs.map((s) => [s.id, s.frontend.ip, s.frontend.port, s.frontend.protocol])).toEqual([
      [1, '172.20.0.1', 443, 'ANY'],
      [2, '172.20.0.10', 53, 'ANY'],
      [3, '172.20.0.10', 9153, 'ANY'],
      [4, 'fd03::a', 9153, 'ANY'],
      [5, 'fd03::a', 53, 'ANY'],
    ]);
    expect(svcs[4]!.backends).toEqual([{ ip: 'fd00::5452', port: 53, protocol: 'ANY', state: 'unknown' }]);
  });
  test('1.18.0: kube-dns as separate :53/TCP and :53/UDP rows with two backends each, states active', () => {
    const svcs = parseServiceListText(fixture('service-list.v1.18.0.kube-dns-split.text.txt'));
    const dns = svcs.filter((s) => s.frontend.ip === '10.96.0.10');
    expect(dns.map((s) => `${s.frontend.port}/${s.frontend.protocol}`)).toEqual(['53/TCP', '53/UDP', '9153/TCP']);
    for (const s of dns) {
      expect(s.backends.map((b) => `${b.ip}:${b.port}/${b.protocol} ${b.state}`)).toEqual([
        `172.20.0.56:${s.frontend.port}/${s.frontend.protocol} active`,
        `172.20.0.244:${s.frontend.port}/${s.frontend.protocol} active`,
      ]);
    }
    expect(svcs.filter((s) => s.type === 'LoadBalancer').map((s) => s.frontend.ip)).toEqual([
      '192.168.10.211',
      '192.168.10.212',
    ]);
  });
  test('every backend state the agent prints (pkg/loadbalancer BackendState.String) is kept', () => {
    const text =
      'ID   Frontend               Service Type   Backend\n' +
      '1    [fd00::10]:53/UDP      ClusterIP      1 => [fd00::a]:53/UDP (active)\n' +
      '                                           2 => [fd00::b]:53/UDP (terminating)\n' +
      '                                           3 => [fd00::c]:53/UDP (quarantined)\n' +
      '                                           4 => [fd00::d]:53/UDP (maintenance)\n' +
      '                                           5 => [fd00::e]:53/UDP (terminating-not-serving)\n';
    const [s] = parseServiceListText(text);
    expect(s!.frontend).toEqual({ ip: 'fd00::10', port: 53, protocol: 'UDP' });
    expect(s!.backends.map((b) => b.state)).toEqual([
      'active',
      'terminating',
      'quarantined',
      'maintenance',
      'terminating',
    ]);
  });
  test('NONE (a frontend kept for every protocol) reads as ANY', () => {
    const [s] = parseServiceListText(
      'ID   Frontend             Service Type   Backend\n1    10.96.0.10:53/NONE   ClusterIP      1 => 10.0.0.5:53/NONE (active)\n',
    );
    expect(s!.frontend.protocol).toBe('ANY');
    expect(s!.backends[0]!.protocol).toBe('ANY');
  });
  test('recorded -o json of a protocol-distinct agent: kube-dns TCP and UDP are separate entries', () => {
    const svcs = parseServiceListJson(fixture('service-list.v1.14plus.json'));
    const dns = svcs.filter((s) => s.name === 'kube-dns' && s.frontend.port === 53);
    expect(dns.map((s) => [s.id, s.frontend.protocol, s.backends.map((b) => b.protocol)])).toEqual([
      [5, 'TCP', ['TCP', 'TCP']],
      [7, 'UDP', ['UDP', 'UDP']],
    ]);
  });
});

describe('parseServiceListText edge cases', () => {
  const header = 'ID   Frontend   Service Type   Backend   \n';
  test('header only = zero services', () => {
    expect(parseServiceListText(header)).toEqual([]);
  });
  test('empty string has no header', () => {
    expect(() => parseServiceListText('')).toThrow(ParseError);
  });
  test('kubectl noise before the header is skipped', () => {
    const t =
      'Defaulted container "cilium-agent" out of: cilium-agent, config (init)\n' +
      header +
      '7    [::]:80   NodePort   1 => [fd00::12]:8080 (active)   \n';
    const s = parseServiceListText(t);
    expect(s).toEqual([
      {
        id: 7,
        frontend: { ip: '::', port: 80, protocol: 'ANY' },
        type: 'NodePort',
        backends: [{ ip: 'fd00::12', port: 8080, protocol: 'ANY', state: 'active' }],
      },
    ]);
  });
  test('internal-scope suffix /i is accepted', () => {
    const s = parseServiceListText(header + '3   10.0.0.1:80/TCP/i   LoadBalancer   1 => 10.1.0.1:80/TCP (active)\n');
    expect(s[0]!.frontend).toEqual({ ip: '10.0.0.1', port: 80, protocol: 'TCP' });
  });
  test.each([
    ['garbage line after header', header + 'hello world\n'],
    ['bad IP', header + '1   300.1.1.1:80   ClusterIP   \n'],
    ['truncated backend', header + '1   10.0.0.1:80   ClusterIP   1 => 10.0.0.\n'],
    ['backend before any row', header + '      1 => 10.0.0.1:80 (active)\n'],
    ['no header', 'some error text\n'],
  ])('%s throws ParseError with a line', (_n, t) => {
    let err: unknown;
    try {
      parseServiceListText(t);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).line).toBeGreaterThan(0);
  });
});

describe('ServiceListTextStream', () => {
  test('chunks split anywhere give the same services, emitted when complete', () => {
    const text = fixture('service-list.v1.20-dev.cilium-dbg.text.txt');
    const whole = parseServiceListText(text);
    for (const size of [1, 3, 7, 64]) {
      const got: LbService[] = [];
      const s = new ServiceListTextStream((svc) => got.push(svc));
      for (let i = 0; i < text.length; i += size) s.write(text.slice(i, i + size));
      s.end();
      expect(got).toEqual(whole);
    }
  });
  test('a service is emitted only after its last backend line', () => {
    const got: LbService[] = [];
    const s = new ServiceListTextStream((svc) => got.push(svc));
    s.write('ID   Frontend   Service Type   Backend\n2   10.0.0.1:53   ClusterIP   1 => 10.1.0.1:53 (active)\n');
    expect(got).toHaveLength(0);
    s.write('                               2 => 10.1.0.2:53 (active)\n3   10.0.0.2:80   ClusterIP\n');
    expect(got).toHaveLength(1);
    expect(got[0]!.backends).toHaveLength(2);
    s.end();
    expect(got).toHaveLength(2);
  });
});

describe('renderServiceListText', () => {
  test('format per minor (1.18 prints protocols, from pkg/loadbalancer/l3n4addr.go)', () => {
    expect(serviceListTextFormatFor(12)).toBe('classic');
    expect(serviceListTextFormatFor(17)).toBe('classic');
    expect(serviceListTextFormatFor(18)).toBe('slash-proto');
    expect(serviceListTextFormatFor(19)).toBe('slash-proto');
    expect(serviceListTextFormatFor(4)).toBe('v1.4');
  });
  test('reproduces the recorded outputs byte for byte (tabwriter layout)', () => {
    for (const [name, fmt] of [
      ['service-list.v1.12-dev.quarantined.text.txt', 'classic'],
      ['service-list.v1.4.3.text.txt', 'v1.4'],
    ] as const) {
      const text = fixture(name);
      expect(trimLines(renderServiceListText(parseServiceListText(text), fmt))).toBe(trimLines(text));
    }
    // (the 1.10-dev and 1.20-dev copies are cut from longer tables, so their column widths differ.)
    // tabwriter pads the last terminated cell too: real lines carry trailing spaces, as the CI copy shows
    const ci = fixture('service-list.v1.10-dev.ci.text.txt');
    expect(ci.split('\n')[0]).toMatch(/Backend {3,}$/);
    expect(renderServiceListText([], 'classic')).toBe('ID   Frontend   Service Type   Backend   \n');
  });
  const sample: LbService[] = [
    {
      id: 10,
      frontend: { ip: '10.96.0.10', port: 53, protocol: 'UDP' },
      type: 'ClusterIP',
      backends: [
        { ip: '10.0.0.5', port: 53, protocol: 'UDP', state: 'active' },
        { ip: '10.0.0.6', port: 53, protocol: 'UDP', state: 'terminating' },
      ],
    },
    { id: 2, frontend: { ip: 'fd00::1', port: 443, protocol: 'TCP' }, type: 'LoadBalancer', backends: [] },
    {
      id: 3,
      frontend: { ip: '0.0.0.0', port: 30080, protocol: 'TCP' },
      type: 'NodePort',
      backends: [{ ip: '10.0.1.9', port: 8080, protocol: 'TCP', state: 'quarantined' }],
    },
  ];
  test.each(['classic', 'slash-proto', 'v1.4'] as const)('round-trips through %s', (fmt) => {
    const back = parseServiceListText(renderServiceListText(sample, fmt));
    const expected = [...sample]
      .sort((a, b) => a.id - b.id)
      .map((s) => ({
        ...s,
        type: fmt === 'v1.4' ? 'unknown' : s.type,
        frontend: { ...s.frontend, protocol: fmt === 'slash-proto' ? s.frontend.protocol : 'ANY' },
        backends: s.backends.map((b) => ({
          ...b,
          protocol: fmt === 'slash-proto' ? b.protocol : 'ANY',
          state: fmt === 'v1.4' ? 'unknown' : b.state,
        })),
      }));
    expect(back).toEqual(expected);
  });
  test('every supported minor round-trips', () => {
    for (let minor = 12; minor <= 19; minor++) {
      const back = parseServiceListText(renderServiceListText(sample, serviceListTextFormatFor(minor)));
      expect(back.map((s) => s.backends.length)).toEqual([0, 1, 2]);
    }
  });
});

describe('service list JSON', () => {
  test('recorded -o json: 8 services from status.realized with flags', () => {
    const s = parseServiceListJson(fixture('service-list.v1.14plus.json'));
    expect(s).toHaveLength(8);
    expect(s[0]).toEqual({
      id: 1,
      frontend: { ip: '10.96.0.1', port: 443, protocol: 'TCP' },
      type: 'ClusterIP',
      name: 'kubernetes',
      namespace: 'default',
      backends: [{ ip: '91.217.196.189', port: 6443, protocol: 'TCP', state: 'active', weight: 100 }],
    });
    const dnsUdp = s.find((x) => x.id === 7)!;
    expect(dnsUdp.frontend.protocol).toBe('UDP');
    expect(dnsUdp.backends.map((b) => b.nodeName)).toEqual(['k8s-master-n1', 'k8s-worker-n1']);
    expect(s.find((x) => x.id === 14)!.name).toBe('hubble-peer');
  });
  test('status.realized wins over spec', () => {
    const j = JSON.parse(fixture('service-list.v1.14plus.json'));
    j[0].status.realized['backend-addresses'] = [];
    expect(parseServiceListJson(JSON.stringify(j))[0]!.backends).toEqual([]);
    delete j[0].status;
    expect(parseServiceListJson(JSON.stringify(j))[0]!.backends).toHaveLength(1);
  });
  test('[] and null are zero services; garbage throws', () => {
    expect(parseServiceListJson('[]')).toEqual([]);
    expect(parseServiceListJson('null')).toEqual([]);
    expect(() => parseServiceListJson('')).toThrow(ParseError);
    expect(() => parseServiceListJson('{"a":1}')).toThrow(ParseError);
    expect(() => parseServiceListJson('[{"spec":{"id":1}}]')).toThrow(ParseError);
    expect(() => parseServiceListJson('[{"spec":{"id":1,"frontend-address":{"ip":"x","port":1}}}]')).toThrow(
      ParseError,
    );
  });
  test('render reproduces the recorded JSON and round-trips', () => {
    const text = fixture('service-list.v1.14plus.json');
    const parsed = parseServiceListJson(text);
    expect(parseServiceListJson(renderServiceListJson(parsed))).toEqual(parsed);
    const rendered = JSON.parse(renderServiceListJson(parsed));
    const recorded = JSON.parse(text);
    // same shape for the kubernetes service except the trafficPolicy flags kdiag does not model
    expect(Object.keys(rendered[0].spec).sort()).toEqual(Object.keys(recorded[0].spec).sort());
    expect(rendered[0].spec['backend-addresses']).toEqual(recorded[0].spec['backend-addresses']);
    expect(rendered[0].spec['frontend-address']).toEqual(recorded[0].spec['frontend-address']);
  });
});
