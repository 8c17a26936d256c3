// Clusters shaped like real ones (issue #14): kube-dns in every scenario, and the agent's `service list`
// rendered per version as docs/formats.md says the real agent prints it; doctor, service-list and
// preflight agree on the new scenarios.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { listScenarios, loadScenario } from '../../src/sim/index.js';
import { json, kdiag } from '../helpers/cli.js';
import { agentPods, scenario, withSim, type SimHandle } from '../helpers/sim.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const haveKubectl = existsSync(KUBECTL);
const maybe = haveKubectl || process.env.CI === 'true' ? test : test.skip;

/** `cilium(-dbg) service list [-o json]` in the first agent, through real kubectl exec. */
async function serviceList(sim: SimHandle, jsonOut = false): Promise<string> {
  const pod = agentPods(sim)[0]!;
  const cli = sim.scenario.minor >= 15 ? 'cilium-dbg' : 'cilium';
  const cacheDir = mkdtempSync(join(tmpdir(), 'kdiag-kubectl-'));
  const r = await execa(KUBECTL, [
    '--kubeconfig',
    sim.kubeconfigPath,
    '--cache-dir',
    cacheDir,
    '-n',
    'kube-system',
    'exec',
    pod.metadata.name,
    '-c',
    'cilium-agent',
    '--',
    cli,
    'service',
    'list',
    ...(jsonOut ? ['-o', 'json'] : []),
  ]);
  return r.stdout;
}

const dnsLines = (text: string) => text.split('\n').filter((l) => /10\.96\.0\.10:/.test(l));

describe('kube-dns is in every shipped scenario', () => {
  test.each(listScenarios().map((s) => [s.name]))('%s has kube-system/kube-dns with three ports', async (name) => {
    const sc = loadScenario(name);
    if (sc.services.explicit.some((s) => s.name === 'kube-dns')) return;
    await withSim(name, async (sim) => {
      const svc = sim.list('services', 'kube-system').find((s) => s.metadata.name === 'kube-dns')!;
      const spec = svc.spec as { clusterIP: string; ports: { port: number; protocol: string }[] };
      expect(spec.clusterIP).toBe('10.96.0.10');
      expect(spec.ports.map((p) => `${p.port}/${p.protocol}`)).toEqual(['53/UDP', '53/TCP', '9153/TCP']);
      const sl = sim.list('endpointslices.discovery.k8s.io', 'kube-system');
      const dns = sl.find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'kube-dns')!;
      expect((dns.endpoints as unknown[]).length).toBe(2);
      expect(new Set(sim.list('namespaces').map((n) => n.metadata.name)).size).toBeGreaterThanOrEqual(4);
    });
  });
});

describe('the simulated agent renders kube-dns as the real one does', () => {
  maybe('1.16: one protocol-less 10.96.0.10:53 row with both CoreDNS pods, and :9153', async () => {
    await withSim('kube-dns-dual-protocol-v1.16', async (sim) => {
      const lines = dnsLines(await serviceList(sim));
      expect(lines.map((l) => l.split(/\s+/)[1])).toEqual(['10.96.0.10:53', '10.96.0.10:9153']);
      const entries = JSON.parse(await serviceList(sim, true)) as any[];
      const dns = entries.filter((e) => e.spec['frontend-address'].ip === '10.96.0.10');
      expect(dns).toHaveLength(2);
      for (const e of dns) {
        expect(e.spec['frontend-address'].protocol).toBeUndefined();
        expect(e.spec['backend-addresses']).toHaveLength(2);
        for (const b of e.spec['backend-addresses']) expect(b.protocol).toBeUndefined();
      }
    });
  });

  maybe('1.14: the same one row per IP:port (cilium, not cilium-dbg)', async () => {
    await withSim('kube-dns-dual-protocol-v1.14', async (sim) => {
      const lines = dnsLines(await serviceList(sim));
      expect(lines.map((l) => l.split(/\s+/)[1])).toEqual(['10.96.0.10:53', '10.96.0.10:9153']);
    });
  });

  maybe('1.19: :53/UDP, :53/TCP and :9153/TCP rows, each backend with its protocol', async () => {
    await withSim('kube-dns-dual-protocol-v1.19', async (sim) => {
      const text = await serviceList(sim);
      const lines = dnsLines(text);
      expect(lines.map((l) => l.split(/\s+/)[1])).toEqual([
        '10.96.0.10:53/UDP',
        '10.96.0.10:53/TCP',
        '10.96.0.10:9153/TCP',
      ]);
      expect(text).toMatch(/10\.96\.0\.10:53\/UDP\s+ClusterIP\s+1 => [\d.]+:53\/UDP \(active\)/);
    });
  });

  maybe('1.18 with bpf-lb-proto-diff "false": one /NONE row for port 53', async () => {
    await withSim(
      scenario({ version: '1.18.4', cilium: { version: '1.18.4', config: { 'bpf-lb-proto-diff': 'false' } } }),
      async (sim) => {
        const lines = dnsLines(await serviceList(sim));
        expect(lines.map((l) => l.split(/\s+/)[1])).toEqual(['10.96.0.10:53/NONE', '10.96.0.10:9153/NONE']);
      },
    );
  });
});

const NEW = ['kube-dns-dual-protocol-v1.14', 'kube-dns-dual-protocol-v1.16', 'kube-dns-dual-protocol-v1.19'];

describe.each(NEW.map((n) => [n]))('doctor, service-list and preflight agree on %s', (name) => {
  test('healthy: exit 0 everywhere, nothing above info, every map row OK', async () => {
    await withSim(name, async (sim) => {
      const doc = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
      expect(doc.exitCode).toBe(0);
      const d = json(doc);
      expect((d.findings as any[]).filter((f) => f.status !== 'pass' && f.status !== 'info')).toEqual([]);
      const sl = await kdiag(['service-list', '-A', '--fail-on-drift', '-o', 'json'], { sim });
      expect(sl.exitCode).toBe(0);
      const rows = json(sl).rows as any[];
      expect(rows.filter((r) => r.status !== 'OK')).toEqual([]);
      expect(
        rows
          .filter((r) => r.name === 'kube-dns')
          .map((r) => r.frontend)
          .sort(),
      ).toEqual(['10.96.0.10:53/TCP', '10.96.0.10:53/UDP', '10.96.0.10:9153/TCP']);
      const pf = await kdiag(['preflight', '-o', 'json'], { sim });
      expect(pf.exitCode).toBe(0);
    });
  });
});
