import {
  cliFor,
  logStyleFor,
  parseCiliumVersion,
  protocolDistinct,
  SUPPORTED_MINORS,
} from '../../src/cilium/versions.js';

describe('versions', () => {
  test('parseCiliumVersion', () => {
    expect(
      parseCiliumVersion(
        'quay.io/cilium/cilium:v1.16.5@sha256:758ca0793f5995bb938a2fa219dcce63dc0b3fa7345f7ce67d8d8a58b4e1d3d0',
      ),
    ).toEqual({ major: 1, minor: 16, patch: 5, raw: 'v1.16.5' });
    expect(parseCiliumVersion('v1.15.0-rc.1')).toEqual({ major: 1, minor: 15, patch: 0, raw: 'v1.15.0-rc.1' });
    expect(parseCiliumVersion('1.14.2')).toMatchObject({ minor: 14, patch: 2 });
    expect(parseCiliumVersion('localhost:5000/cilium/cilium:v1.13.4')).toMatchObject({ minor: 13 });
    expect(
      parseCiliumVersion(
        'quay.io/cilium/cilium@sha256:758ca0793f5995bb938a2fa219dcce63dc0b3fa7345f7ce67d8d8a58b4e1d3d0',
      ),
    ).toBeUndefined();
    expect(parseCiliumVersion('localhost:5000/cilium/cilium')).toBeUndefined();
    expect(parseCiliumVersion('quay.io/cilium/cilium:latest')).toBeUndefined();
  });
  test('cli, log style, supported minors', () => {
    expect(cliFor(14)).toBe('cilium');
    expect(cliFor(15)).toBe('cilium-dbg');
    expect(logStyleFor(17)).toBe('logrus');
    expect(logStyleFor(18)).toBe('slog');
    // 1.19, the current release line, is known too (issue #14)
    expect(SUPPORTED_MINORS).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
  });
  test('protocolDistinct: one frontend per IP:port up to 1.16, bpf-lb-proto-diff (default on) in 1.17–1.18, always from 1.19', () => {
    expect(protocolDistinct(12)).toBe(false);
    expect(protocolDistinct(16, { 'bpf-lb-proto-diff': 'true' })).toBe(false);
    expect(protocolDistinct(17)).toBe(true);
    expect(protocolDistinct(17, { 'bpf-lb-proto-diff': 'false' })).toBe(false);
    expect(protocolDistinct(18, { 'bpf-lb-proto-diff': 'true' })).toBe(true);
    expect(protocolDistinct(18, { 'bpf-lb-proto-diff': ' False ' })).toBe(false);
    // the flag is gone in 1.19: a stale key in the ConfigMap changes nothing
    expect(protocolDistinct(19, { 'bpf-lb-proto-diff': 'false' })).toBe(true);
  });
});
