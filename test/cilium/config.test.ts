import { parse } from 'yaml';
import { kprEffect, normalizeKpr, readCiliumConfig } from '../../src/cilium/config.js';
import { fixture } from './fixtures.js';

describe('normalizeKpr / kprEffect', () => {
  test('every spelling, case-insensitive', () => {
    expect(
      ['Strict', 'strict', 'True', 'true', 'Partial', 'Probe', 'Disabled', 'false', ' FALSE '].map(normalizeKpr),
    ).toEqual(['strict', 'strict', 'true', 'true', 'partial', 'probe', 'disabled', 'false', 'false']);
    expect(normalizeKpr(undefined)).toBeUndefined();
    expect(normalizeKpr('yes')).toBeUndefined();
  });
  test('effects', () => {
    expect(['strict', 'true', 'partial', 'probe', 'disabled', 'false'].map((m) => kprEffect(normalizeKpr(m)))).toEqual([
      'full',
      'full',
      'partial',
      'partial',
      'none',
      'none',
    ]);
    expect(kprEffect(undefined)).toBe('none');
  });
});

describe('readCiliumConfig', () => {
  test('1.12.9 ConfigMap data', () => {
    const data = parse(fixture('cilium-config.v1.12.9.data.yaml')).data as Record<string, string>;
    expect(readCiliumConfig(data)).toEqual({
      kubeProxyReplacement: 'strict',
      kprEffect: 'full',
      socketLb: true,
      socketLbSource: 'kube-proxy-replacement',
      socketLbHostnsOnly: false,
      nodePort: true,
      routingMode: 'tunnel',
      tunnelProtocol: 'vxlan',
      bpfMasquerade: false,
      devices: [],
      ipv4: true,
      ipv6: false,
    });
  });
  test('1.14+ routing-mode/tunnel-protocol, bpf-lb-sock without KPR, devices, XDP', () => {
    const v = readCiliumConfig({
      'kube-proxy-replacement': 'false',
      'bpf-lb-sock': 'true',
      'routing-mode': 'native',
      'tunnel-protocol': 'geneve',
      devices: 'eth0 eth1',
      'enable-ipv6': 'true',
      'bpf-lb-sock-hostns-only': 'true',
      'bpf-lb-acceleration': 'native',
    });
    expect(v).toMatchObject({
      kprEffect: 'none',
      socketLb: true,
      socketLbSource: 'bpf-lb-sock',
      routingMode: 'native',
      devices: ['eth0', 'eth1'],
      ipv6: true,
      socketLbHostnsOnly: true,
      xdpAcceleration: 'native',
      nodePort: false,
    });
    expect(v.tunnelProtocol).toBeUndefined();
  });
  test('≤1.13 tunnel: disabled is native routing; pre-1.12 socket LB key; disabled KPR turns features off', () => {
    expect(readCiliumConfig({ tunnel: 'disabled' }).routingMode).toBe('native');
    expect(readCiliumConfig({ tunnel: 'geneve' }).tunnelProtocol).toBe('geneve');
    expect(
      readCiliumConfig({ 'kube-proxy-replacement': 'partial', 'enable-host-reachable-services': 'true' }),
    ).toMatchObject({ socketLb: true, socketLbSource: 'enable-host-reachable-services', kprEffect: 'partial' });
    expect(
      readCiliumConfig({ 'kube-proxy-replacement': 'disabled', 'bpf-lb-sock': 'true', 'enable-node-port': 'true' }),
    ).toMatchObject({ socketLb: false, nodePort: false });
  });
});
