import { parseLogLine, renderLogLine } from '../../src/cilium/formats/log.js';
import type { LogRecord } from '../../src/cilium/types.js';
import { fixture } from './fixtures.js';

const lines = (name: string): string[] =>
  fixture(name)
    .split('\n')
    .filter((l) => l !== '');

describe('parseLogLine on recorded agent logs', () => {
  test('logrus with quoted time= (1.15)', () => {
    const [l] = lines('agent-log.v1.15.invalid-config.native-routing-cidr.fatal.txt');
    const r = parseLogLine(l!);
    expect(r).toMatchObject({ style: 'logrus', level: 'fatal', time: '2024-06-10T14:23:43Z', subsys: 'daemon' });
    expect(r.msg).toMatch(/^invalid daemon configuration: native routing cidr/);
  });
  test('logrus fields incl. unquoted durations and escaped quotes (1.14)', () => {
    const recs = lines('agent-log.v1.14.conntrack-map-enomem.fatal.txt').map(parseLogLine);
    expect(recs.filter((r) => r.style === 'logrus')).toHaveLength(recs.length - 1); // `[...]` elision
    expect(recs.find((r) => r.raw === '[...]')!.style).toBe('text');
    expect(recs[0]!.fields).toEqual({
      duration: '1.167979ms',
      function: 'auth.registerAuthManager.func1 (cell.go:110)',
      subsys: 'hive',
    });
    expect(recs[1]!.fields.duration).toBe('1.892µs');
    expect(recs[3]).toMatchObject({
      level: 'warning',
      msg: 'Deprecated value for --kube-proxy-replacement: strict (use either "true", or "false")',
    });
    expect(recs.at(-1)).toMatchObject({ level: 'fatal', subsys: 'daemon' });
  });
  test('kubectl --timestamps prefix (1.6)', () => {
    const recs = lines('agent-log.v1.6-dev.bpf-map-operation-not-permitted.txt').map(parseLogLine);
    expect(recs[0]).toMatchObject({
      style: 'logrus',
      level: 'info',
      time: '2019-09-04T14:11:46.399478585Z',
      subsys: 'daemon',
    });
    expect(recs.filter((r) => r.level === 'error')).toHaveLength(1);
    expect(recs.at(-1)).toMatchObject({
      level: 'fatal',
      fields: { error: 'Unable to create map /run/cilium/bpffs/tc/globals/cilium_lxc: operation not permitted' },
    });
  });
  test('error/fatal pair (1.9) and 4.9 fatal (1.10)', () => {
    const r = lines('agent-log.unknown-v1.9.bpf-map-operation-not-permitted.txt').map(parseLogLine);
    expect(r.map((x) => x.level)).toEqual(['error', 'fatal']);
    expect(parseLogLine(lines('agent-log.v1.10-dev.kernel-4.9.endpoint-map.fatal.txt')[0]!).fields.error).toMatch(
      /bad address$/,
    );
  });
  test('init-script shell output (tc clsact)', () => {
    const r = lines('agent-log.unknown-pre1.14.tc-clsact-not-supported.fatal.txt').map(parseLogLine);
    expect(r).toHaveLength(15);
    expect(r.filter((x) => x.msg === 'RTNETLINK answers: Operation not supported')).toHaveLength(3);
    expect(r[3]!.msg).toBe("++ grep -v 'pref 1 bpf chain 0 $\\|pref 1 bpf chain 0 handle 0x1'");
    expect(r.every((x) => x.style === 'logrus')).toBe(true);
  });
  test('slog (1.18.8): unquoted time, lower-case level; panic stack is text', () => {
    const r = lines('agent-log.v1.18.8.slog.dead-code-elimination.txt').map(parseLogLine);
    expect(r[0]).toMatchObject({
      style: 'slog',
      level: 'error',
      msg: 'Start hook failed',
      time: '2026-03-23T22:11:06.657919407Z',
    });
    expect(r[1]!.fields).toEqual({
      error: 'requirements failed: Require support for dead code elimination (Linux 5.1 or newer)',
      duration: '1.032422414s',
    });
    expect(r.slice(2).every((x) => x.style === 'text' && x.level === 'unknown')).toBe(true);
    expect(r[2]!.msg).toBe('panic: Start or stop failed to finish on time, aborting forcefully.');
  });
});

describe('parseLogLine details', () => {
  test('Go slog defaults: upper-case levels, source=, module=', () => {
    const r = parseLogLine(
      'time=2025-01-02T03:04:05.000Z level=WARN source=/go/src/x.go:12 msg="Disabling socket-LB tracing" module=agent.controlplane',
    );
    expect(r).toMatchObject({
      style: 'slog',
      level: 'warning',
      subsys: 'agent.controlplane',
      fields: { source: '/go/src/x.go:12' },
    });
    expect(parseLogLine('level=ERROR msg=x').level).toBe('error');
  });
  test('non key=value lines are text', () => {
    for (const l of [
      'RTNETLINK answers: Operation not supported',
      '\t/go/src/github.com/cilium/hive/hive.go:400 +0xe6',
      '',
      'level=info',
      'msg="unterminated',
      'level=info msg="a" b',
    ]) {
      expect(parseLogLine(l)).toMatchObject({ style: 'text', level: 'unknown' });
    }
  });
});

describe('renderLogLine', () => {
  test('reproduces recorded logrus and slog lines exactly', () => {
    const samples = [
      ...lines('agent-log.v1.14.conntrack-map-enomem.fatal.txt').filter((l) => l !== '[...]'),
      ...lines('agent-log.unknown-pre1.14.tc-clsact-not-supported.fatal.txt'),
      ...lines('agent-log.v1.15.invalid-config.native-routing-cidr.fatal.txt'),
    ];
    for (const l of samples) expect(renderLogLine(parseLogLine(l), 'logrus')).toBe(l);
    for (const l of lines('agent-log.v1.18.8.slog.dead-code-elimination.txt').slice(0, 2))
      expect(renderLogLine(parseLogLine(l), 'slog')).toBe(l);
  });
  test('quoting rules: logrus quotes ":" and spaces, keeps empty bare; slog quotes empty, "=" and spaces', () => {
    const rec: LogRecord = {
      level: 'info',
      msg: 'ok',
      fields: { a: '', b: 'x=y', c: '1.2.3', d: 'a b', e: 'tab\there' },
      style: 'logrus',
      raw: '',
    };
    expect(renderLogLine(rec, 'logrus')).toBe('level=info msg=ok a= b="x=y" c=1.2.3 d="a b" e="tab\\there"');
    expect(renderLogLine(rec, 'slog')).toBe('level=info msg=ok a="" b="x=y" c=1.2.3 d="a b" e="tab\\there"');
    expect(renderLogLine({ ...rec, fields: { p: '10.0.0.1:80' } }, 'slog')).toBe('level=info msg=ok p=10.0.0.1:80');
  });
  test('round-trips every level in both styles', () => {
    for (const level of ['debug', 'info', 'warning', 'error', 'fatal', 'panic'] as const) {
      const rec: LogRecord = {
        time: '2025-05-06T07:08:09.123456789Z',
        level,
        msg: 'Unable to "x"\nnext',
        subsys: 'daemon',
        fields: { error: 'µs é', subsys: 'daemon' },
        style: 'logrus',
        raw: '',
      };
      for (const style of ['logrus', 'slog'] as const) {
        const line = renderLogLine(rec, style);
        const back = parseLogLine(line);
        expect({ ...back, raw: '' }).toEqual({ ...rec, style, raw: '' });
      }
    }
  });
});
