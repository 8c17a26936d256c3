// Property tests: parsers fail only with ParseError, and garbage never reads as a healthy datapath.
import fc from 'fast-check';
import { ParseError } from '../../src/errors.js';
import { parseBpftoolProgJson, parseBpftoolProgText } from '../../src/cilium/formats/bpftool.js';
import { parseLogLine } from '../../src/cilium/formats/log.js';
import { parseServiceListJson, parseServiceListText } from '../../src/cilium/formats/service-list.js';
import { parseCiliumStatus } from '../../src/cilium/formats/status.js';
import { classify } from '../../src/cilium/log-catalog.js';
import { fixture } from './fixtures.js';
import { mutated } from '../helpers/fuzz.js';

const RUNS = 2000;

/** Runs the parser; returns its result, or undefined when it threw a ParseError (anything else fails). */
function tryParse<T>(parse: (s: string) => T, input: string): T | undefined {
  try {
    return parse(input);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return undefined;
  }
}

const garbage = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.fullUnicodeString({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
);

const SERVICE_TEXT = [
  'service-list.v1.4.3.text.txt',
  'service-list.v1.10-dev.ci.text.txt',
  'service-list.v1.12-dev.quarantined.text.txt',
  'service-list.v1.13.4.k3s.nodeport.text.txt',
  'service-list.v1.20-dev.cilium-dbg.text.txt',
];
const BPFTOOL_TEXT = [
  'bpftool-prog-show.kernel-6.18.no-btf.truncated-names.text.txt',
  'bpftool-prog-show-id.tcx.cil_to_host.txt',
  'bpftool-prog-show-id.v1.16.cil_from_netdev.txt',
];
const STATUS = [
  'status.v1.14.0.kind.strict.txt',
  'status.v1.17.4.eks.legacy-tc.txt',
  'status-verbose.v1.15.0-rc.1.kind.kpr-true.full.txt',
];
const LOGS = ['agent-log.v1.14.conntrack-map-enomem.fatal.txt', 'agent-log.v1.18.8.slog.dead-code-elimination.txt'];

const pick = (names: string[]): fc.Arbitrary<string> => fc.constantFrom(...names.map(fixture)).chain(mutated);

describe('service list parsers', () => {
  test('text: garbage never yields services with backends', () => {
    fc.assert(
      fc.property(garbage, (s) => {
        const r = tryParse(parseServiceListText, s);
        expect(r === undefined || r.every((svc) => svc.backends.length === 0)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
  test('text: mutated real samples only throw ParseError', () => {
    fc.assert(
      fc.property(pick(SERVICE_TEXT), (s) => void tryParse(parseServiceListText, s)),
      { numRuns: RUNS },
    );
  });
  test('JSON: garbage and mutated samples only throw ParseError; garbage has no backends', () => {
    fc.assert(
      fc.property(garbage, (s) => {
        const r = tryParse(parseServiceListJson, s);
        expect(r === undefined || r.every((svc) => svc.backends.length === 0)).toBe(true);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(mutated(fixture('service-list.v1.14plus.json')), (s) => void tryParse(parseServiceListJson, s)),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.json(), (s) => void tryParse(parseServiceListJson, s)),
      { numRuns: RUNS },
    );
  });
});

describe('bpftool parsers', () => {
  test('text: garbage never yields programs; mutations only throw ParseError', () => {
    fc.assert(
      fc.property(garbage, (s) => {
        const r = tryParse(parseBpftoolProgText, s);
        expect(r === undefined || r.length === 0).toBe(true);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(pick(BPFTOOL_TEXT), (s) => void tryParse(parseBpftoolProgText, s)),
      { numRuns: RUNS },
    );
  });
  test('JSON: garbage and mutations only throw ParseError', () => {
    fc.assert(
      fc.property(garbage, (s) => void tryParse(parseBpftoolProgJson, s)),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.json(), (s) => void tryParse(parseBpftoolProgJson, s)),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(
        mutated(fixture('bpftool-prog-show.kernel-6.18.no-btf.truncated-names.json')),
        (s) => void tryParse(parseBpftoolProgJson, s),
      ),
      { numRuns: RUNS },
    );
  });
});

describe('status parser', () => {
  test('garbage never reads as a healthy agent', () => {
    fc.assert(
      fc.property(garbage, (s) => {
        const r = tryParse(parseCiliumStatus, s);
        expect(r === undefined || (r.ciliumHealth === undefined && r.kubeProxyReplacement === undefined)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
  test('mutated samples only throw ParseError', () => {
    fc.assert(
      fc.property(pick(STATUS), (s) => void tryParse(parseCiliumStatus, s)),
      { numRuns: RUNS },
    );
  });
});

describe('log parser', () => {
  test('never throws and returns a well-formed record', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          garbage,
          pick(LOGS).chain((t) => fc.constantFrom(...t.split('\n'))),
        ),
        (s) => {
          const r = parseLogLine(s);
          expect(typeof r.msg).toBe('string');
          expect(['logrus', 'slog', 'text']).toContain(r.style);
          classify(r);
        },
      ),
      { numRuns: RUNS },
    );
  });
  test('random key=value soup never throws', () => {
    const kv = fc.array(
      fc.tuple(
        fc.constantFrom('level', 'msg', 'time', 'subsys', 'error', 'x'),
        fc.oneof(fc.string(), fc.constantFrom('"', '"a\\', '\\x1', '"\\u12"')),
      ),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(kv, (pairs) => void parseLogLine(pairs.map(([k, v]) => `${k}=${v}`).join(' '))),
      { numRuns: RUNS },
    );
  });
});
