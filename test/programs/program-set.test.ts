// The simulator's program set follows cilium-config, and bpf-programs expects exactly what the config
// enables: per config combination, the simulated agent's `bpftool prog show` passes the real check, and
// the check names what a missing program means (docs/datapaths.md "Programs per config").
import { bpfPrograms } from '../../src/checks/bpf-programs.js';
import { socketLb } from '../../src/checks/socket-lb.js';
import { parseBpftoolProgText, renderBpftoolProgText } from '../../src/cilium/formats/bpftool.js';
import type { BpfProgram } from '../../src/cilium/types.js';
import { STATUS_ORDER } from '../../src/model/check.js';
import { Cluster } from '../../src/sim/cluster/index.js';
import { programSet } from '../../src/sim/cluster/program-set.js';
import { loadScenario } from '../../src/sim/index.js';
import { comparePrograms, expectationFor } from '../../src/node/programs.js';
import { validateScenario } from '../../src/sim/scenario.js';
import { got, healthyFacts, node, onNodes } from '../helpers/facts.js';
import { scenario } from '../helpers/sim.js';

type Config = Record<string, string>;

/** What bpftool prints on node-1 and node-2 of a simulated cluster, read back through the real parser. */
function simulated(config: Config, version = '1.16.5', kernels?: string[]): { config: Config; progs: BpfProgram[][] } {
  const input = scenario({ description: 'programs', version, count: 2 });
  input.cilium = { ...(input.cilium ?? {}), version, config };
  if (kernels) input.nodes = { count: 2, kernels };
  const c = new Cluster(validateScenario(input, 'test'));
  try {
    const progs = ['node-1', 'node-2'].map((n) =>
      parseBpftoolProgText(renderBpftoolProgText(c.programs(c.agents.get(n)!))),
    );
    return { config: c.ciliumConfigData(), progs };
  } finally {
    c.stop();
  }
}

/** bpf-programs and socket-lb over node-a/node-b's listings; `kernels` are theirs (healthyFacts' 5.15 if unset). */
function judge(config: Config, progs: BpfProgram[][], minor = 16, kernels?: [string, string]) {
  const base = healthyFacts();
  const facts = healthyFacts({
    ...(kernels ? { nodes: got([node('node-a', kernels[0]), node('node-b', kernels[1])]) } : {}),
    config: got(config),
    cilium: base.cilium.ok ? got({ ...base.cilium.value, minor }) : base.cilium,
    bpfPrograms: onNodes(got(progs[0]!), got(progs[1]!)),
  });
  return [...bpfPrograms.run(facts), ...socketLb.run(facts)];
}

const names = (p: BpfProgram[]): string[] => p.map((x) => x.name);
const worst = (fs: { status: keyof typeof STATUS_ORDER }[]): number =>
  Math.max(...fs.map((f) => STATUS_ORDER[f.status]));

describe('the simulated program set follows cilium-config', () => {
  test('tunnel routing (the default): overlay programs on every node', () => {
    const cfgs: Config[] = [{}, { 'tunnel-protocol': 'geneve' }];
    for (const cfg of cfgs) {
      const { progs } = simulated(cfg);
      for (const p of progs) expect(names(p)).toEqual(expect.arrayContaining(['cil_from_overlay', 'cil_to_overlay']));
    }
    // ≤1.13 spells it `tunnel: vxlan` and names the programs without cil_
    const old = simulated({}, '1.12.9');
    expect(names(old.progs[0]!)).toEqual(expect.arrayContaining(['from_overlay', 'to_overlay', 'handle_xgress']));
  });

  test('native routing: no overlay programs (routing-mode: native, or tunnel: disabled before 1.14)', () => {
    expect(names(simulated({ 'routing-mode': 'native' }).progs[0]!).filter((n) => /overlay/.test(n))).toEqual([]);
    expect(names(simulated({ tunnel: 'disabled' }, '1.13.4').progs[0]!).filter((n) => /overlay/.test(n))).toEqual([]);
  });

  test('XDP acceleration: one xdp cil_xdp_entry per node; none when disabled', () => {
    for (const mode of ['native', 'best-effort', 'testing-only']) {
      const xdp = simulated({ 'bpf-lb-acceleration': mode }).progs[0]!.filter((p) => p.type === 'xdp');
      expect(names(xdp)).toEqual(['cil_xdp_entry']);
    }
    expect(simulated({ 'bpf-lb-acceleration': 'disabled' }).progs[0]!.some((p) => p.type === 'xdp')).toBe(false);
    expect(names(simulated({ 'node-port-acceleration': 'native' }, '1.12.9').progs[0]!)).toContain('bpf_xdp_entry');
  });

  test('socket LB programs only when socket LB is on; IPv6 hooks with enable-ipv6', () => {
    const off = simulated({ 'kube-proxy-replacement': 'false' }).progs[0]!;
    expect(off.some((p) => p.type === 'cgroup_sock_addr')).toBe(false);
    const v6 = names(simulated({ 'enable-ipv6': 'true' }).progs[0]!);
    expect(v6).toEqual(expect.arrayContaining(['cil_sock4_connect', 'cil_sock6_connect', 'cil_sock6_getpeername']));
  });

  test('getpeername hooks only on a 5.8+ kernel; the IPv6 hooks also on IPv4-only (pkg/socketlb/socketlb.go)', () => {
    const kernels: [string, string] = ['5.4.0-216-generic', '5.15.0-126-generic'];
    const { config, progs } = simulated({}, '1.16.5', kernels);
    expect(names(progs[0]!).filter((n) => /getpeername/.test(n))).toEqual([]);
    expect(names(progs[1]!)).toEqual(expect.arrayContaining(['cil_sock4_getpeername', 'cil_sock6_getpeername']));
    for (const p of progs) expect(names(p)).toEqual(expect.arrayContaining(['cil_sock6_connect', 'cil_sock6_recvmsg']));
    // and kdiag expects exactly that: healthy on both nodes
    const f = judge(config, progs, 16, kernels);
    expect(worst(f)).toBeLessThanOrEqual(STATUS_ORDER.info);
    expect(f.filter((x) => x.id.startsWith('bpf-programs/')).map((x) => x.id)).toEqual([
      'bpf-programs/loaded',
      'bpf-programs/loaded',
    ]);
  });

  test('enable-tcx does not change what bpftool prog show lists, on 5.15 or 6.8 kernels', () => {
    const kernels = ['5.15.0-126-generic', '6.8.0-49-generic'];
    const tc = programSet(simulated({}, '1.16.5', kernels).config, 16, kernels[0]!);
    const tcx = programSet(simulated({ 'enable-tcx': 'true' }, '1.16.5', kernels).config, 16, kernels[0]!);
    expect(tcx).toEqual(tc);
    const { progs } = simulated({ 'enable-tcx': 'true' }, '1.16.5', kernels);
    expect(names(progs[0]!)).toEqual(names(progs[1]!));
    expect(progs[0]!.filter((p) => p.type === 'sched_cls').length).toBeGreaterThan(0);
  });
});

describe('every config combination: the simulated healthy agent has no finding above info', () => {
  const combos: [string, Config, string][] = [
    ['tunnel vxlan, KPR', {}, '1.16.5'],
    ['tunnel geneve', { 'tunnel-protocol': 'geneve' }, '1.16.5'],
    ['native routing', { 'routing-mode': 'native', 'ipv4-native-routing-cidr': '10.0.0.0/8' }, '1.16.5'],
    [
      'native routing + XDP native + tcx',
      { 'routing-mode': 'native', 'bpf-lb-acceleration': 'native', 'enable-tcx': 'true' },
      '1.16.5',
    ],
    ['XDP best-effort', { 'bpf-lb-acceleration': 'best-effort' }, '1.19.0'],
    ['IPv6', { 'enable-ipv6': 'true' }, '1.16.5'],
    ['no KPR', { 'kube-proxy-replacement': 'false' }, '1.16.5'],
    ['1.12 tunnel + XDP', { 'node-port-acceleration': 'native' }, '1.12.9'],
  ];
  test.each(combos)('%s', (_name, cfg, version) => {
    const { config, progs } = simulated(cfg, version, ['5.15.0-126-generic', '6.8.0-49-generic']);
    const f = judge(config, progs, Number(version.split('.')[1]));
    expect(f.filter((x) => STATUS_ORDER[x.status] > STATUS_ORDER.info)).toEqual([]);
    expect(f.filter((x) => x.id.startsWith('bpf-programs/')).map((x) => x.id)).toEqual([
      'bpf-programs/loaded',
      'bpf-programs/loaded',
    ]);
  });

  test('the shipped native-routing-xdp scenario: 5.15 and 6.8 nodes, no overlay, XDP everywhere', () => {
    const c = new Cluster(loadScenario('native-routing-xdp'));
    try {
      const kernels = new Set(c.nodes.map((n) => n.kernel.split('-')[0]));
      expect([...kernels].sort()).toEqual(['5.15.0', '6.8.0']);
      const progs = c.nodes.map((n) => parseBpftoolProgText(renderBpftoolProgText(c.programs(c.agents.get(n.name)!))));
      for (const p of progs) {
        expect(names(p)).toContain('cil_xdp_entry');
        expect(names(p).some((n) => /overlay/.test(n))).toBe(false);
      }
      const f = judge(c.ciliumConfigData(), progs);
      expect(worst(f)).toBeLessThanOrEqual(STATUS_ORDER.info);
    } finally {
      c.stop();
    }
  });
});

test('the shipped xdp-best-effort-fallback scenario: node-2 has no XDP (info), the others have it', () => {
  const c = new Cluster(loadScenario('xdp-best-effort-fallback'));
  try {
    const progs = ['node-1', 'node-2'].map((n) =>
      parseBpftoolProgText(renderBpftoolProgText(c.programs(c.agents.get(n)!))),
    );
    expect(names(progs[0]!)).toContain('cil_xdp_entry');
    expect(names(progs[1]!)).not.toContain('cil_xdp_entry');
    const f = judge(c.ciliumConfigData(), progs, 15).filter((x) => x.id.startsWith('bpf-programs/'));
    expect(f.map((x) => [x.node, x.id, x.status])).toEqual([
      ['node-a', 'bpf-programs/loaded', 'pass'],
      ['node-b', 'bpf-programs/xdp-fallback', 'info'],
    ]);
  } finally {
    c.stop();
  }
});

describe('bpf-programs expects what the config enables, and no more', () => {
  const drop = (progs: BpfProgram[][], re: RegExp): BpfProgram[][] =>
    progs.map((p) => p.filter((x) => !re.test(x.name)));

  test('native routing: missing overlay programs are not a finding', () => {
    const { config, progs } = simulated({ 'routing-mode': 'native' });
    // the same listing a tunnel-mode agent would have, minus overlay: passes under native routing
    const tunnel = simulated({});
    const f = judge(config, drop(tunnel.progs, /overlay/));
    expect(f.filter((x) => x.id.startsWith('bpf-programs/')).map((x) => x.status)).toEqual(['pass', 'pass']);
    expect(judge(config, progs).every((x) => x.status === 'pass')).toBe(true);
  });

  test('tunnel routing: missing overlay programs are missing', () => {
    const { config, progs } = simulated({});
    const f = judge(config, [drop(progs, /overlay/)[0]!, progs[1]!]);
    const a = f.find((x) => x.node === 'node-a' && x.id.startsWith('bpf-programs/'))!;
    expect(a).toMatchObject({ id: 'bpf-programs/missing', status: 'fail', cause: 'bpf-programs-not-loaded' });
    expect(a.message).toContain('cil_from_overlay');
  });

  test('XDP native missing: xdp-not-attached, not fixable by a restart', () => {
    const { config, progs } = simulated({ 'bpf-lb-acceleration': 'native' });
    const f = judge(config, [drop(progs, /xdp/)[0]!, progs[1]!]);
    const a = f.find((x) => x.node === 'node-a' && x.id.startsWith('bpf-programs/'))!;
    // the NIC driver, not the agent: its own cause, which a restart does not fix
    expect(a).toMatchObject({ id: 'bpf-programs/xdp-not-attached', status: 'fail', cause: 'xdp-attach-failed' });
    expect(a.remediation!.autoFixable).toBe(false);
    expect(a.evidence[1]!.excerpt).toContain('xdp cil_xdp_entry');
    expect(f.find((x) => x.node === 'node-b' && x.id.startsWith('bpf-programs/'))!.id).toBe('bpf-programs/loaded');
  });

  test('XDP best-effort missing: xdp-fallback, info; other programs missing too: missing without XDP', () => {
    const { config, progs } = simulated({ 'bpf-lb-acceleration': 'best-effort' });
    const f = judge(config, drop(progs, /xdp/));
    expect(f.filter((x) => x.id.startsWith('bpf-programs/')).map((x) => [x.id, x.status])).toEqual([
      ['bpf-programs/xdp-fallback', 'info'],
      ['bpf-programs/xdp-fallback', 'info'],
    ]);
    const g = judge(config, drop(progs, /xdp|overlay/));
    const a = g.find((x) => x.node === 'node-a' && x.id.startsWith('bpf-programs/'))!;
    expect(a.id).toBe('bpf-programs/missing');
    expect(a.message).not.toContain('cil_xdp_entry');
  });

  test('bpf progs rows: best-effort XDP not there is not missing; native XDP not there is', () => {
    const be = simulated({ 'bpf-lb-acceleration': 'best-effort' });
    const rows = comparePrograms(drop(be.progs, /xdp/)[0]!, expectationFor(be.config, 16));
    expect(rows.filter((r) => r.state === 'missing')).toEqual([]);
    const nat = simulated({ 'bpf-lb-acceleration': 'native' });
    const rows2 = comparePrograms(drop(nat.progs, /xdp/)[0]!, expectationFor(nat.config, 16));
    expect(rows2.filter((r) => r.state === 'missing').map((r) => r.name)).toEqual(['cil_xdp_entry']);
  });

  test('XDP disabled: an XDP program is neither required nor a finding', () => {
    const { config, progs } = simulated({ 'bpf-lb-acceleration': 'disabled' });
    expect(judge(config, progs).every((x) => x.status === 'pass')).toBe(true);
  });
});
