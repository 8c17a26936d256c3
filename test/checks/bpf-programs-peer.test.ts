// The getpeername hooks follow the agent, not cilium-config: Cilium attaches cil_sock{4,6}_getpeername
// only where the kernel can (5.8+; daemon/cmd/kube_proxy_replacement.go, pkg/socketlb/socketlb.go), and the
// IPv6 hooks also on IPv4-only clusters when the kernel has IPv6. Neither may raise a false alarm.
import { bpfPrograms } from '../../src/checks/bpf-programs.js';
import { socketLb } from '../../src/checks/socket-lb.js';
import { readCiliumConfig } from '../../src/cilium/config.js';
import { requiredPrograms, socketLbPeer } from '../../src/cilium/programs.js';
import type { BpfProgram } from '../../src/cilium/types.js';
import { STATUS_ORDER } from '../../src/model/check.js';
import { comparePrograms, expectationFor } from '../../src/node/programs.js';
import { got, healthyFacts, healthyPrograms, KPR_TRUE_CONFIG, node, onNodes } from '../helpers/facts.js';

const without = (progs: BpfProgram[], re: RegExp): BpfProgram[] => progs.filter((p) => !re.test(p.name));
const worst = (fs: { status: keyof typeof STATUS_ORDER }[]): number =>
  Math.max(...fs.map((f) => STATUS_ORDER[f.status]));

/** healthyFacts() with both nodes on `kernel` and `progs` loaded on both. */
function facts(kernel: string, progs: BpfProgram[]) {
  return healthyFacts({
    nodes: got([node('node-a', kernel), node('node-b', kernel)]),
    bpfPrograms: onNodes(got(progs), got(progs)),
  });
}

describe('socketLbPeer: the getpeername hooks exist where the kernel has the attach type (5.8)', () => {
  test.each([
    ['5.4.0-216-generic', 16, 'no'],
    ['5.7.19', 14, 'no'],
    ['5.8.0', 14, 'yes'],
    ['5.15.0-126-generic', 16, 'yes'],
    ['6.8.0-49-generic', 12, 'yes'],
    // RHEL 8 backports BPF features onto 4.18: cannot tell
    ['4.18.0-372.9.1.el8_6.x86_64', 16, 'maybe'],
    [undefined, 16, 'maybe'],
    // 1.18 needs 5.10, so the hook is always there
    [undefined, 18, 'yes'],
  ] as const)('kernel %s, Cilium 1.%s: %s', (kernel, minor, want) => {
    expect(socketLbPeer(minor, kernel)).toBe(want);
  });

  test('requiredPrograms: required on 5.15, absent on 5.4, optional when the kernel is unknown', () => {
    const cfg = readCiliumConfig(KPR_TRUE_CONFIG);
    const peer = (kernel?: string) =>
      requiredPrograms(cfg, 16, kernel)
        .filter((r) => r.name === 'cil_sock4_getpeername')
        .map((r) => !!r.optional);
    expect(peer('5.15.0-126-generic')).toEqual([false]);
    expect(peer('5.4.0-216-generic')).toEqual([]);
    expect(peer(undefined)).toEqual([true]);
  });

  test('IPv4-only: the IPv6 hooks are optional; with enable-ipv6 they are required', () => {
    const v4 = requiredPrograms(readCiliumConfig(KPR_TRUE_CONFIG), 16, '5.15.0-126-generic');
    expect(v4.filter((r) => r.name.startsWith('cil_sock6_')).every((r) => r.optional)).toBe(true);
    expect(v4.filter((r) => r.name.startsWith('cil_sock4_')).some((r) => r.optional)).toBe(false);
    const dual = requiredPrograms(
      readCiliumConfig({ ...KPR_TRUE_CONFIG, 'enable-ipv6': 'true' }),
      16,
      '5.15.0-126-generic',
    );
    expect(dual.filter((r) => r.name.startsWith('cil_sock6_')).some((r) => r.optional)).toBe(false);
  });
});

describe('bpf-programs and socket-lb follow the node kernel for getpeername', () => {
  const all = healthyPrograms(KPR_TRUE_CONFIG, 16);

  test('peer off (kernel 5.4) and no getpeername program loaded: no finding above info', () => {
    const f = facts('5.4.0-216-generic', without(all, /_getpe/));
    const found = [...bpfPrograms.run(f), ...socketLb.run(f)];
    expect(worst(found)).toBeLessThanOrEqual(STATUS_ORDER.info);
    expect(found.filter((x) => x.id === 'bpf-programs/loaded')).toHaveLength(2);
  });

  test('peer on (kernel 5.15) and getpeername missing: the missing-program finding as before', () => {
    const f = facts('5.15.0-126-generic', without(all, /_getpe/));
    const found = bpfPrograms.run(f);
    expect(found).toHaveLength(2);
    for (const x of found) {
      expect(x).toMatchObject({ id: 'bpf-programs/missing', status: 'fail', cause: 'bpf-programs-not-loaded' });
      expect(x.message).toContain('cil_sock4_getpeername');
    }
  });

  test('IPv4-only: no IPv6 hook loaded is no finding; loaded ones are listed as loaded, not unexpected', () => {
    const f = facts('5.15.0-126-generic', without(all, /sock6/));
    expect(worst(bpfPrograms.run(f))).toBeLessThanOrEqual(STATUS_ORDER.info);
    const rows = comparePrograms(all, expectationFor(KPR_TRUE_CONFIG, 16, '5.15.0-126-generic'));
    const v6 = rows.filter((r) => r.name.startsWith('cil_sock6_'));
    expect(v6.length).toBeGreaterThan(0);
    expect(v6.every((r) => r.state === 'loaded')).toBe(true);
    expect(rows.some((r) => r.state === 'unexpected')).toBe(false);
  });
});
