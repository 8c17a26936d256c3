// kube-proxy-rules over a recorded nat table (fixtures/kube-proxy, kind ~1.21: kubernetes + kube-dns with
// four CoreDNS endpoints), joined with hand-written Services and EndpointSlices.
import { readFileSync } from 'node:fs';
import { kubeProxyRules } from '../../src/checks/kube-proxy-rules.js';
import { parseIptablesNat } from '../../src/datapath/kube-proxy/iptables.js';
import { failed, got, type EndpointFact, type Facts, type ServiceFact } from '../../src/model/facts.js';
import type { KubeProxyLogFact } from '../../src/model/kube-proxy.js';
import { datapathFixture } from '../datapath/fixtures.js';

const table = parseIptablesNat(
  datapathFixture('kube-proxy', 'iptables-restore-nat.v1.2x.kind.verbose-log-payload.txt'),
);
const SYNC_LOG = datapathFixture('kube-proxy', 'kube-proxy-log.v1.17.iptables-restore-failed.sync-retry.txt')
  .split('\n')
  .filter((l) => /iptables-restore|Sync failed/.test(l));

const eps = (ips: string[], port: number, protocol: string, portName: string): EndpointFact[] =>
  ips.map((ip) => ({ ip, port, protocol, portName, ready: true, serving: true, terminating: false }));
const COREDNS = ['10.244.0.10', '10.244.0.5', '10.244.0.6', '10.244.0.9'];

function service(
  ns: string,
  name: string,
  ip: string,
  ports: [string, number, string][],
  ready: string[],
): ServiceFact {
  return {
    namespace: ns,
    name,
    type: 'ClusterIP',
    clusterIPs: [ip],
    ports: ports.map(([n, port, protocol]) => ({ name: n, port, protocol })),
    externalIPs: [],
    loadBalancerIPs: [],
    headless: false,
    endpoints: ports.flatMap(([n, port, protocol]) => eps(ready, port, protocol, n)),
  };
}

function facts(services: ServiceFact[], log?: string[]): Facts {
  return {
    services: got(services),
    kubeProxyRules: new Map([
      [
        'kind-control-plane',
        got({
          namespace: 'kube-system',
          pod: 'kube-proxy-x7k2p',
          command: ['iptables-save', '-t', 'nat'],
          frontends: table.frontends,
          unreferencedChains: table.unreferencedServiceChains,
          warnings: 0,
        }),
      ],
    ]),
    kubeProxyLogs: new Map([
      [
        'kind-control-plane',
        got<KubeProxyLogFact>({ namespace: 'kube-system', pod: 'kube-proxy-x7k2p', lines: log ?? [], read: 100 }),
      ],
    ]),
  } as unknown as Facts;
}

const api = service('default', 'kubernetes', '10.96.0.1', [['https', 443, 'TCP']], ['172.18.0.2']);
api.endpoints = eps(['172.18.0.2'], 6443, 'TCP', 'https');
const dns = (ready = COREDNS) =>
  service(
    'kube-system',
    'kube-dns',
    '10.96.0.10',
    [
      ['dns', 53, 'UDP'],
      ['dns-tcp', 53, 'TCP'],
      ['metrics', 9153, 'TCP'],
    ],
    ready,
  );
const ids = (f: Facts) => kubeProxyRules.run(f).map((x) => `${x.id}:${x.status}${x.cause ? `:${x.cause}` : ''}`);

describe('kube-proxy-rules on a recorded nat table', () => {
  test('the Services the table was written from: in sync, command and pod in the evidence', () => {
    const out = kubeProxyRules.run(facts([api, dns()]));
    expect(out.map((f) => f.id)).toEqual(['kube-proxy-rules/in-sync']);
    expect(out[0]!.evidence[0]!.command).toEqual(['iptables-save', '-t', 'nat']);
    expect(out[0]!.evidence[0]!.pasteCommand).toBe(
      'kubectl -n kube-system exec kube-proxy-x7k2p -- iptables-save -t nat',
    );
  });

  test('an endpoint gone from the slices but still DNATed: wrong-endpoints on each kube-dns port', () => {
    const out = kubeProxyRules.run(facts([api, dns(COREDNS.slice(0, 3))]));
    expect(out.map((f) => `${f.id}:${f.cause}`)).toEqual([
      'kube-proxy-rules/wrong-endpoints:kube-proxy-rules-stale',
      'kube-proxy-rules/wrong-endpoints:kube-proxy-rules-stale',
      'kube-proxy-rules/wrong-endpoints:kube-proxy-rules-stale',
    ]);
    expect(out[0]!.message).toContain('not ready or gone 10.244.0.9:53');
    expect(out[0]!.remediation?.commands).toEqual(['kubectl -n kube-system delete pod kube-proxy-x7k2p']);
  });

  test('a Service with ready endpoints and no rule: missing-service; a rule no Service owns: stale-service', () => {
    const web = service('default', 'web', '10.96.10.10', [['http', 80, 'TCP']], ['10.244.1.4']);
    expect(ids(facts([api, dns(), web]))).toEqual(['kube-proxy-rules/missing-service:fail:kube-proxy-rules-stale']);
    expect(ids(facts([dns()]))).toEqual(['kube-proxy-rules/stale-service:fail:kube-proxy-rules-stale']);
    // Asked about one Service (doctor clusterip NS/SVC), the others are not listed: no stale verdicts.
    expect(ids({ ...facts([dns()]), target: { namespace: 'kube-system', name: 'kube-dns' } })).toEqual([
      'kube-proxy-rules/in-sync:pass',
    ]);
  });

  test('sync errors in the log: a cause only while the rules are wrong; history when they match', () => {
    expect(ids(facts([api, dns(COREDNS.slice(0, 3))], SYNC_LOG))).toContain(
      'kube-proxy-rules/sync-failing:fail:kube-proxy-sync-failing',
    );
    expect(ids(facts([api, dns()], SYNC_LOG))).toEqual([
      'kube-proxy-rules/in-sync:pass',
      'kube-proxy-rules/sync-failed-before:info',
    ]);
  });

  test('a node whose table could not be read is unknown, never in sync', () => {
    const f = facts([api, dns()]);
    f.kubeProxyRules!.set('kind-control-plane', failed('iptables-save -t nat exited 1: Permission denied'));
    expect(ids(f)).toEqual(['kube-proxy-rules/unknown:unknown']);
  });

  test('every reason is documented in docs/checks.md', () => {
    const doc = readFileSync(new URL('../../docs/checks.md', import.meta.url), 'utf8');
    for (const r of kubeProxyRules.reasons) expect(doc).toContain(`\`kube-proxy-rules/${r}\``);
  });
});
