// kube-proxy-rules in IPVS and nftables mode over recorded tables (fixtures/kube-proxy, SOURCES.md): the
// recorded IPVS table (opsnull-251: kubernetes, kube-dns TCP, NodePorts on node addresses) read both as
// `ipvsadm -Ln` and as the kernel's `/proc/net/ip_vs` rendering of the same rows, and the recorded k3s
// nftables table, joined with hand-written Services and EndpointSlices. Same reasons and causes as iptables.
import { kubeProxyRules } from '../../src/checks/kube-proxy-rules.js';
import { parseIpvsadm } from '../../src/datapath/kube-proxy/ipvsadm.js';
import { parseNftKubeProxy } from '../../src/datapath/kube-proxy/nftables.js';
import { parseProcIpVs } from '../../src/datapath/kube-proxy/proc-ip-vs.js';
import { got, type EndpointFact, type Facts, type ServiceFact } from '../../src/model/facts.js';
import type { KubeProxyRulesFact } from '../../src/model/kube-proxy.js';
import { datapathFixture } from '../datapath/fixtures.js';

const IPVS = datapathFixture('kube-proxy', 'ipvsadm-Ln.v1.2.1.opsnull-251.txt');
const NFT = datapathFixture('kube-proxy', 'nft-list-table-ip-kube-proxy.k3s-2025.txt');

/**
 * The recorded rows as the kernel prints them in /proc/net/ip_vs (Linux net/netfilter/ipvs/ip_vs_ctl.c
 * ip_vs_info_seq_show: `"%s  %08X:%04X %s "` and `"  -> %08X:%04X      %-7s %-6d %-10d %-10d\n"`).
 */
function asProc(ipvsadm: string): string {
  const hx = (ipPort: string) => {
    const [ip, port] = ipPort.split(':') as [string, string];
    const n = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
    return `${n.toString(16).toUpperCase().padStart(8, '0')}:${Number(port).toString(16).toUpperCase().padStart(4, '0')}`;
  };
  return ipvsadm
    .split('\n')
    .map((l) => {
      const v = /^(TCP|UDP|SCTP)\s+(\S+)\s+(\S+)/.exec(l);
      if (v) return `${v[1]}  ${hx(v[2]!)} ${v[3]} `;
      const r = /^\s+->\s+(\d\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(l);
      if (r)
        return `  -> ${hx(r[1]!)}      ${r[2]!.padEnd(7)} ${r[3]!.padEnd(6)} ${r[4]!.padEnd(10)} ${r[5]!.padEnd(10)}`;
      return l.startsWith('  -> RemoteAddress') ? '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn' : l;
    })
    .join('\n');
}

const eps = (ips: string[], port: number, portName: string, protocol = 'TCP'): EndpointFact[] =>
  ips.map((ip) => ({ ip, port, protocol, portName, ready: true, serving: true, terminating: false }));

function svc(
  ns: string,
  name: string,
  ip: string,
  port: number,
  portName: string,
  ready: string[],
  target: number,
  nodePort?: number,
): ServiceFact {
  return {
    namespace: ns,
    name,
    type: nodePort ? 'NodePort' : 'ClusterIP',
    clusterIPs: [ip],
    ports: [{ name: portName, port, protocol: 'TCP', ...(nodePort ? { nodePort } : {}) }],
    externalIPs: [],
    loadBalancerIPs: [],
    headless: false,
    endpoints: eps(ready, target, portName),
  };
}

function facts(
  services: ServiceFact[],
  rules: Omit<KubeProxyRulesFact, 'namespace' | 'pod' | 'unreferencedChains' | 'warnings'>,
): Facts {
  return {
    services: got(services),
    kubeProxyRules: new Map([
      [
        'node-1',
        got({ namespace: 'kube-system', pod: 'kube-proxy-abcde', unreferencedChains: [], warnings: 0, ...rules }),
      ],
    ]),
  } as unknown as Facts;
}
const ids = (f: Facts) => kubeProxyRules.run(f).map((x) => `${x.id}:${x.status}${x.cause ? `:${x.cause}` : ''}`);

// The recorded IPVS table's Services (its NodePorts 32429 and 32767 are on node addresses 10.253.102.x).
const ipvsServices = (dnsReady = ['10.253.7.5', '10.253.35.5']) => [
  svc('default', 'kubernetes', '10.254.0.1', 443, 'https', ['172.16.16.81', '172.16.16.82'], 6443),
  svc('kube-system', 'kube-dns', '10.254.0.2', 53, 'dns-tcp', dnsReady, 53),
  svc('kube-system', 'kubernetes-dashboard', '10.254.9.36', 443, '', ['10.253.35.2'], 8443, 32767),
  // The NodePort 32429 Service: its ClusterIP row is past the end of the recorded excerpt, so it is given no
  // ready endpoints here (no ClusterIP translation expected); only its NodePort rows are in the table.
  svc('default', 'nginx', '10.254.99.99', 80, '', [], 80, 32429),
  svc('default', 'port-one', '10.254.20.57', 1, '', ['172.16.16.81', '172.16.16.82', '172.16.16.83'], 1),
];

describe('kube-proxy-rules in IPVS mode', () => {
  test('/proc/net/ip_vs (hex, the kernel format) reads as the same table as ipvsadm -Ln', () => {
    const a = parseIpvsadm(IPVS);
    const b = parseProcIpVs(asProc(IPVS));
    expect(b.warnings).toEqual([]);
    expect(b.frontends.map(({ ip, port, protocol, backends }) => ({ ip, port, protocol, backends }))).toEqual(
      a.frontends.map(({ ip, port, protocol, backends }) => ({ ip, port, protocol, backends })),
    );
    expect(b.frontends.find((f) => f.ip === '10.254.0.1')!.backends.map((x) => `${x.ip}:${x.port}`)).toEqual([
      '172.16.16.81:6443',
      '172.16.16.82:6443',
    ]);
  });

  const ipvsFacts = (services: ServiceFact[], text = IPVS) =>
    facts(services, { mode: 'ipvs', command: ['ipvsadm', '-Ln'], frontends: parseIpvsadm(text).frontends });

  test('the recorded table with its Services: in sync (NodePort virtual services on node addresses are not stale)', () => {
    const out = kubeProxyRules.run(ipvsFacts(ipvsServices()));
    expect(out.map((f) => f.id)).toEqual(['kube-proxy-rules/in-sync']);
    expect(out[0]!.message).toContain('IPVS table');
    expect(out[0]!.evidence[0]!.pasteCommand).toBe('kubectl -n kube-system exec kube-proxy-abcde -- ipvsadm -Ln');
  });

  test('missing virtual service, wrong real servers, stale virtual service: the iptables reasons and cause', () => {
    const web = svc('default', 'web', '10.96.10.10', 80, 'http', ['10.0.0.9'], 8080);
    expect(ids(ipvsFacts([...ipvsServices(), web]))).toEqual([
      'kube-proxy-rules/missing-service:fail:kube-proxy-rules-stale',
    ]);
    expect(ids(ipvsFacts(ipvsServices(['10.253.7.5'])))).toEqual([
      'kube-proxy-rules/wrong-endpoints:fail:kube-proxy-rules-stale',
    ]);
    const f = kubeProxyRules.run(ipvsFacts(ipvsServices().filter((s) => s.name !== 'kubernetes-dashboard')));
    // Its ClusterIP and its NodePort on both node addresses are left: all stale.
    expect(f.map((x) => `${x.id}:${x.subject}`)).toEqual([
      'kube-proxy-rules/stale-service:10.253.102.0:32767/TCP',
      'kube-proxy-rules/stale-service:10.253.102.1:32767/TCP',
      'kube-proxy-rules/stale-service:10.254.9.36:443/TCP',
    ]);
    expect(f[2]!.evidence[0]!.excerpt).toBe('virtual service 10.254.9.36:443');
  });

  test('a real server at weight 0 is draining (graceful termination), not a serving endpoint', () => {
    const draining = IPVS.replace(/(-> 10\.253\.35\.5:53\s+Masq\s+)1/, '$10');
    expect(draining).not.toBe(IPVS);
    expect(ids(ipvsFacts(ipvsServices(['10.253.7.5']), draining))).toEqual(['kube-proxy-rules/in-sync:pass']);
  });
});

// The recorded k3s table's Services (riset/otelcol-opentelemetry-collector has no endpoints).
const nftServices = (dnsReady = ['10.42.0.171']) => [
  svc('default', 'kubernetes', '10.43.0.1', 443, 'https', ['10.34.4.142'], 6443),
  {
    ...svc('kube-system', 'kube-dns', '10.43.0.10', 53, 'dns', [], 53),
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ],
    endpoints: [...eps(dnsReady, 53, 'dns', 'UDP'), ...eps(dnsReady, 53, 'dns-tcp'), ...eps(dnsReady, 9153, 'metrics')],
  },
  svc('kube-system', 'metrics-server', '10.43.10.165', 443, 'https', ['10.42.0.170'], 10250),
  svc('riset', 'latency-extender-svc', '10.43.34.64', 3001, 'http', ['10.42.0.174'], 3001),
  svc(
    'riset',
    'hellopod-np-svc',
    '10.43.195.72',
    8000,
    '',
    [
      '10.42.2.218',
      '10.42.4.201',
      '10.42.4.202',
      '10.42.4.203',
      '10.42.4.204',
      '10.42.4.205',
      '10.42.4.206',
      '10.42.4.207',
      '10.42.5.164',
    ],
    8080,
    30000,
  ),
  {
    ...svc('riset', 'opentelemetry-collector', '10.43.22.243', 4317, 'otlp', [], 4317),
    ports: [
      { name: 'otlp', port: 4317, protocol: 'TCP' },
      { name: 'otlp-http', port: 4318, protocol: 'TCP' },
    ],
    endpoints: [...eps(['10.42.0.181'], 4317, 'otlp'), ...eps(['10.42.0.181'], 4318, 'otlp-http')],
  },
];

describe('kube-proxy-rules in nftables mode', () => {
  const cmd = ['nft', 'list', 'table', 'ip', 'kube-proxy'];
  const nftFacts = (services: ServiceFact[]) =>
    facts(services, { mode: 'nftables', command: cmd, frontends: parseNftKubeProxy(NFT).frontends });

  test('the recorded k3s table with its Services: in sync', () => {
    const out = kubeProxyRules.run(nftFacts(nftServices()));
    expect(out.map((f) => f.id)).toEqual(['kube-proxy-rules/in-sync']);
    expect(out[0]!.evidence[0]!.command).toEqual(cmd);
  });

  test('missing service-ips element, wrong endpoint chains, stale element: the iptables reasons and cause', () => {
    const web = svc('default', 'web', '10.43.9.9', 80, 'http', ['10.42.1.9'], 8080);
    const miss = kubeProxyRules.run(nftFacts([...nftServices(), web]));
    expect(miss.map((f) => `${f.id}:${f.cause}`)).toEqual(['kube-proxy-rules/missing-service:kube-proxy-rules-stale']);
    expect(miss[0]!.evidence[0]!.excerpt).toBe('no service-ips element 10.43.9.9 . tcp . 80');
    expect(ids(nftFacts(nftServices(['10.42.0.172'])))).toEqual([
      'kube-proxy-rules/wrong-endpoints:fail:kube-proxy-rules-stale',
      'kube-proxy-rules/wrong-endpoints:fail:kube-proxy-rules-stale',
      'kube-proxy-rules/wrong-endpoints:fail:kube-proxy-rules-stale',
    ]);
    const stale = kubeProxyRules.run(nftFacts(nftServices().filter((s) => s.name !== 'metrics-server')));
    expect(stale.map((f) => `${f.id}:${f.subject}`)).toEqual([
      'kube-proxy-rules/stale-service:kube-system/metrics-server',
    ]);
  });
});
