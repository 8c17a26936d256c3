import { ParseError } from '../../src/errors.js';
import {
  parseBpftoolProgJson,
  parseBpftoolProgText,
  renderBpftoolProgJson,
  renderBpftoolProgText,
} from '../../src/cilium/formats/bpftool.js';
import { fixture } from './fixtures.js';

describe('parseBpftoolProgText on recorded samples', () => {
  test('multi-program listing (bpftool 7.1, no BTF): kernel-truncated names', () => {
    const p = parseBpftoolProgText(fixture('bpftool-prog-show.kernel-6.18.no-btf.truncated-names.text.txt'));
    expect(p.map((x) => [x.id, x.type, x.name])).toEqual([
      [97, 'sched_cls', 'cil_from_contai'],
      [98, 'sched_cls', 'cil_to_containe'],
      [99, 'sched_cls', 'cil_from_netdev'],
      [100, 'cgroup_sock_addr', 'cil_sock4_conne'],
    ]);
    expect(p[3]).toMatchObject({
      tag: 'b11459a0e11ca14c',
      loadedAt: '2026-11-25T17:44:38+0000',
      uid: 0,
      bytesJited: 19,
      gpl: true,
    });
    expect(p[0]!.mapIds).toBeUndefined();
  });
  test('show id on a tcx node: full BTF name, map_ids, btf_id', () => {
    const [p, ...rest] = parseBpftoolProgText(fixture('bpftool-prog-show-id.tcx.cil_from_container.txt'));
    expect(rest).toHaveLength(0);
    expect(p).toMatchObject({
      id: 1998,
      type: 'sched_cls',
      name: 'cil_from_container',
      tag: '41989045bb171bee',
      mapIds: [312, 313, 35],
      btfId: 667,
      loadedAt: '2025-07-19T16:42:31+0000',
    });
  });
  test('space-indented copy with two programs', () => {
    const p = parseBpftoolProgText(fixture('bpftool-prog-show-id.tcx.cil_to_host.txt'));
    expect(p.map((x) => [x.id, x.name, x.btfId])).toEqual([
      [621, 'cil_to_host', 279],
      [638, 'cil_to_host', 298],
    ]);
    expect(p[1]!.mapIds).toEqual([35]);
  });
  test('1.12.3 handle_xgress and 1.16 cil_from_netdev', () => {
    expect(parseBpftoolProgText(fixture('bpftool-prog-show-id.v1.12.3.handle_xgress.txt'))[0]).toMatchObject({
      id: 2901,
      name: 'handle_xgress',
      mapIds: [572, 86],
    });
    expect(parseBpftoolProgText(fixture('bpftool-prog-show-id.v1.16.cil_from_netdev.txt'))[0]).toMatchObject({
      id: 3640,
      name: 'cil_from_netdev',
      mapIds: [55, 548, 17, 72, 54],
      bytesXlated: 3856,
    });
  });
  test('pids, pinned and not jited lines (prog.c print_prog_plain)', () => {
    const t =
      '42: cgroup_sock_addr  name cil_sock4_connect  tag 0123456789abcdef  gpl\n\tloaded_at 2025-01-01T00:00:00+0000  uid 0\n\txlated 100B  not jited  memlock 4096B\n\tpinned /sys/fs/bpf/x\n\tbtf_id 7\n\tpids cilium-agent(1234), bpftool(99)\n';
    expect(parseBpftoolProgText(t)[0]).toMatchObject({
      bytesJited: 0,
      pinned: ['/sys/fs/bpf/x'],
      pids: [
        { comm: 'cilium-agent', pid: 1234 },
        { comm: 'bpftool', pid: 99 },
      ],
    });
  });
  test('nothing loaded prints nothing', () => {
    expect(parseBpftoolProgText('')).toEqual([]);
  });
  test.each([
    ['garbage', 'hello\n'],
    ['truncated after the header', '97: sched_cls  name cil_from_contai  tag 59f4a931744dcdc6  gpl\n'],
    ['unknown indented line', '1: xdp  tag 59f4a931744dcdc6\n\txlated 1B  jited 1B\n\twhat is this\n'],
  ])('%s throws ParseError', (_n, t) => {
    expect(() => parseBpftoolProgText(t)).toThrow(ParseError);
  });
});

describe('bpftool JSON', () => {
  test('recorded -j output: epoch loaded_at becomes the text timestamp', () => {
    const j = parseBpftoolProgJson(fixture('bpftool-prog-show.kernel-6.18.no-btf.truncated-names.json'));
    const t = parseBpftoolProgText(fixture('bpftool-prog-show.kernel-6.18.no-btf.truncated-names.text.txt'));
    expect(j).toHaveLength(4);
    expect(j).toEqual(t);
    expect(j[0]!.loadedAt).toBe('2026-11-25T17:44:38+0000');
  });
  test('[] = none loaded; garbage throws', () => {
    expect(parseBpftoolProgJson('[]')).toEqual([]);
    expect(() => parseBpftoolProgJson('nope')).toThrow(ParseError);
    expect(() => parseBpftoolProgJson('[{"type":"xdp"}]')).toThrow(ParseError);
    expect(() => parseBpftoolProgJson('null')).toThrow(ParseError);
  });
});

describe('bpftool renderers', () => {
  test('text render reproduces the recorded listing byte for byte', () => {
    for (const f of [
      'bpftool-prog-show.kernel-6.18.no-btf.truncated-names.text.txt',
      'bpftool-prog-show-id.tcx.cil_from_container.txt',
      'bpftool-prog-show-id.v1.12.3.handle_xgress.txt',
      'bpftool-prog-show-id.v1.16.cil_from_netdev.txt',
    ]) {
      const text = fixture(f);
      expect(renderBpftoolProgText(parseBpftoolProgText(text))).toBe(text);
    }
  });
  test('JSON render reproduces the recorded -j output', () => {
    const text = fixture('bpftool-prog-show.kernel-6.18.no-btf.truncated-names.json');
    expect(JSON.parse(renderBpftoolProgJson(parseBpftoolProgJson(text)))).toEqual(JSON.parse(text));
    expect(renderBpftoolProgJson([])).toBe('[]\n');
  });
  test('round-trips text and JSON, including minimal programs', () => {
    const progs = [
      {
        id: 5,
        type: 'cgroup_sock_addr',
        name: 'cil_sock6_recvmsg',
        tag: 'aaaaaaaaaaaaaaaa',
        loadedAt: '2025-02-03T04:05:06+0000',
        uid: 0,
        mapIds: [1, 2],
      },
      { id: 6, type: 'xdp', name: 'cil_xdp_entry' },
    ];
    const viaText = parseBpftoolProgText(renderBpftoolProgText(progs));
    const viaJson = parseBpftoolProgJson(renderBpftoolProgJson(progs));
    for (const got of [viaText, viaJson]) {
      expect(got.map(({ id, type, name, mapIds }) => ({ id, type, name, mapIds }))).toEqual([
        { id: 5, type: 'cgroup_sock_addr', name: 'cil_sock6_recvmsg', mapIds: [1, 2] },
        { id: 6, type: 'xdp', name: 'cil_xdp_entry', mapIds: undefined },
      ]);
      expect(got[0]!.loadedAt).toBe('2025-02-03T04:05:06+0000');
    }
  });
});
