import { cliFor, logStyleFor, parseCiliumVersion, SUPPORTED_MINORS } from '../../src/cilium/versions.js';

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
    expect(SUPPORTED_MINORS).toEqual([12, 13, 14, 15, 16, 17, 18]);
  });
});
