import { kernelVersion } from '../../src/checks/kernel-version.js';
import { compareKernel, parseKernelVersion } from '../../src/cilium/kernel.js';
import { runChecks } from '../../src/engine/run-checks.js';
import { failed, got, healthyFacts, node } from '../helpers/facts.js';
import type { CiliumInstallFact } from '../../src/model/facts.js';

const withKernels = (kernels: string[], minor = 16, config?: Record<string, string>) => {
  const base = healthyFacts();
  const c = (base.cilium as { value: CiliumInstallFact }).value;
  return healthyFacts({
    nodes: got(kernels.map((k, i) => node(`n${i}`, k))),
    cilium: got({ ...c, minor, version: `v1.${minor}.0` }),
    ...(config ? { config: got(config) } : {}),
  });
};
const result = (kernels: string[], minor?: number, config?: Record<string, string>) =>
  kernelVersion.run(withKernels(kernels, minor, config)).map((f) => [f.node, f.id, f.status]);

describe('parseKernelVersion', () => {
  it('parses distro strings', () => {
    expect(parseKernelVersion('5.15.0-126-generic')).toMatchObject({
      major: 5,
      minor: 15,
      patch: 0,
      patchKnown: false,
    });
    expect(parseKernelVersion('4.19.0-27-amd64')).toMatchObject({ major: 4, minor: 19, patch: 0, patchKnown: false });
    expect(parseKernelVersion('6.1.0-cloud')).toMatchObject({ major: 6, minor: 1, patch: 0, patchKnown: true });
    expect(parseKernelVersion('4.19.57')).toMatchObject({ major: 4, minor: 19, patch: 57, patchKnown: true });
    expect(parseKernelVersion('4.18.0-372.9.1.el8_6.x86_64')?.rhel).toEqual({ el: 8, build: 372 });
    expect(parseKernelVersion('not-a-kernel')).toBeUndefined();
  });
  it('compares against alternative minimum lines', () => {
    const alts: [number, number, number][] = [
      [4, 19, 57],
      [5, 1, 16],
      [5, 2, 0],
    ];
    expect(compareKernel(parseKernelVersion('4.19.56')!, alts)).toBe('below');
    expect(compareKernel(parseKernelVersion('4.19.57')!, alts)).toBe('ok');
    expect(compareKernel(parseKernelVersion('5.0.21')!, alts)).toBe('below');
    expect(compareKernel(parseKernelVersion('5.1.16')!, alts)).toBe('ok');
    expect(compareKernel(parseKernelVersion('4.19.0-27-amd64')!, alts)).toBe('maybe');
  });
});

describe('kernel-version', () => {
  it('passes for 5.15 and 6.1 on Cilium 1.16', () => {
    expect(result(['5.15.0-126-generic', '6.1.0-cloud'])).toEqual([
      ['n0', 'kernel-version/ok', 'pass'],
      ['n1', 'kernel-version/ok', 'pass'],
    ]);
  });
  it('fails below the version minimum (4.19 on 1.16, 5.4 on 1.18) and below 4.9 always', () => {
    expect(result(['4.19.0-27-amd64'])[0]).toEqual(['n0', 'kernel-version/below-minimum', 'fail']);
    expect(result(['5.4.0-42-generic'], 18)[0]).toEqual(['n0', 'kernel-version/below-minimum', 'fail']);
    expect(result(['4.4.0-210-generic'], 9)[0]).toEqual(['n0', 'kernel-version/below-minimum', 'fail']);
    const f = kernelVersion.run(withKernels(['4.19.0-27-amd64']));
    expect(f[0]!.cause).toBe('kernel-too-old');
    expect(f[0]!.evidence[0]!.excerpt).toBe('kernelVersion=4.19.0-27-amd64');
  });
  it('kube-proxy replacement needs 4.19.57+: fail on 4.14, patch-unknown warn on Debian 4.19.0-N (1.12)', () => {
    const kpr = { 'kube-proxy-replacement': 'strict' };
    expect(result(['4.14.290'], 12, kpr)[0]).toEqual(['n0', 'kernel-version/feature-needs-newer', 'fail']);
    expect(result(['4.19.0-27-amd64'], 12, kpr)[0]).toEqual(['n0', 'kernel-version/patch-unknown', 'warn']);
    expect(result(['4.14.290'], 12, { 'kube-proxy-replacement': 'disabled' })[0]).toEqual([
      'n0',
      'kernel-version/below-recommended',
      'warn',
    ]);
  });
  it('RHEL 8.6 4.18 counts as 5.4-equivalent', () => {
    expect(result(['4.18.0-372.9.1.el8_6.x86_64'])[0]).toEqual(['n0', 'kernel-version/ok', 'pass']);
  });
  it('unknown when nodes were not listed; unparseable kernel is unknown for that node only', () => {
    expect(runChecks(healthyFacts({ nodes: failed('forbidden') }), { only: ['kernel-version'] })[0]!.status).toBe(
      'unknown',
    );
    expect(result(['weird', '6.1.0-cloud'])).toEqual([
      ['n0', 'kernel-version/unparseable', 'unknown'],
      ['n1', 'kernel-version/ok', 'pass'],
    ]);
  });
});
