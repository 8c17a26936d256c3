// kube-proxy in iptables mode end to end: the simulator's `iptables-save -t nat` in the kube-proxy pod has
// the recorded format (fixtures/kube-proxy), doctor finds each shipped fault's node and cause, --fix
// restarts the kube-proxy pod (never a Cilium agent) and only where a restart can help. Real HTTP/WebSocket.
import { KubeClient } from '../../src/cluster/client.js';
import { parseIptablesNat } from '../../src/datapath/kube-proxy/iptables.js';
import { kdiag } from '../helpers/cli.js';
import { simulator, withSim, type SimHandle } from '../helpers/sim.js';
import { datapathFixture } from './fixtures.js';

interface DoctorJson {
  datapath?: { id: string; kubeProxyMode?: string };
  rootCauses: { id: string; nodes: string[] }[];
  findings: { id: string; node?: string; status: string; evidence: { command?: string[]; pod?: string }[] }[];
  plan: { actions: { kind: string; node: string; pod: string }[]; refused: { node: string; reason: string }[] };
  fix?: { applied: boolean; steps?: { node: string; outcome: string; oldPod: string }[] };
}
const json = (s: string) => JSON.parse(s) as DoctorJson;
const SLOW = 240_000;

const kubeProxyPods = (sim: SimHandle) =>
  sim
    .pods('kube-system')
    .filter((p) => p.metadata.labels?.['k8s-app'] === 'kube-proxy')
    .map((p) => ({ name: p.metadata.name, node: (p.spec as { nodeName: string }).nodeName, uid: p.metadata.uid }));

/** A rule line with addresses, ports, chain hashes and comments made generic: its shape. */
const shape = (l: string) =>
  l
    .replace(/"[^"]*"|--comment \S+/g, 'C')
    .replace(/KUBE-(SVC|SEP)-[A-Z2-7]{16}/g, 'KUBE-$1-H')
    .replace(/\d+\.\d+\.\d+\.\d+(\/\d+)?(:\d+)?/g, 'IP')
    .replace(/--dport \d+/g, '--dport P')
    .replace(/--probability 0\.\d{10}/g, '--probability F');

describe('kube-proxy iptables mode in the simulator', () => {
  test('iptables-save -t nat in a kube-proxy pod: every line has a shape of the recorded table; kube-dns as recorded', async () => {
    const sim = await simulator('kube-proxy-iptables');
    let client: KubeClient | undefined;
    try {
      client = await KubeClient.connect({ kubeconfig: sim.kubeconfigPath, requestTimeoutMs: 15_000, concurrency: 4 });
      const pod = kubeProxyPods(sim).find((p) => p.node === 'node-1')!;
      const r = await client.exec('kube-system', pod.name, 'kube-proxy', ['iptables-save', '-t', 'nat']);
      expect(r.exitCode).toBe(0);
      const recorded = datapathFixture('kube-proxy', 'iptables-restore-nat.v1.2x.kind.verbose-log-payload.txt');
      const known = new Set(recorded.split('\n').map(shape));
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines.filter((l) => !known.has(shape(l)))).toEqual([]);
      // kube-proxy's chain names are hashes of the Service port name and protocol: the recorded ones.
      expect(r.stdout).toContain(':KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]');
      expect(r.stdout).toContain(':KUBE-SVC-ERIFXISQEP7F7OF4 - [0:0]');
      expect(r.stdout).toContain(':KUBE-SVC-JD5MR3NA4I4DYORP - [0:0]');
      const t = parseIptablesNat(r.stdout);
      expect(t.warnings).toEqual([]);
      const dns = t.frontends
        .filter((f) => f.ip === '10.96.0.10')
        .map((f) => `${f.port}/${f.protocol}:${f.backends.length}`);
      expect(dns.sort()).toEqual(['53/TCP:2', '53/UDP:2', '9153/TCP:2']);
      // Only the nat table is simulated; iptables-save is the kube-proxy image's, not the agent's.
      const other = await client.exec('kube-system', pod.name, 'kube-proxy', ['iptables-save', '-t', 'filter']);
      expect(other.exitCode).toBe(127);
    } finally {
      client?.close();
      await sim.stop();
    }
  });

  test(
    'missing chain on node-2: doctor names node-2 with the exact command; --fix restarts its kube-proxy pod only, then healthy',
    () =>
      withSim('kube-proxy-missing-chain', async (sim) => {
        const d = json((await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim })).stdout);
        expect(d.datapath).toMatchObject({ id: 'kube-proxy', kubeProxyMode: 'iptables' });
        expect(d.rootCauses.map((c) => [c.id, c.nodes])).toEqual([['kube-proxy-rules-stale', ['node-2']]]);
        const f = d.findings.find((x) => x.id === 'kube-proxy-rules/missing-service')!;
        expect(f.node).toBe('node-2');
        expect(f.evidence[0]!.command).toEqual(['iptables-save', '-t', 'nat']);
        const before = kubeProxyPods(sim);
        const onNode2 = before.find((p) => p.node === 'node-2')!;
        expect(d.plan.actions).toEqual([
          expect.objectContaining({ kind: 'restart-kube-proxy', node: 'node-2', pod: onNode2.name }),
        ]);

        const r = await kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json'], { sim });
        const after = json(r.stdout);
        expect(after.fix?.steps).toEqual([
          expect.objectContaining({ node: 'node-2', oldPod: onNode2.name, outcome: 'recovered' }),
        ]);
        expect([after.rootCauses, r.exitCode]).toEqual([[], 0]);
        // Only node-2's kube-proxy was replaced.
        const now = kubeProxyPods(sim);
        expect(now.filter((p) => p.node !== 'node-2')).toEqual(before.filter((p) => p.node !== 'node-2'));
        expect(now.find((p) => p.node === 'node-2')!.uid).not.toBe(onNode2.uid);
      }),
    SLOW,
  );

  test(
    'sync failing on node-1: the cause is kube-proxy-sync-failing, --fix restarts nothing and says what must change',
    () =>
      withSim('kube-proxy-sync-failing', async (sim) => {
        const before = kubeProxyPods(sim);
        const r = await kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json'], { sim });
        const d = json(r.stdout);
        expect(d.rootCauses[0]).toMatchObject({ id: 'kube-proxy-sync-failing', nodes: ['node-1'] });
        expect(d.plan.actions).toEqual([]);
        expect(d.plan.refused.map((x) => x.node)).toEqual(['node-1']);
        expect(d.fix?.applied).toBe(false);
        expect(kubeProxyPods(sim)).toEqual(before);
        expect(r.exitCode).toBe(1);
        const text = (await kdiag(['doctor', 'clusterip'], { sim })).stdout;
        expect(text).toMatch(/Failed to execute iptables-restore/);
      }),
    SLOW,
  );

  test(
    'stale chains on node-3 and preflight on a broken kube-proxy cluster',
    () =>
      withSim('kube-proxy-stale-chains', async (sim) => {
        const d = json((await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim })).stdout);
        expect(d.findings.filter((f) => f.status !== 'pass').map((f) => `${f.id}@${f.node}`)).toEqual([
          'kube-proxy-rules/stale-service@node-3',
          'kube-proxy-rules/stale-chains@node-3',
        ]);
        const p = await kdiag(['preflight', '-o', 'json'], { sim });
        expect(p.exitCode).toBe(1);
        const pj = JSON.parse(p.stdout) as { findings: { id: string; status: string; node?: string }[] };
        expect(pj.findings.filter((f) => f.status === 'fail').map((f) => `${f.id}@${f.node}`)).toEqual([
          'kube-proxy-rules/stale-service@node-3',
        ]);
      }),
    SLOW,
  );
});
