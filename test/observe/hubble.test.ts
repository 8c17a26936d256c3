// The Hubble path of --observe: `hubble observe --verdict DROPPED -o jsonpb --follow` where cilium-config has
// enable-hubble "true", the monitor otherwise and where the agent image has no hubble (exit 127). The parser
// reads GetFlowsResponse JSON (api/v1/observer/observer.proto, api/v1/flow/flow.proto; recorded:
// fixtures/cilium/hubble-observe.v1.14-docs.dropped.jsonl) into the monitor's DropEvent, with Hubble's
// DropReason names turned into the monitor's texts, so one classifier serves both.
import { classifyDrop, type DropScope } from '../../src/cilium/drops.js';
import { hubbleDropReason, parseHubbleFlowLine, parseHubbleFlows } from '../../src/cilium/formats/hubble-flow.js';
import { hubbleArgv, observeTool } from '../../src/engine/observe.js';
import type { Facts } from '../../src/model/facts.js';
import { json, kdiag } from '../helpers/cli.js';
import { scenario, shipped, withSim, watchesEnded } from '../helpers/sim.js';
import { fixture } from '../cilium/fixtures.js';

type F = {
  id: string;
  check: string;
  node?: string;
  message: string;
  evidence: { pasteCommand: string; excerpt: string; source: string }[];
};

describe('recorded Hubble flows (Cilium docs, exporter output)', () => {
  test('both DROPPED lines are read: reason names become the monitor texts, addresses and ports kept', () => {
    const evs = parseHubbleFlows(fixture('hubble-observe.v1.14-docs.dropped.jsonl'));
    expect(evs).toHaveLength(2);
    expect(evs[0]).toMatchObject({ reason: 'Invalid source ip', src: 'fe80::64d8:8aff:fe72:fc14', dst: 'ff02::2' });
    expect(evs[0]!.srcPort).toBeUndefined();
    expect(evs[1]).toMatchObject({
      reason: 'Policy denied',
      src: '10.244.1.60',
      srcPort: 44916,
      dst: '10.244.1.5',
      dstPort: 80,
    });
  });

  test('node_status and lost_events responses and other verdicts are not drops; a non-JSON line is a parse error', () => {
    expect(parseHubbleFlowLine('{"node_status":{"state_change":"NODE_CONNECTED"},"node_name":"n","time":"t"}')).toBe(
      undefined,
    );
    expect(parseHubbleFlowLine('{"flow":{"verdict":"FORWARDED","IP":{"source":"10.0.0.1"}}}')).toBe(undefined);
    expect(() => parseHubbleFlowLine('xx drop (Policy denied) flow 0x0', 3)).toThrow(/line 3/);
  });

  test('an older agent sends only the numeric drop_reason (flow.proto field 3)', () => {
    const ev = parseHubbleFlowLine(
      '{"flow":{"verdict":"DROPPED","drop_reason":158,"IP":{"source":"a","destination":"b"}}}',
    );
    expect(ev?.reason).toBe('Service backend not found');
  });

  const scope: DropScope = { frontends: ['10.96.10.10'], backends: ['10.244.1.12'] };
  test.each([
    ['POLICY_DENIED', '169.254.42.1', '10.244.1.12', 'hairpin-policy-denied'],
    ['POLICY_DENIED', '10.244.3.9', '10.244.1.12', 'policy-denied'],
    ['POLICY_DENY', '10.244.3.9', '10.244.1.12', 'policy-denied'],
    ['SERVICE_BACKEND_NOT_FOUND', '10.244.3.9', '10.96.10.10', 'backend-not-found'],
    ['CT_MAP_INSERTION_FAILED', '10.244.3.9', '10.244.1.12', 'ct-map-full'],
    ['NO_MAPPING_FOR_NAT_MASQUERADE', '10.244.1.12', '203.0.113.7', 'nat-map-full'],
    ['TTL_EXCEEDED', '10.244.3.9', '10.244.1.12', 'other'],
  ])('drop_reason_desc %s (%s -> %s) is %s, as the monitor path classifies it', (desc, src, dst, cls) => {
    const line = JSON.stringify({
      flow: { verdict: 'DROPPED', drop_reason_desc: desc, IP: { source: src, destination: dst } },
    });
    expect(classifyDrop(parseHubbleFlowLine(line)!, scope)).toBe(cls);
  });

  test('a reason name the table lacks is kept as Hubble spells it', () => {
    expect(hubbleDropReason('TTL_EXCEEDED')).toBe('TTL_EXCEEDED');
    expect(hubbleDropReason('CT_MAP_INSERTION_FAILED')).toBe('CT: Map insertion failed');
  });
});

describe('which command observes', () => {
  const facts = (config: Record<string, string>) => ({ config: { ok: true, value: config } }) as unknown as Facts;
  test('Hubble where cilium-config has enable-hubble "true", the monitor otherwise', () => {
    expect(observeTool(facts({ 'enable-hubble': 'true' }))).toBe('hubble');
    expect(observeTool(facts({ 'enable-hubble': 'false' }))).toBe('monitor');
    expect(observeTool(facts({}))).toBe('monitor');
  });
  test("Hubble's argv is fixed and bounded by timeout", () => {
    expect(hubbleArgv(2000)).toEqual([
      'timeout',
      '--signal=INT',
      '2s',
      'hubble',
      'observe',
      '--verdict',
      'DROPPED',
      '-o',
      'jsonpb',
      '--follow',
    ]);
  });
});

describe('hairpin-policy-drop-hubble against the simulator', () => {
  test('doctor --observe: the cause top-1 through hubble observe, its command in the evidence; every exec ended', async () => {
    await withSim('hairpin-policy-drop-hubble', async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', 'shop/web', '--observe', '1s', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const d = json(r);
      expect(d.rootCauses[0]).toMatchObject({ id: 'hairpin-policy-drop', nodes: ['node-1', 'node-2'] });
      const f = d.findings.find((x: F) => x.id === 'datapath-drops/hairpin-policy-denied');
      expect(f.evidence[0].source).toBe('hubble observe --verdict DROPPED');
      expect(f.evidence[0].pasteCommand).toMatch(
        /^kubectl -n kube-system exec cilium-\w+ -c cilium-agent -- timeout --signal=INT 1s hubble observe --verdict DROPPED -o jsonpb --follow$/,
      );
      expect(f.evidence[0].excerpt).toMatch(/"drop_reason_desc":"POLICY_DENIED"/);
      const s = await watchesEnded(sim);
      expect(s.hubble).toBe(2);
      expect(s.started).toBe(2);
      expect(s.ended).toBe(2);
      expect(sim.execStats().open).toBe(0);
    });
  }, 120_000);

  test('preflight --observe: the top root cause through hubble; every exec ended', async () => {
    await withSim('hairpin-policy-drop-hubble', async (sim) => {
      const r = await kdiag(['preflight', '--observe', '1s', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      expect(json(r).rootCauses[0]).toMatchObject({ id: 'hairpin-policy-drop' });
      const s = await watchesEnded(sim);
      expect(s.hubble).toBe(3);
      expect(s.ended).toBe(s.started);
      expect(sim.execStats().open).toBe(0);
    });
  }, 120_000);

  test('an agent image without hubble (exit 127): the monitor watches instead, and says so', async () => {
    const data = shipped('hairpin-policy-drop-hubble');
    await withSim(scenario({ ...data, cilium: { ...data.cilium, hubbleCli: false } }), async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', 'shop/web', '--observe', '1s', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const d = json(r);
      expect(d.rootCauses[0]).toMatchObject({ id: 'hairpin-policy-drop' });
      const f = d.findings.find((x: F) => x.id === 'datapath-drops/hairpin-policy-denied');
      expect(f.evidence[0].pasteCommand).toMatch(/timeout --signal=INT 1s cilium monitor --type drop$/);
      expect(f.message).toMatch(/the monitor watched: hubble is not in the agent container \(exit 127\)/);
      const s = await watchesEnded(sim);
      expect(s.hubble).toBe(0);
      expect(s.started).toBe(2);
      expect(s.ended).toBe(2);
      expect(sim.execStats().open).toBe(0);
    });
  }, 120_000);

  test('a hubble that ignores timeout is ended by the exec deadline; nothing stays open', async () => {
    const data = shipped('hairpin-policy-drop-hubble');
    const sc = scenario({
      ...data,
      nodes: { count: 3, faults: [{ ...data.nodes!.faults![0]!, ignoresSignal: true } as never] },
    });
    await withSim(sc, async (sim) => {
      const r = await kdiag(['preflight', '--observe', '1s', '--request-timeout', '2s', '-o', 'json'], { sim });
      const unknown = json(r).findings.filter((x: F) => x.id === 'datapath-drops/unknown');
      expect(unknown.length).toBeGreaterThan(0);
      for (const u of unknown) expect(u.message).toMatch(/hubble observe .*no answer within 3s/);
      const s = await watchesEnded(sim);
      expect(s.hubble).toBe(s.started);
      expect(s.ended).toBe(s.started);
      expect(sim.execStats().open).toBe(0);
    });
  }, 120_000);
});
