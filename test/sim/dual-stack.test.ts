// Dual-stack and IPv6 (issue #14): IPv6/dual-stack Services, IPv6 EndpointSlices, nodes and pods with IPv6
// addresses; the agent prints IPv6 frontends and backends bracketed, as the recorded 1.11 kube-dns list
// does; doctor and service-list compare them like IPv4 and agree with preflight.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseServiceListText } from '../../src/cilium/formats/service-list.js';
import { json, kdiag } from '../helpers/cli.js';
import { agentOn, scenario, withSim } from '../helpers/sim.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const maybe = existsSync(KUBECTL) || process.env.CI === 'true' ? test : test.skip;

describe('dual-stack', () => {
  test('the API: two ClusterIPs, an EndpointSlice per addressType, IPv6 pod and node addresses', async () => {
    await withSim('dual-stack', async (sim) => {
      const web = sim.list('services', 'default').find((s) => s.metadata.name === 'web')!;
      expect(web.spec).toMatchObject({
        clusterIP: '10.96.10.10',
        clusterIPs: ['10.96.10.10', 'fd00:10:96::a'],
        ipFamilies: ['IPv4', 'IPv6'],
        ipFamilyPolicy: 'RequireDualStack',
      });
      const slices = sim
        .list('endpointslices.discovery.k8s.io', 'default')
        .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web');
      expect(slices.map((s) => s.addressType).sort()).toEqual(['IPv4', 'IPv6']);
      const v6 = slices.find((s) => s.addressType === 'IPv6')!.endpoints as { addresses: string[] }[];
      expect(v6).toHaveLength(2);
      for (const e of v6) expect(e.addresses[0]).toMatch(/^fd00:10:244:[0-9a-f]+::[0-9a-f]+$/);
      const pod = sim.pods('default').find((p) => p.metadata.labels?.app === 'web')!;
      expect((pod.status as { podIPs: { ip: string }[] }).podIPs.map((x) => x.ip)).toEqual([
        expect.stringMatching(/^10\./),
        expect.stringMatching(/^fd00:10:244:/),
      ]);
      const node = sim.list('nodes').find((n) => n.metadata.name === 'node-1')!;
      expect((node.spec as { podCIDRs: string[] }).podCIDRs).toEqual(['10.0.1.0/24', 'fd00:10:244:1::/64']);
      const addrs = (node.status as { addresses: { type: string; address: string }[] }).addresses;
      expect(addrs.filter((a) => a.type === 'InternalIP').map((a) => a.address)).toEqual([
        '127.0.0.11',
        'fd00:172:18::b',
      ]);
    });
  });

  maybe('the agent lists one bracketed IPv6 frontend per dual-stack Service, as the recorded IPv6 list', async () => {
    await withSim('dual-stack', async (sim) => {
      const cacheDir = mkdtempSync(join(tmpdir(), 'kdiag-kubectl-'));
      const run = async (node: string) =>
        (
          await execa(KUBECTL, [
            ...['--kubeconfig', sim.kubeconfigPath, '--cache-dir', cacheDir, '-n', 'kube-system'],
            ...['exec', agentOn(sim, node)!.metadata.name, '-c', 'cilium-agent', '--', 'cilium-dbg', 'service', 'list'],
          ])
        ).stdout;
      const text = await run('node-1');
      // `4    [fd03::a]:9153     ClusterIP      1 => [fd00::5452]:9153` (service-list.v1.11-dev.ipv6.kube-dns)
      expect(text).toMatch(
        /^\d+\s+\[fd00:10:96::a\]:80\s+ClusterIP\s+1 => \[fd00:10:244:[0-9a-f]+::[0-9a-f]+\]:8080 \(active\)/m,
      );
      const rows = parseServiceListText(text).filter((r) => r.name === undefined);
      expect(rows.filter((r) => r.frontend.ip === 'fd00:10:96::a')[0]!.backends).toHaveLength(2);
      const drifted = parseServiceListText(await run('node-2'));
      expect(drifted.find((r) => r.frontend.ip === 'fd00:10:96::a')!.backends).toEqual([]);
      expect(drifted.find((r) => r.frontend.ip === '10.96.10.10')!.backends).toHaveLength(2);
    });
  });

  test('doctor, service-list and preflight agree: only the IPv6 frontend of default/web on node-2', async () => {
    await withSim('dual-stack', async (sim) => {
      const sl = await kdiag(['service-list', '-A', '--fail-on-drift', '-o', 'json'], { sim });
      expect(sl.exitCode).toBe(1);
      const bad = (json(sl).rows as any[]).filter((r) => r.status !== 'OK');
      expect(
        bad.map((r) => [`${r.namespace}/${r.name}`, r.frontend, r.status, r.nodes.map((n: any) => n.node)]),
      ).toEqual([['default/web', '[fd00:10:96::a]:80/TCP', 'BACKENDS_DIFFER', ['node-2']]]);
      expect(bad[0].readyEndpoints).toBe(2);
      const ok = (json(sl).rows as any[]).filter((r) => r.name === 'api').map((r) => r.frontend);
      expect(ok.sort()).toEqual(['10.96.10.20:8080/TCP', '[fd00:10:96::101]:8080/TCP']);
      const doc = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
      expect(doc.exitCode).toBe(1);
      const d = json(doc);
      expect(d.rootCauses[0]).toMatchObject({ id: 'service-map-stale', nodes: ['node-2'] });
      const pf = await kdiag(['preflight', '-o', 'json'], { sim });
      expect(pf.exitCode).toBe(1);
      expect(pf.stdout).toMatch(/service-map\/backends-differ/);
      expect(pf.stdout).toMatch(/fd00:10:96::a/);
    });
  });

  test('an IPv6 Service needs dual-stack nodes (load error)', async () => {
    await expect(
      withSim(
        scenario({ services: { explicit: [{ name: 'v6', ipFamilies: ['IPv6'] }] } } as any),
        async () => undefined,
      ),
    ).rejects.toThrow(/services\.explicit\[0\]\.ipFamilies: IPv6 needs nodes\.dualStack: true/);
  });
});
