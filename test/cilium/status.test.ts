import { ParseError } from '../../src/errors.js';
import {
  kprWordFor,
  parseCiliumStatus,
  renderCiliumStatus,
  type StatusRenderInput,
} from '../../src/cilium/formats/status.js';
import { fixture } from './fixtures.js';

describe('parseCiliumStatus on recorded samples', () => {
  test('1.7-dev Strict with feature list (not devices)', () => {
    const s = parseCiliumStatus(fixture('status.v1.7-dev.strict.txt'));
    expect(s).toMatchObject({ kubeProxyReplacementRaw: 'Strict', kubeProxyReplacement: 'strict', errors: [] });
    expect(s.devices).toBeUndefined();
  });
  test('1.8-dev Probe with feature details in parentheses: still not a device list', () => {
    const s = parseCiliumStatus(fixture('status.v1.8-dev.probe.kpr-features.txt'));
    expect(s).toMatchObject({ kubeProxyReplacementRaw: 'Probe', kubeProxyReplacement: 'probe', errors: [] });
    expect(s.devices).toBeUndefined();
  });
  test('a device list whose items carry parentheses is still read as devices', () => {
    const s = parseCiliumStatus('KubeProxyReplacement:   Strict   [enp1s0 (Direct Routing), eth1 10.0.0.2]\n');
    expect(s.devices).toEqual(['enp1s0', 'eth1']);
  });
  test('1.9 verbose Partial details', () => {
    expect(parseCiliumStatus(fixture('status-verbose.v1.9.partial.kpr-details.txt'))).toMatchObject({
      kubeProxyReplacement: 'partial',
      kubeProxyReplacementRaw: 'Partial',
    });
  });
  test('1.11.4 Disabled, 1.13.4 two devices, GKE noise + True', () => {
    expect(parseCiliumStatus(fixture('status.v1.11.4.grep-kpr-disabled.txt'))).toEqual({
      kubeProxyReplacementRaw: 'Disabled',
      kubeProxyReplacement: 'disabled',
      errors: [],
    });
    expect(parseCiliumStatus(fixture('status.v1.13.4.eks.grep-kpr-strict.txt'))).toMatchObject({
      kubeProxyReplacement: 'strict',
      devices: ['eth0', 'eth1'],
    });
    expect(parseCiliumStatus(fixture('status.unknown.gke.grep-kpr-true.txt'))).toMatchObject({
      kubeProxyReplacement: 'true',
      devices: ['eth0'],
    });
  });
  test('1.13.4 / 1.15-dev verbose details: Socket LB enabled, Strict', () => {
    for (const f of [
      'status-verbose.v1.13.4.k3s.strict.kpr-details.txt',
      'status-verbose.v1.15-dev.strict.kpr-details.txt',
    ]) {
      expect(parseCiliumStatus(fixture(f))).toMatchObject({
        kubeProxyReplacement: 'strict',
        socketLb: true,
        devices: ['eth0'],
      });
    }
  });
  test('1.14.0 full status', () => {
    const s = parseCiliumStatus(fixture('status.v1.14.0.kind.strict.txt'));
    expect(s).toMatchObject({
      kubeProxyReplacement: 'strict',
      devices: ['eth0'],
      version: '1.14.0',
      ciliumHealth: 'Ok 1.14.0 (v1.14.0-b5013e15)',
      errors: [],
    });
  });
  test('1.15.0-rc.1 verbose full (CRLF)', () => {
    const s = parseCiliumStatus(fixture('status-verbose.v1.15.0-rc.1.kind.kpr-true.full.txt'));
    expect(s).toMatchObject({
      kubeProxyReplacement: 'true',
      devices: ['eth0'],
      socketLb: true,
      version: '1.15.0-rc.1',
      errors: [],
    });
  });
  test('1.17.4 with kubectl noise, Legacy TC, two devices', () => {
    const s = parseCiliumStatus(fixture('status.v1.17.4.eks.legacy-tc.txt'));
    expect(s).toMatchObject({
      kubeProxyReplacement: 'true',
      devices: ['ens5', 'ens6'],
      attachMode: 'Legacy TC',
      version: '1.17.4',
      errors: [],
    });
  });
  test('1.18.1 grep', () => {
    expect(parseCiliumStatus(fixture('status.v1.18.1.kind.grep-kpr-true-routing.txt'))).toMatchObject({
      kubeProxyReplacement: 'true',
      devices: ['eth0'],
    });
  });
  test('failures are reported', () => {
    const s = parseCiliumStatus(
      'KVStore:   Ok   Disabled\nCilium:    Failure   Kubernetes service is not ready\nController Status:   30/32 healthy\n',
    );
    expect(s.errors).toEqual(['Cilium: Failure Kubernetes service is not ready', 'Controller Status: 30/32 healthy']);
  });
  test('garbage and empty input throw', () => {
    expect(() => parseCiliumStatus('')).toThrow(ParseError);
    expect(() =>
      parseCiliumStatus('error: unable to upgrade connection: container not found ("cilium-agent")\n'),
    ).toThrow(ParseError);
  });
});

describe('renderCiliumStatus', () => {
  const base: StatusRenderInput = {
    kpr: 'true',
    devices: [
      { name: 'eth0', ips: ['172.18.0.2', 'fc00::2'], directRouting: true },
      { name: 'eth1', ips: ['10.0.0.9'] },
    ],
    version: '1.16.5',
    commit: 'abcdef12',
    ready: true,
  };
  test('KPR word per version (1.14 Strict, 1.15+ True/False)', () => {
    expect(kprWordFor('strict', 13)).toBe('Strict');
    expect(kprWordFor('strict', 14)).toBe('Strict');
    expect(kprWordFor('true', 14)).toBe('True');
    expect(kprWordFor('strict', 15)).toBe('True');
    expect(kprWordFor('disabled', 16)).toBe('False');
    expect(kprWordFor('probe', 12)).toBe('Partial');
  });
  test.each([12, 13, 14, 15, 16, 17, 18])('minor %i round-trips, plain and verbose', (minor) => {
    for (const verbose of [false, true]) {
      const s = parseCiliumStatus(renderCiliumStatus({ ...base, verbose, attachMode: 'TCX' }, minor));
      expect(s.kubeProxyReplacement).toBe(minor >= 15 || minor === 14 ? 'true' : 'strict');
      expect(s.devices).toEqual(['eth0', 'eth1']);
      expect(s.version).toBe('1.16.5');
      expect(s.errors).toEqual([]);
      if (verbose) expect(s.socketLb).toBe(true);
      else expect(s.socketLb).toBeUndefined();
      expect(s.attachMode).toBe(minor >= 17 ? 'TCX' : undefined);
    }
  });
  test('failure state and failing controllers are visible', () => {
    const s = parseCiliumStatus(
      renderCiliumStatus(
        {
          ...base,
          kpr: 'false',
          ready: false,
          failureMessage: 'Kubernetes service is not ready',
          controllersTotal: 20,
          controllersFailing: 2,
          verbose: true,
        },
        16,
      ),
    );
    expect(s.kubeProxyReplacement).toBe('false');
    expect(s.socketLb).toBe(false);
    expect(s.errors).toEqual(['Cilium: Failure Kubernetes service is not ready', 'Controller Status: 18/20 healthy']);
  });
  test('layout follows the 1.14 fixture (tabwriter label column)', () => {
    const out = renderCiliumStatus(
      {
        ...base,
        kpr: 'strict',
        devices: [{ name: 'eth0', ips: ['172.18.0.3'] }],
        version: '1.14.0',
        commit: 'b5013e15',
      },
      14,
    );
    const rec = fixture('status.v1.14.0.kind.strict.txt');
    for (const label of ['KubeProxyReplacement:', 'Cilium:', 'Controller Status:', 'Cluster health:']) {
      const want = rec.split('\n').find((l) => l.startsWith(label))!;
      const got = out.split('\n').find((l) => l.startsWith(label))!;
      if (label === 'Cluster health:') expect(got.indexOf('reachable')).toBe(want.indexOf('reachable'));
      else if (label === 'Controller Status:') expect(got).toBe('Controller Status:       32/32 healthy');
      else expect(got.trimEnd()).toBe(want);
    }
  });
});
