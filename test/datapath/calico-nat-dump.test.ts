import { parseCalicoNatDump } from '../../src/datapath/calico/bpf-nat-dump.js';
import { datapathFixture } from './fixtures.js';

const fixture = (name: string) => datapathFixture('calico', name);

describe('parseCalicoNatDump on recorded calico-node -bpf nat dump', () => {
  test('blog dump (k3s): frontends, tab- and space-indented backends, NodePort wildcard, [...] elision', () => {
    const t = parseCalicoNatDump(fixture('bpf-nat-dump.blog-k3s.author-trimmed.txt'));
    expect(
      t.frontends.map((f) => [`${f.ip}:${f.port}/${f.protocol}`, f.id, f.backends.map((b) => `${b.ip}:${b.port}`)]),
    ).toEqual([
      ['10.43.108.201:80/TCP', 0, ['10.42.0.16:80']],
      ['10.96.0.10:53/UDP', 1, ['10.42.0.5:53']],
      ['10.96.0.10:53/TCP', 2, ['10.42.0.5:53']],
      ['10.96.0.1:443/TCP', 3, ['172.20.0.2:6443']],
      ['255.255.255.255:30797/TCP', 12, ['10.42.0.12:8443']],
    ]);
    expect(t.frontends[4]!.local).toBe(1);
    expect(t.warnings.map((w) => [w.line, w.text])).toEqual([[11, '[...]']]);
  });

  test('grep -A5 of a dump (issue #13279): flags, grep separators and cut frontends are warnings', () => {
    const t = parseCalicoNatDump(fixture('bpf-nat-dump.v3.30plus.issue-13279.grep-A5.txt'));
    expect(t.frontends).toHaveLength(6);
    expect(t.frontends[1]).toMatchObject({ ip: '10.193.248.21', port: 31350, count: 3, flags: ['external-local'] });
    expect(t.frontends[4]!.backends.map((b) => `${b.ip}:${b.port}`)).toEqual([
      '172.30.26.146:6789',
      '10.0.0.21:6443',
      '10.0.0.22:6443',
      '10.0.0.23:6443',
    ]);
    expect(t.warnings.filter((w) => w.text === '--')).toHaveLength(2);
    expect(t.warnings.filter((w) => w.reason.startsWith('frontend claims'))).toHaveLength(3);
  });

  test('`is missing` backends (printed by dumpNice when the backend map lacks the entry) are counted', () => {
    const t = parseCalicoNatDump(
      '10.96.0.10 port 53 proto 17 id 1 count 2 local 0\n\t1:0\t 10.42.0.5:53\n\t1:1\t is missing\n',
    );
    expect(t.frontends[0]).toMatchObject({ backends: [{ ip: '10.42.0.5', port: 53 }], missing: [1] });
    expect(t.warnings).toEqual([]);
  });

  test('a backend line under the wrong frontend id is a warning', () => {
    const t = parseCalicoNatDump('10.96.0.10 port 53 proto 17 id 1 count 1 local 0\n\t7:0\t 10.42.0.5:53\n');
    expect(t.warnings.map((w) => w.reason)).toContain('backend line not under its frontend');
  });
});
