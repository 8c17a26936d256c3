// `logs --errors` keeps a fatal line the catalog does not know, marked unrecognised, instead of dropping it.
import { classify, classifyOrUnrecognised, UNRECOGNISED_FATAL } from '../../src/cilium/log-catalog.js';
import { parseLogLine } from '../../src/cilium/formats/log.js';
import { judge } from '../../src/logs/filter.js';
import { fixture } from './fixtures.js';

const line = (l: string) => ({ node: 'node-1', pod: 'cilium-abcde', key: '', line: l });

describe('fatal lines the catalog does not know', () => {
  const verifier = fixture('agent-log.v1.16.11.verifier-invalid-func.fatal.txt').trim();

  test('the recorded 1.16.11 verifier fatal is a fatal logrus record', () => {
    expect(parseLogLine(verifier)).toMatchObject({ level: 'fatal', style: 'logrus' });
  });

  test('--errors keeps it: with its catalog entry when known, else as unrecognised-error', () => {
    const e = judge(line(verifier), { errors: true });
    expect(e).toBeDefined();
    expect(e!.catalog).toEqual(classify(parseLogLine(verifier)) ?? UNRECOGNISED_FATAL);
  });

  test('a fatal line no entry matches is unrecognised, never dropped; info lines still are', () => {
    // the same recorded line with the program/verifier detail replaced by a message no entry knows
    const unknown = verifier.replace(/msg="[^"]*"/, 'msg="failed to start: frobnicator exploded"');
    expect(classify(parseLogLine(unknown))).toBeUndefined();
    expect(classifyOrUnrecognised(parseLogLine(unknown))).toBe(UNRECOGNISED_FATAL);
    expect(judge(line(unknown), { errors: true })?.catalog?.id).toBe('unrecognised-error');
    expect(judge(line('level=info msg="nothing to see" subsys=daemon'), { errors: true })).toBeUndefined();
    // without --errors the line passes as it is, with no catalog entry
    expect(judge(line(unknown), {})?.catalog).toBeUndefined();
  });
});
