import { parseIpvsadm } from '../../src/datapath/kube-proxy/ipvsadm.js';
import { datapathFixture } from './fixtures.js';

const fixture = (name: string) => datapathFixture('kube-proxy', name);

describe('parseIpvsadm on recorded ipvsadm -Ln', () => {
  test('kube-proxy IPVS node: virtual services, real servers with weights, persistence flag', () => {
    const t = parseIpvsadm(fixture('ipvsadm-Ln.v1.2.1.opsnull-251.txt'));
    expect(t.warnings).toEqual([]);
    expect(t.frontends).toHaveLength(7);
    expect(t.frontends[3]).toEqual({
      ip: '10.254.0.1',
      port: 443,
      protocol: 'TCP',
      scheduler: 'rr',
      flags: 'persistent 10800',
      backends: [
        { ip: '172.16.16.81', port: 6443, weight: 1 },
        { ip: '172.16.16.82', port: 6443, weight: 1 },
      ],
    });
    expect(t.frontends[0]!.backends.map((b) => `${b.ip}:${b.port}`)).toEqual([
      '10.253.7.7:80',
      '10.253.35.7:80',
      '10.253.56.7:80',
      '10.253.102.4:80',
    ]);
  });

  test('redacted addresses are warnings and their real servers are not attributed elsewhere', () => {
    const t = parseIpvsadm(fixture('ipvsadm-Ln.v1.2.1.kube-vip-781.redacted.txt'));
    expect(t.warnings.map((w) => w.line)).toEqual([4, 6, 9]);
    expect(t.frontends.map((f) => `${f.ip}:${f.port}`)).toEqual([
      '10.8.9.0:30151',
      '10.8.9.0:30394',
      '10.8.9.0:31662',
      '10.8.9.0:31851',
      '10.8.9.0:31970',
    ]);
    expect(t.frontends[0]!.backends).toHaveLength(2);
  });

  test('a real server before any virtual service, and a firewall-mark service, are warnings', () => {
    const t = parseIpvsadm(
      '  -> 10.0.0.1:80                 Masq    1      0          0\nFWM  1 rr\n  -> 10.0.0.2:80 Masq 1 0 0\n',
    );
    expect(t.frontends).toEqual([]);
    expect(t.warnings.map((w) => w.reason)).toEqual([
      'real server before any virtual service',
      'firewall-mark service (no address)',
    ]);
  });
});
