import { parseNftKubeProxy } from '../../src/datapath/kube-proxy/nftables.js';
import { datapathFixture } from './fixtures.js';

const fixture = (name: string) => datapathFixture('kube-proxy', name);

describe('parseNftKubeProxy on recorded nft list table ip kube-proxy', () => {
  test('k3s table: service-ips map → service chain → numgen vmap → endpoint chains → dnat', () => {
    const t = parseNftKubeProxy(fixture('nft-list-table-ip-kube-proxy.k3s-2025.txt'));
    expect(t.warnings).toEqual([]);
    expect(t.frontends).toHaveLength(9);
    const hello = t.frontends.find((f) => f.ip === '10.43.195.72')!;
    expect(hello).toMatchObject({
      port: 8000,
      protocol: 'TCP',
      service: { namespace: 'riset', name: 'hellopod-np-svc', portName: '' },
      source: 'service-P6J77WGM-riset/hellopod-np-svc/tcp/',
    });
    expect(hello.backends).toHaveLength(9);
    expect(hello.backends[0]).toEqual({ ip: '10.42.2.218', port: 8080 });
    const dnsUdp = t.frontends.find((f) => f.port === 53 && f.protocol === 'UDP')!;
    expect(dnsUdp.backends).toEqual([{ ip: '10.42.0.171', port: 53 }]);
    expect(t.noEndpoints).toEqual([
      { ip: '10.43.21.102', port: 4317, protocol: 'TCP', comment: 'riset/otelcol-opentelemetry-collector:otlp' },
      { ip: '10.43.21.102', port: 4318, protocol: 'TCP', comment: 'riset/otelcol-opentelemetry-collector:otlp-http' },
    ]);
  });

  test('nft -a output (handles) cut by its author: frontends kept, missing chains are warnings', () => {
    const t = parseNftKubeProxy(fixture('nft-a-list-table-kube-proxy.kubeadm-2025.trimmed.txt'));
    expect(t.frontends).toHaveLength(12);
    const api = t.frontends.find((f) => f.service?.name === 'kubernetes')!;
    expect(api).toMatchObject({ ip: '10.255.0.1', port: 443, backends: [{ ip: '10.128.0.16', port: 6443 }] });
    const http = t.frontends.find((f) => f.ip === '10.255.36.158')!;
    expect(http.backends).toEqual([{ ip: '10.244.1.71', port: 8000 }]);
    expect(t.warnings.every((w) => w.reason === 'chain is not in the output')).toBe(true);
    expect(t.warnings.map((w) => w.text)).toContain(
      'endpoint-6JPGGG4H-home/http-server/tcp/mainhttp__10.244.1.72/8000',
    );
  });

  test('an unclosed elements list is a warning, not a throw', () => {
    const t = parseNftKubeProxy(
      'table ip kube-proxy {\n\tmap service-ips {\n\t\telements = { 10.0.0.1 . tcp . 80 : goto x,\n',
    );
    expect(t.frontends).toEqual([]);
    expect(t.warnings.map((w) => w.reason)).toEqual(['elements list not closed']);
  });
});
