import { readCiliumConfig } from '../../src/cilium/config.js';
import { parseBpftoolProgText } from '../../src/cilium/formats/bpftool.js';
import { classifyProgram, isCiliumProgram, matchesProgram, requiredPrograms } from '../../src/cilium/programs.js';
import { fixture } from './fixtures.js';

describe('requiredPrograms', () => {
  test('KPR true, IPv4+IPv6: socket LB hooks for both families plus tc programs', () => {
    const req = requiredPrograms(
      readCiliumConfig({ 'kube-proxy-replacement': 'true', 'enable-ipv6': 'true', 'routing-mode': 'native' }),
      16,
    );
    const sock = req.filter((r) => r.category === 'socket-lb').map((r) => r.name);
    expect(sock).toEqual([
      'cil_sock4_connect',
      'cil_sock4_sendmsg',
      'cil_sock4_recvmsg',
      'cil_sock4_getpeername',
      'cil_sock6_connect',
      'cil_sock6_sendmsg',
      'cil_sock6_recvmsg',
      'cil_sock6_getpeername',
    ]);
    expect(req.filter((r) => r.category === 'socket-lb').every((r) => r.type === 'cgroup_sock_addr')).toBe(true);
    expect(req.filter((r) => r.category === 'tc').map((r) => r.name)).toEqual([
      'cil_from_container',
      'cil_to_container',
      'cil_from_host',
      'cil_to_host',
      'cil_from_netdev',
      'cil_to_netdev',
    ]);
  });
  test('KPR disabled: no socket LB, overlay programs in tunnel mode', () => {
    const req = requiredPrograms(readCiliumConfig({ 'kube-proxy-replacement': 'disabled', tunnel: 'vxlan' }), 13);
    expect(req.some((r) => r.category === 'socket-lb')).toBe(false);
    expect(req.map((r) => r.name)).toContain('cil_from_overlay');
  });
  test('1.12 uses the pre-cil_ function names', () => {
    const req = requiredPrograms(readCiliumConfig({ 'kube-proxy-replacement': 'strict' }), 12);
    expect(req.map((r) => r.name)).toEqual(
      expect.arrayContaining(['handle_xgress', 'handle_to_container', 'from_netdev', 'sock4_connect']),
    );
  });
});

describe('matchesProgram', () => {
  test('kernel 15-char truncation', () => {
    expect(matchesProgram('cil_from_contai', 'cil_from_container')).toBe(true);
    expect(matchesProgram('cil_sock4_conne', 'cil_sock4_connect')).toBe(true);
    expect(matchesProgram('cil_from_container', 'cil_from_container')).toBe(true);
  });
  test('no false positives', () => {
    expect(matchesProgram('cil_to_host', 'cil_to_host_xyz')).toBe(false);
    expect(matchesProgram('cil_to_host_xyz', 'cil_to_host')).toBe(false);
    expect(matchesProgram('cil_from_conta', 'cil_from_container')).toBe(false);
    expect(matchesProgram('cil_from_contai', 'cil_from_contai_x')).toBe(true); // ambiguous by construction: both truncate alike
    expect(matchesProgram('cil_sock4_recvm', 'cil_sock4_connect')).toBe(false);
  });
});

describe('classifyProgram / isCiliumProgram on recorded bpftool output', () => {
  test('truncated listing', () => {
    const progs = parseBpftoolProgText(fixture('bpftool-prog-show.kernel-6.18.no-btf.truncated-names.text.txt'));
    expect(progs.map(classifyProgram)).toEqual(['tc', 'tc', 'tc', 'socket-lb']);
  });
  test("1.12.3 handle_xgress is Cilium's although it does not say cilium", () => {
    const [p] = parseBpftoolProgText(fixture('bpftool-prog-show-id.v1.12.3.handle_xgress.txt'));
    expect(isCiliumProgram(p!)).toBe(true);
    expect(classifyProgram(p!)).toBe('tc');
  });
  test('foreign programs are other', () => {
    expect(classifyProgram({ id: 1, type: 'cgroup_skb', name: 'sd_fw_egress' })).toBe('other');
    expect(isCiliumProgram({ id: 2, type: 'sched_cls', name: 'handle_xgres' })).toBe(false);
  });
});
