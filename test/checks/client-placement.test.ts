import { clientPlacement } from '../../src/checks/client-placement.js';
import { failed, got, healthyFacts, ids, KPR_TRUE_CONFIG } from '../helpers/facts.js';
import type { ClientPodFact } from '../../src/model/facts.js';

const client = (extra: Partial<ClientPodFact> = {}): ClientPodFact => ({
  namespace: 'default',
  name: 'curl-0',
  node: 'node-a',
  ip: '10.244.1.200',
  hostNetwork: false,
  labels: {},
  ...extra,
});

describe('client-placement', () => {
  it('says nothing without --from', () => {
    expect(clientPlacement.run(healthyFacts())).toEqual([]);
  });
  it('pod netns client: info with the node and config evidence', () => {
    const f = clientPlacement.run(healthyFacts({ client: got(client()) }));
    expect(f.map((x) => [x.id, x.status, x.node])).toEqual([['client-placement/pod-netns', 'info', 'node-a']]);
    expect(f[0]!.evidence.map((e) => e.excerpt)).toContain('kube-proxy-replacement=true');
  });
  it('hostNetwork client: socket LB for the host namespace, citing bpf-lb-sock-hostns-only', () => {
    const f = clientPlacement.run(
      healthyFacts({
        client: got(client({ hostNetwork: true, ip: '172.19.0.5' })),
        config: got({ ...KPR_TRUE_CONFIG, 'bpf-lb-sock-hostns-only': 'true' }),
      }),
    );
    expect(ids(f)).toEqual(['client-placement/host-network']);
    expect(f[0]!.evidence.map((e) => e.excerpt)).toContain('bpf-lb-sock-hostns-only=true');
  });
  it('hairpin when the client is a backend of the Service it calls', () => {
    const f = clientPlacement.run(
      healthyFacts({
        client: got(client({ namespace: 'kube-system', name: 'coredns-1', ip: '10.244.1.69' })),
        target: { namespace: 'kube-system', name: 'kube-dns' },
      }),
    );
    expect(ids(f)).toEqual(['client-placement/pod-netns', 'client-placement/hairpin']);
  });
  it('unknown when the client pod could not be read', () => {
    expect(
      clientPlacement.run(healthyFacts({ client: failed('pods "curl-0" not found') })).map((x) => x.status),
    ).toEqual(['unknown']);
  });
});
