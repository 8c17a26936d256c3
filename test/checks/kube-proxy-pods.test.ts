// kube-proxy-pods: where kube-proxy serves Services, every node needs a Ready kube-proxy pod.
import { kubeProxyPods } from '../../src/checks/kube-proxy-pods.js';
import { got, type KubeProxyFact } from '../../src/model/facts.js';
import { classifyDatapath } from '../../src/datapath/detect.js';
import { DATAPATHS, detectDatapath } from '../../src/datapath/index.js';
import { healthyFacts, KPR_TRUE_CONFIG } from '../helpers/facts.js';
import { readFileSync } from 'node:fs';

const ds = { namespace: 'kube-system', name: 'kube-proxy', desired: 2, ready: 1 };
const kp = (pods: KubeProxyFact['pods'], withDs = true) =>
  healthyFacts({ kubeProxy: got<KubeProxyFact>({ ...(withDs ? { daemonSet: ds } : {}), pods }) });

describe('kube-proxy-pods', () => {
  test('a Ready pod passes; a not-Ready pod and a node without one fail with kube-proxy-not-ready', () => {
    const f = kubeProxyPods.run(kp([{ name: 'kube-proxy-a', node: 'node-a', ready: true }]));
    expect(f.map((x) => [x.id, x.node, x.status, x.cause])).toEqual([
      ['kube-proxy-pods/ready', 'node-a', 'pass', undefined],
      ['kube-proxy-pods/no-pod', 'node-b', 'fail', 'kube-proxy-not-ready'],
    ]);
    const g = kubeProxyPods.run(
      kp([
        { name: 'kube-proxy-a', node: 'node-a', ready: true },
        { name: 'kube-proxy-b', node: 'node-b', ready: false },
      ]),
    );
    expect(g[1]).toMatchObject({ id: 'kube-proxy-pods/not-ready', node: 'node-b', cause: 'kube-proxy-not-ready' });
    expect(g[1].remediation?.commands).toEqual([
      'kubectl -n kube-system delete pod kube-proxy-b',
      'kubectl -n kube-system logs kube-proxy-b --previous',
    ]);
  });

  test('no kube-proxy at all is not-deployed', () => {
    expect(kubeProxyPods.run(kp([], false)).map((x) => x.id)).toEqual(['kube-proxy-pods/not-deployed']);
  });

  test('runs through the seam only where kube-proxy serves Services', () => {
    const kprOn = healthyFacts({ kubeProxy: got<KubeProxyFact>({ pods: [] }) });
    const kprOff = healthyFacts({
      config: got({ ...KPR_TRUE_CONFIG, 'kube-proxy-replacement': 'false' }),
      kubeProxy: got<KubeProxyFact>({ daemonSet: ds, pods: [] }),
    });
    expect(classifyDatapath(kprOn).id).toBe('cilium-kpr');
    expect(detectDatapath(kprOn).checks.map((c) => c.id)).not.toContain('kube-proxy-pods');
    expect(classifyDatapath(kprOff).id).toBe('cilium-kube-proxy');
    expect(detectDatapath(kprOff).checks.map((c) => c.id)).toContain('kube-proxy-pods');
    expect(DATAPATHS.map((d) => d.id)).toEqual(['cilium', 'kube-proxy', 'kube-proxy-only', 'calico-ebpf']);
  });

  test('every reason is documented in docs/checks.md', () => {
    const doc = readFileSync(new URL('../../docs/checks.md', import.meta.url), 'utf8');
    for (const r of kubeProxyPods.reasons) expect(doc).toContain(`\`kube-proxy-pods/${r}\``);
    expect(doc).toContain('`kube-proxy-not-ready`');
  });
});
