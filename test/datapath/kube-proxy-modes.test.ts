// kube-proxy in IPVS and nftables mode end to end: the simulator's kube-proxy pods print `ipvsadm -Ln` and
// `nft list table ip kube-proxy` in the recorded formats (fixtures/kube-proxy) and `/proc/net/ip_vs` in the
// kernel's; the stock image has no ipvsadm, so kdiag reads /proc/net/ip_vs there; doctor finds each broken
// node and cause and --fix restarts that node's kube-proxy. Real HTTP/WebSocket.
import { KubeClient } from '../../src/cluster/client.js';
import { parseIpvsadm } from '../../src/datapath/kube-proxy/ipvsadm.js';
import { parseNftKubeProxy } from '../../src/datapath/kube-proxy/nftables.js';
import { parseProcIpVs } from '../../src/datapath/kube-proxy/proc-ip-vs.js';
import { kdiag } from '../helpers/cli.js';
import { simulator, withSim, type SimHandle } from '../helpers/sim.js';
import { datapathFixture } from './fixtures.js';

interface DoctorJson {
  datapath?: { id: string; kubeProxyMode?: string };
  rootCauses: { id: string; nodes: string[] }[];
  findings: { id: string; node?: string; status: string; evidence: { command?: string[] }[] }[];
  fix?: { applied: boolean; steps?: { node: string; outcome: string }[] };
}
const json = (s: string) => JSON.parse(s) as DoctorJson;
const SLOW = 240_000;

const kubeProxyPod = (sim: SimHandle, node: string) =>
  sim
    .pods('kube-system')
    .find((p) => p.metadata.labels?.['k8s-app'] === 'kube-proxy' && (p.spec as { nodeName: string }).nodeName === node)!
    .metadata.name;

async function inKubeProxy(sim: SimHandle, node: string, argv: string[]) {
  const client = await KubeClient.connect({ kubeconfig: sim.kubeconfigPath, requestTimeoutMs: 15_000, concurrency: 2 });
  try {
    return await client.exec('kube-system', kubeProxyPod(sim, node), 'kube-proxy', argv);
  } finally {
    client.close();
  }
}

/**
 * An ipvsadm line with protocol and addresses made generic: its shape. Real-server addresses keep their
 * padded column width (and trailing spaces); virtual-service addresses are not padded.
 */
const ipvsShape = (l: string) =>
  l.startsWith('  ->')
    ? l.replace(/\d+\.\d+\.\d+\.\d+:\d+ */g, (m) => 'A'.padEnd(m.length, ' '))
    : l.replace(/^(TCP|UDP|SCTP) {2}\d+\.\d+\.\d+\.\d+:\d+ /, 'P  A ');
/** An nft line with chain names, addresses, ports and numbers made generic, vmap lists cut to one entry. */
const nftShape = (l: string) =>
  l
    .trim()
    .replace(/(?:service|endpoint|external)-[A-Z2-7]{8}-\S+?(?=[,}\s]|$)/g, 'CHAIN')
    .replace(/\d+\.\d+\.\d+\.\d+(\/\d+)?(:\d+)?/g, 'IP')
    .replace(/\b\d+\b/g, 'N')
    .replace(/(N : goto CHAIN)(?:, N : goto CHAIN)+/g, '$1')
    .replace(/(IP)(?:, IP)+/g, '$1')
    .replace(/,$/, '');

const dnsRows = (fs: { ip: string; port: number; protocol: string; backends: unknown[] }[]) =>
  fs
    .filter((f) => f.ip === '10.96.0.10')
    .map((f) => `${f.port}/${f.protocol}:${f.backends.length}`)
    .sort();

describe('kube-proxy IPVS mode in the simulator', () => {
  test('ipvsadm -Ln has the recorded layout; /proc/net/ip_vs reads as the same table; kube-dns as a real cluster', async () => {
    const sim = await simulator('kube-proxy-ipvs-missing-service');
    try {
      const r = await inKubeProxy(sim, 'node-1', ['ipvsadm', '-Ln']);
      expect(r.exitCode).toBe(0);
      const recorded = datapathFixture('kube-proxy', 'ipvsadm-Ln.v1.2.1.opsnull-251.txt');
      const known = new Set(recorded.split('\n').map(ipvsShape));
      expect(
        r.stdout
          .trimEnd()
          .split('\n')
          .filter((l) => !known.has(ipvsShape(l))),
      ).toEqual([]);
      const t = parseIpvsadm(r.stdout);
      expect(t.warnings).toEqual([]);
      expect(dnsRows(t.frontends)).toEqual(['53/TCP:2', '53/UDP:2', '9153/TCP:2']);
      const p = await inKubeProxy(sim, 'node-1', ['cat', '/proc/net/ip_vs']);
      expect(p.exitCode).toBe(0);
      expect(p.stdout).toMatch(/^TCP {2}0A60000A:0035 rr $/m);
      const proc = parseProcIpVs(p.stdout);
      expect(proc.warnings).toEqual([]);
      const strip = (fs: typeof t.frontends) =>
        fs.map(({ ip, port, protocol, backends }) => ({ ip, port, protocol, backends }));
      expect(strip(proc.frontends)).toEqual(strip(t.frontends));
    } finally {
      await sim.stop();
    }
  });

  test(
    'healthy, stock image (no ipvsadm): doctor reads /proc/net/ip_vs on every node and finds nothing',
    () =>
      withSim('kube-proxy-ipvs', async (sim) => {
        const missing = await inKubeProxy(sim, 'node-1', ['ipvsadm', '-Ln']);
        expect(missing.exitCode).toBe(127);
        const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
        const d = json(r.stdout);
        expect(d.datapath).toMatchObject({ id: 'kube-proxy', kubeProxyMode: 'ipvs' });
        expect([d.rootCauses, r.exitCode]).toEqual([[], 0]);
        const inSync = d.findings.filter((f) => f.id === 'kube-proxy-rules/in-sync');
        expect(inSync.map((f) => f.node)).toEqual(['node-1', 'node-2', 'node-3']);
        expect(inSync[0]!.evidence[0]!.command).toEqual(['cat', '/proc/net/ip_vs']);
      }),
    SLOW,
  );

  test(
    'missing virtual service on node-2: doctor names node-2, the cause and the ipvsadm command',
    () =>
      withSim('kube-proxy-ipvs-missing-service', async (sim) => {
        const r = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
        const d = json(r.stdout);
        expect(d.rootCauses.map((c) => [c.id, c.nodes])).toEqual([['kube-proxy-rules-stale', ['node-2']]]);
        const f = d.findings.filter((x) => x.status === 'fail');
        expect(f.map((x) => `${x.id}@${x.node}`)).toEqual(['kube-proxy-rules/missing-service@node-2']);
        expect(f[0]!.evidence[0]!.command).toEqual(['ipvsadm', '-Ln']);
        expect(r.exitCode).toBe(1);
      }),
    SLOW,
  );
});

describe('kube-proxy nftables mode in the simulator', () => {
  test('nft list table ip kube-proxy: every line has a shape of the recorded tables; kube-dns as a real cluster', async () => {
    const sim = await simulator('kube-proxy-nftables');
    try {
      const r = await inKubeProxy(sim, 'node-2', ['nft', 'list', 'table', 'ip', 'kube-proxy']);
      expect(r.exitCode).toBe(0);
      const recorded = [
        datapathFixture('kube-proxy', 'nft-list-table-ip-kube-proxy.k3s-2025.txt'),
        datapathFixture('kube-proxy', 'nft-a-list-table-kube-proxy.kubeadm-2025.trimmed.txt').replace(
          / # handle \d+/g,
          '',
        ),
      ].join('\n');
      const known = new Set(recorded.split('\n').map(nftShape));
      expect(
        r.stdout
          .trimEnd()
          .split('\n')
          .filter((l) => !known.has(nftShape(l))),
      ).toEqual([]);
      // Indented with tabs, as nft prints (the kubeadm recording).
      expect(r.stdout).toMatch(/^\tmap service-ips \{$/m);
      // kube-proxy's chain names: the recorded hashes for the same Service ports.
      expect(r.stdout).toContain('goto service-NWBZK7IH-kube-system/kube-dns/tcp/dns-tcp');
      expect(r.stdout).toContain('goto service-FY5PMXPG-kube-system/kube-dns/udp/dns');
      expect(r.stdout).toContain('goto service-AS2KJYAD-kube-system/kube-dns/tcp/metrics');
      const t = parseNftKubeProxy(r.stdout);
      expect(t.warnings).toEqual([]);
      expect(dnsRows(t.frontends)).toEqual(['53/TCP:2', '53/UDP:2', '9153/TCP:2']);
    } finally {
      await sim.stop();
    }
  });

  test(
    'missing service on node-3: doctor names node-3; --fix restarts its kube-proxy, re-reads the table, healthy',
    () =>
      withSim('kube-proxy-nftables-missing-chain', async (sim) => {
        const d = json((await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim })).stdout);
        expect(d.datapath).toMatchObject({ id: 'kube-proxy', kubeProxyMode: 'nftables' });
        expect(d.rootCauses.map((c) => [c.id, c.nodes])).toEqual([['kube-proxy-rules-stale', ['node-3']]]);
        const f = d.findings.find((x) => x.id === 'kube-proxy-rules/missing-service')!;
        expect(f.evidence[0]!.command).toEqual(['nft', 'list', 'table', 'ip', 'kube-proxy']);
        const r = await kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json'], { sim });
        const after = json(r.stdout);
        expect(after.fix?.steps).toEqual([expect.objectContaining({ node: 'node-3', outcome: 'recovered' })]);
        expect([after.rootCauses, r.exitCode]).toEqual([[], 0]);
      }),
    SLOW,
  );
});
