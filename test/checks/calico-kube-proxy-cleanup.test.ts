// calico-kube-proxy-cleanup is pure: kube-proxy's DaemonSet/pods and Felix's bpfKubeProxyIptablesCleanupEnabled
// (calico-node env over FelixConfiguration over Felix's default true) in, one cluster-wide finding out.
import { calicoKubeProxyCleanup } from '../../src/checks/calico-kube-proxy-cleanup.js';
import { DATAPATHS } from '../../src/datapath/index.js';
import type { DatapathSignals } from '../../src/model/datapath.js';
import type { KubeProxyFact } from '../../src/model/facts.js';
import { got, healthyFacts } from '../helpers/facts.js';

const CALICO = { namespace: 'kube-system', name: 'calico-node', image: 'docker.io/calico/node:v3.27.3' };
const KP: KubeProxyFact = {
  daemonSet: { namespace: 'kube-system', name: 'kube-proxy', desired: 2, ready: 2 },
  pods: [
    { name: 'kube-proxy-a', node: 'node-a', ready: true },
    { name: 'kube-proxy-b', node: 'node-b', ready: true },
  ],
};
const run = (sig: Omit<DatapathSignals, 'errors'>, kp: KubeProxyFact = KP) =>
  calicoKubeProxyCleanup.run(healthyFacts({ datapathSignals: got({ errors: [], ...sig }), kubeProxy: got(kp) }));

describe('calico-kube-proxy-cleanup', () => {
  test("kube-proxy beside Calico eBPF with the cleanup at Felix's default fails with the cause and both facts", () => {
    const [f] = run({ calico: { ...CALICO, felixBpfEnabled: 'true' } });
    expect([f!.id, f!.status, f!.cause]).toEqual([
      'calico-kube-proxy-cleanup/fighting',
      'fail',
      'calico-kube-proxy-fight',
    ]);
    expect(f!.evidence.map((e) => e.excerpt)).toEqual([
      'DaemonSet kube-system/kube-proxy desired=2 ready=2\nkube-proxy-a on node-a Ready\nkube-proxy-b on node-b Ready',
      "bpfKubeProxyIptablesCleanupEnabled not set (Felix's default: true)",
    ]);
    expect(f!.remediation?.autoFixable).toBe(false);
  });

  test('the env overrides FelixConfiguration; cleanup off is info; no kube-proxy passes', () => {
    expect(
      run({ calico: { ...CALICO, felixBpfEnabled: 'true' }, felixKubeProxyCleanup: false }).map((f) => f.id),
    ).toEqual(['calico-kube-proxy-cleanup/cleanup-disabled']);
    // Operator install: eBPF from the Installation, the cleanup forced back on by the calico-node env.
    const env = run({
      calico: { ...CALICO, felixKubeProxyCleanup: 'true' },
      linuxDataplane: 'BPF',
      felixKubeProxyCleanup: false,
    });
    expect(env.map((f) => [f.id, f.evidence[1]!.excerpt])).toEqual([
      ['calico-kube-proxy-cleanup/fighting', 'calico-node env FELIX_BPFKUBEPROXYIPTABLESCLEANUPENABLED=true'],
    ]);
    expect(run({ calico: { ...CALICO, felixBpfEnabled: 'true' } }, { pods: [] }).map((f) => f.id)).toEqual([
      'calico-kube-proxy-cleanup/no-kube-proxy',
    ]);
  });

  test("silent on Calico's iptables dataplane (kube-proxy serves Services there) and without Calico", () => {
    expect(run({ calico: CALICO })).toEqual([]);
    expect(run({})).toEqual([]);
    expect(DATAPATHS.filter((d) => d.checks.includes(calicoKubeProxyCleanup)).map((d) => d.id)).toEqual([
      'calico-ebpf',
    ]);
  });
});
