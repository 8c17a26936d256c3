// Datapath detection from the facts a run gathers: which of the seed's datapaths serves Services.
import { classifyDatapath } from '../../src/datapath/detect.js';
import { failed, got, type Facts, type KubeProxyFact } from '../../src/model/facts.js';
import type { DatapathSignals } from '../../src/model/datapath.js';
import { healthyFacts, KPR_TRUE_CONFIG } from '../helpers/facts.js';

const noCilium = failed('Cilium is not installed', { kind: 'not-installed' });
const kubeProxy = got<KubeProxyFact>({
  daemonSet: { namespace: 'kube-system', name: 'kube-proxy', desired: 2, ready: 2 },
  pods: [
    { name: 'kube-proxy-a', node: 'node-a', ready: true },
    { name: 'kube-proxy-b', node: 'node-b', ready: true },
  ],
});
const noKubeProxy = got<KubeProxyFact>({ pods: [] });
const signals = (s: Partial<DatapathSignals> = {}) => got<DatapathSignals>({ errors: [], ...s });
const calico = (felixBpfEnabled?: string) => ({
  namespace: 'kube-system',
  name: 'calico-node',
  image: 'docker.io/calico/node:v3.27.3',
  ...(felixBpfEnabled !== undefined ? { felixBpfEnabled } : {}),
});
const facts = (over: Partial<Facts>): Facts =>
  healthyFacts({ kubeProxy: noKubeProxy, datapathSignals: signals(), ...over });
const kprOff = got({ ...KPR_TRUE_CONFIG, 'kube-proxy-replacement': 'false' });

describe('classifyDatapath', () => {
  test('Cilium with kube-proxy replacement', () => {
    expect(classifyDatapath(facts({}))).toMatchObject({ id: 'cilium-kpr', services: 'cilium', gaps: [] });
  });

  test('Cilium without kube-proxy replacement: kube-proxy serves Services, in the ConfigMap mode', () => {
    const d = classifyDatapath(
      facts({ config: kprOff, kubeProxy, datapathSignals: signals({ kubeProxyConfig: { mode: 'ipvs' } }) }),
    );
    expect(d).toMatchObject({ id: 'cilium-kube-proxy', services: 'kube-proxy', kubeProxyMode: 'ipvs' });
    expect(d.evidence.map((e) => e.excerpt)).toContain('kube-proxy-replacement=false cni-chaining-mode=(unset)');
  });

  test.each([
    ['', 'iptables'],
    ['iptables', 'iptables'],
    ['ipvs', 'ipvs'],
    ['nftables', 'nftables'],
  ])('kube-proxy alone, ConfigMap mode %j → %s', (mode, want) => {
    const d = classifyDatapath(
      facts({ cilium: noCilium, config: noCilium, kubeProxy, datapathSignals: signals({ kubeProxyConfig: { mode } }) }),
    );
    expect(d).toMatchObject({ id: 'kube-proxy', services: 'kube-proxy', kubeProxyMode: want });
  });

  test('Calico with kube-proxy, and Calico eBPF from the env, the FelixConfiguration or the Installation', () => {
    const base = { cilium: noCilium, config: noCilium, kubeProxy } as Partial<Facts>;
    expect(classifyDatapath(facts({ ...base, datapathSignals: signals({ calico: calico() }) }))).toMatchObject({
      id: 'calico-kube-proxy',
      services: 'kube-proxy',
    });
    for (const s of [
      { calico: calico('true') },
      { calico: calico(), felixBpfEnabled: true },
      { calico: calico(), linuxDataplane: 'BPF' },
    ])
      expect(classifyDatapath(facts({ ...base, datapathSignals: signals(s) }))).toMatchObject({
        id: 'calico-ebpf',
        services: 'calico',
      });
    // FELIX_BPFENABLED wins over the FelixConfiguration (env before datastore in Felix's config order).
    expect(
      classifyDatapath(facts({ ...base, datapathSignals: signals({ calico: calico('false'), felixBpfEnabled: true }) }))
        .id,
    ).toBe('calico-kube-proxy');
  });

  test('Calico networking with Cilium chained: who serves Services', () => {
    const chained = got({ ...KPR_TRUE_CONFIG, 'kube-proxy-replacement': 'false', 'cni-chaining-mode': 'generic-veth' });
    const d = classifyDatapath(facts({ config: chained, kubeProxy, datapathSignals: signals({ calico: calico() }) }));
    expect(d).toMatchObject({ id: 'calico-cilium', services: 'kube-proxy' });
    expect(d.title).toMatch(/cni-chaining-mode=generic-veth/);
    expect(classifyDatapath(facts({ datapathSignals: signals({ calico: calico() }) })).services).toBe('cilium');
  });

  test('nothing seen is `none`; a failed lookup makes it `unknown`, not `none`', () => {
    expect(classifyDatapath(facts({ cilium: noCilium, config: noCilium })).id).toBe('none');
    const forbidden = failed('daemonsets is forbidden', { kind: 'forbidden' });
    const d = classifyDatapath(facts({ cilium: noCilium, config: noCilium, kubeProxy: forbidden }));
    expect(d.id).toBe('unknown');
    expect(d.gaps).toEqual(['kube-proxy: daemonsets is forbidden']);
    // Cilium without a readable cilium-config: kube-proxy replacement unknown, so no owner is guessed.
    const noConfig = failed('configmaps "cilium-config" is forbidden', { kind: 'forbidden' });
    const c = classifyDatapath(facts({ config: noConfig, kubeProxy }));
    expect([c.id, c.services]).toEqual(['unknown', undefined]);
  });
});
