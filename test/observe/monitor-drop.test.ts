// The monitor's drop lines, from recorded outputs (fixtures/cilium/monitor-drop.*, SOURCES.md) and from the
// format string in Cilium's source (pkg/monitor/datapath_drop.go DumpInfo), and how kdiag classifies them
// for one Service (reason texts: pkg/monitor/api/drop.go).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyDrop, concernsService, type DropScope } from '../../src/cilium/drops.js';
import { parseMonitorDropLine, parseMonitorDrops } from '../../src/cilium/formats/monitor-drop.js';
import { fixtureDir } from '../cilium/fixtures.js';

const fixture = (f: string) => readFileSync(join(fixtureDir(), f), 'utf8');

describe('recorded monitor output', () => {
  test('headers, level=info and other events are skipped; every drop line is read', () => {
    const evs = parseMonitorDrops(fixture('monitor-drop.unknown-2023.bookinfo.file-line.txt'));
    expect(evs.map((e) => e.reason)).toEqual([
      'Policy denied',
      'Unsupported L3 protocol',
      'Unsupported L3 protocol',
      'Unsupported L3 protocol',
    ]);
    expect(evs[0]).toMatchObject({
      src: '10.42.0.220',
      srcPort: 56148,
      dst: '10.42.0.231',
      dstPort: 9080,
      srcIdentity: '22047',
      dstIdentity: '15745',
    });
    expect(evs[1]).toMatchObject({ src: 'fe80::7495:4cff:fe41:9d5a', dst: 'ff02::2', dstIdentity: 'unknown' });
  });

  test('the oldest shape (no ifindex, no file) and the current one (ifindex, file:line)', () => {
    expect(parseMonitorDrops(fixture('monitor-drop.v1.7-docs.remote-node.txt'))[0]).toMatchObject({
      reason: 'Policy denied',
      srcIdentity: '6',
      src: '172.16.9.243',
      dst: '172.16.8.21',
      dstPort: 9093,
    });
    expect(parseMonitorDrops(fixture('monitor-drop.aks-fqdn.ifindex-file.txt'))[0]).toMatchObject({
      reason: 'Policy denied',
      dstIdentity: 'world',
      dst: '93.184.215.14',
      dstPort: 80,
    });
  });

  test('a policy verdict event before its drop line is not a drop', () => {
    const evs = parseMonitorDrops(fixture('monitor-drop.unknown-v1.x.policy-verdict.txt'));
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ reason: 'Policy denied', srcIdentity: 'world', src: '172.26.50.201' });
  });
});

describe("lines in DumpInfo's format (pkg/monitor/datapath_drop.go)", () => {
  // "xx drop (%s) flow %#x to endpoint %d, ifindex %d, file %s:%d, " + ", identity %s->%s" + ": %s"
  const line = (reason: string, flow: string) =>
    `xx drop (${reason}) flow 0x0 to endpoint 0, ifindex 5, file bpf_lxc.c:1998, , identity 25928->unknown: ${flow} tcp SYN`;

  test('an extended error after the reason is split off; an unknown code stays whole', () => {
    expect(
      parseMonitorDropLine(line('CT: Map insertion failed, -7', '10.244.1.5:40000 -> 10.244.2.7:8080')),
    ).toMatchObject({ reason: 'CT: Map insertion failed', extError: -7 });
    expect(parseMonitorDropLine(line('199, 0', '10.244.1.5:40000 -> 10.244.2.7:8080'))?.reason).toBe('199, 0');
    expect(
      parseMonitorDropLine(line('No tunnel/encapsulation endpoint (datapath BUG!)', '10.244.1.5:1 -> 10.244.2.7:2'))
        ?.reason,
    ).toBe('No tunnel/encapsulation endpoint (datapath BUG!)');
  });

  test('a drop line without "(REASON) flow 0x…" is a parse error with its line', () => {
    expect(() => parseMonitorDropLine('xx drop (Policy denied', 7)).toThrow(/line 7/);
  });

  const scope: DropScope = {
    frontends: ['10.96.10.10'],
    backends: ['10.244.1.12', '10.244.2.30'],
    client: '10.244.3.9',
  };
  test.each([
    ['Service backend not found', '10.244.3.9:51112 -> 10.96.10.10:80', 'backend-not-found'],
    ['Policy denied', '169.254.42.1:33333 -> 10.244.1.12:8080', 'hairpin-policy-denied'],
    ['Policy denied (L3)', '169.254.42.1:33333 -> 10.244.1.12:8080', 'hairpin-policy-denied'],
    ['Policy denied', '10.244.3.9:40000 -> 10.244.2.30:8080', 'policy-denied'],
    ['CT: Map insertion failed', '10.244.3.9:40000 -> 10.244.2.30:8080', 'ct-map-full'],
    ['No mapping for NAT masquerade', '10.244.2.30:8080 -> 203.0.113.7:443', 'nat-map-full'],
    ['Stale or unroutable IP', '10.244.3.9:40000 -> 10.244.2.30:8080', 'other'],
  ])('%s %s is %s', (reason, flow, cls) => {
    const ev = parseMonitorDropLine(line(reason, flow))!;
    expect(concernsService(ev, scope)).toBe(true);
    expect(classifyDrop(ev, scope)).toBe(cls);
  });

  test('a drop between two other pods does not concern the Service', () => {
    const ev = parseMonitorDropLine(line('Policy denied', '10.244.5.1:40000 -> 10.244.5.2:8080'))!;
    expect(concernsService(ev, scope)).toBe(false);
  });
});
