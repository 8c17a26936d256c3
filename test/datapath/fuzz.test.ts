// Property tests: the datapath parsers never throw, on garbage or on damaged real recordings, and every frontend
// they return has a numeric address, port and protocol.
import fc from 'fast-check';
import type { DatapathTable } from '../../src/datapath/frontends.js';
import { isIp, isPort } from '../../src/datapath/frontends.js';
import { parseIptablesNat } from '../../src/datapath/kube-proxy/iptables.js';
import { parseIpvsadm } from '../../src/datapath/kube-proxy/ipvsadm.js';
import { parseNftKubeProxy } from '../../src/datapath/kube-proxy/nftables.js';
import { parseCalicoNatDump } from '../../src/datapath/calico/bpf-nat-dump.js';
import { datapathFixture, datapathFixtureNames } from './fixtures.js';
import { mutated } from '../helpers/fuzz.js';

const RUNS = 500;

const parsers: [string, (s: string) => DatapathTable, string[]][] = [
  [
    'iptables',
    parseIptablesNat,
    datapathFixtureNames('kube-proxy', 'iptables-').map((n) => datapathFixture('kube-proxy', n)),
  ],
  [
    'ipvsadm',
    parseIpvsadm,
    datapathFixtureNames('kube-proxy', 'ipvsadm-').map((n) => datapathFixture('kube-proxy', n)),
  ],
  [
    'nftables',
    parseNftKubeProxy,
    datapathFixtureNames('kube-proxy', 'nft-').map((n) => datapathFixture('kube-proxy', n)),
  ],
  [
    'calico nat dump',
    parseCalicoNatDump,
    datapathFixtureNames('calico', 'bpf-nat-dump').map((n) => datapathFixture('calico', n)),
  ],
];

function wellFormed(t: DatapathTable): boolean {
  return t.frontends.every(
    (f) =>
      isIp(f.ip) &&
      isPort(f.port) &&
      ['TCP', 'UDP', 'SCTP'].includes(f.protocol) &&
      f.backends.every((b) => isIp(b.ip) && isPort(b.port)),
  );
}

describe.each(parsers)('%s parser', (_name, parse, samples) => {
  test('has recorded samples to mutate', () => expect(samples.length).toBeGreaterThan(0));

  test('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.fullUnicodeString(),
          fc.array(fc.string()).map((a) => a.join('\n')),
        ),
        (s) => wellFormed(parse(s)),
      ),
      { numRuns: RUNS },
    );
  });

  test('never throws on damaged real recordings', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples).chain((s) => mutated(s)),
        (s) => wellFormed(parse(s)),
      ),
      { numRuns: RUNS },
    );
  });
});
