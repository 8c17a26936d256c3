import { parseIptablesNat } from '../../src/datapath/kube-proxy/iptables.js';
import { datapathFixture } from './fixtures.js';

const fixture = (name: string) => datapathFixture('kube-proxy', name);
const rows = (t: ReturnType<typeof parseIptablesNat>) =>
  t.frontends.map((f) => [`${f.ip}:${f.port}/${f.protocol}`, f.backends.map((b) => `${b.ip}:${b.port}`)]);

describe('parseIptablesNat on recorded kube-proxy nat tables', () => {
  test('iptables -S on an EKS node: 5 Services, 2 endpoints each, probability split, per-endpoint comments', () => {
    const t = parseIptablesNat(fixture('iptables-S-nat.eks-2024.txt'));
    expect(t.warnings).toEqual([]);
    expect(t.unreferencedServiceChains).toEqual([]);
    expect(rows(t)).toEqual([
      ['10.100.0.10:53/TCP', ['172.31.12.149:53', '172.31.3.129:53']],
      ['10.100.0.10:9153/TCP', ['172.31.12.149:9153', '172.31.3.129:9153']],
      ['10.100.192.187:80/TCP', ['172.31.2.37:80', '172.31.9.169:80']],
      ['10.100.0.1:443/TCP', ['172.31.2.224:443', '172.31.25.126:443']],
      ['10.100.0.10:53/UDP', ['172.31.12.149:53', '172.31.3.129:53']],
    ]);
    const api = t.frontends[3]!;
    expect(api.service).toEqual({ namespace: 'default', name: 'kubernetes', portName: 'https' });
    expect(api.source).toBe('KUBE-SVC-NPX46M4PTMTKRN6Y');
    expect(api.backends.map((b) => b.probability)).toEqual([0.5, undefined]);
    // An unnamed Service port: `"my-namespace/my-app cluster IP"`.
    expect(t.frontends[2]!.service).toEqual({ namespace: 'my-namespace', name: 'my-app', portName: '' });
  });

  test('iptables-restore payload from kube-proxy -v logs: *nat … COMMIT, 4-way split, unquoted comments', () => {
    const t = parseIptablesNat(fixture('iptables-restore-nat.v1.2x.kind.verbose-log-payload.txt'));
    expect(t.warnings).toEqual([]);
    expect(t.frontends).toHaveLength(4);
    const dns = t.frontends.find((f) => f.port === 53 && f.protocol === 'UDP')!;
    expect(dns.service).toEqual({ namespace: 'kube-system', name: 'kube-dns', portName: 'dns' });
    expect(dns.backends).toEqual([
      { ip: '10.244.0.10', port: 53, probability: 0.25 },
      { ip: '10.244.0.5', port: 53, probability: 0.3333333333 },
      { ip: '10.244.0.6', port: 53, probability: 0.5 },
      { ip: '10.244.0.9', port: 53 },
    ]);
    expect(t.frontends[0]).toMatchObject({ ip: '10.96.0.1', port: 443, backends: [{ ip: '172.18.0.2', port: 6443 }] });
  });

  test('older kube-proxy without comments on KUBE-SVC/KUBE-SEP rules: joined by chain names alone', () => {
    const t = parseIptablesNat(fixture('iptables-S-nat.flannel-2019.no-comments.txt'));
    expect(t.warnings).toEqual([]);
    expect(rows(t)).toEqual([
      ['10.103.212.10:44134/TCP', ['10.244.0.23:44134']],
      ['10.96.0.10:53/TCP', ['10.244.0.21:53', '10.244.0.26:53']],
      ['10.96.0.1:443/TCP', ['172.12.1.10:6443']],
      ['10.96.0.10:53/UDP', ['10.244.0.21:53', '10.244.0.26:53']],
    ]);
  });

  test('a Service rule whose KUBE-SVC chain lost its rules: frontend with no backends, not a parse error', () => {
    const lines = fixture('iptables-S-nat.eks-2024.txt')
      .split('\n')
      .filter((l) => !l.startsWith('-A KUBE-SVC-HLZB4VDDFP2JZATZ '));
    const t = parseIptablesNat(lines.join('\n'));
    expect(t.frontends.find((f) => f.service?.name === 'my-app')!.backends).toEqual([]);
  });

  test('a KUBE-SVC chain no Service rule jumps to is reported (stale chain after a deleted Service)', () => {
    const lines = fixture('iptables-S-nat.eks-2024.txt')
      .split('\n')
      .filter((l) => !/^-A KUBE-SERVICES .*KUBE-SVC-HLZB4VDDFP2JZATZ$/.test(l));
    const t = parseIptablesNat(lines.join('\n'));
    expect(t.frontends.map((f) => f.service?.name)).not.toContain('my-app');
    expect(t.unreferencedServiceChains).toEqual(['KUBE-SVC-HLZB4VDDFP2JZATZ']);
  });

  test('other tables in a full iptables-save are ignored; counters (-c) are stripped', () => {
    const nat = fixture('iptables-restore-nat.v1.2x.kind.verbose-log-payload.txt');
    const filter =
      '*filter\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -d 10.96.0.99/32 -p tcp --dport 80 -j KUBE-SVC-X\nCOMMIT\n';
    const counted = nat.replace(/^-A /gm, '[0:0] -A ');
    expect(parseIptablesNat(filter + counted).frontends).toEqual(parseIptablesNat(nat).frontends);
  });

  test('unreadable lines become warnings with their line number', () => {
    const t = parseIptablesNat('garbage here\n-A KUBE-SERVICES -d 10.0.0.1/32 -m comment --comment "open');
    expect(t.frontends).toEqual([]);
    expect(t.warnings.map((w) => [w.line, w.reason])).toEqual([
      [1, 'not an iptables-save line'],
      [2, 'unterminated quote'],
    ]);
  });
});
