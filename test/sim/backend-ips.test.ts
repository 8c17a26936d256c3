// Explicit backend IPs and ports per Service (issue #14): `endpoints:` instead of `backends:` puts exactly
// those addresses in the EndpointSlices, the backend Pods and every agent's `service list`, so a recorded
// list (fixtures/cilium/service-list.v1.18.0.kube-dns-split.text.txt) can be matched by a scenario.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseServiceListText } from '../../src/cilium/formats/service-list.js';
import { KdiagError } from '../../src/errors.js';
import { validateScenario } from '../../src/sim/index.js';
import { ROOT } from '../helpers/cli.js';
import { agentOn, scenario, withSim, type SimHandle } from '../helpers/sim.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const maybe = existsSync(KUBECTL) || process.env.CI === 'true' ? test : test.skip;

const load = (input: unknown): unknown => {
  try {
    return validateScenario(input, 'x.yaml');
  } catch (e) {
    return e;
  }
};
const withService = (svc: Record<string, unknown>, dualStack = false) =>
  scenario({ nodes: { count: 3, dualStack } as never, services: { explicit: [{ name: 'web', ...svc }] } as never });

const serviceList = async (sim: SimHandle, node: string): Promise<string> =>
  (
    await execa(KUBECTL, [
      ...['--kubeconfig', sim.kubeconfigPath, '--cache-dir', mkdtempSync(join(tmpdir(), 'kdiag-kc-'))],
      ...['-n', 'kube-system', 'exec', agentOn(sim, node)!.metadata.name, '-c', 'cilium-agent', '--'],
      ...['cilium-dbg', 'service', 'list'],
    ])
  ).stdout;

const slicesOf = (sim: SimHandle, ns: string, name: string) =>
  sim
    .list('endpointslices.discovery.k8s.io', ns)
    .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name) as unknown as {
    addressType: string;
    endpoints: { addresses: string[]; nodeName?: string; conditions: Record<string, boolean> }[];
    ports: { port: number }[];
  }[];

describe('the endpoints key', () => {
  test('endpoints and backends together are a load error', () => {
    const e = load(withService({ backends: 2, endpoints: [{ ip: '10.0.1.23' }] }));
    expect(e).toBeInstanceOf(KdiagError);
    expect((e as Error).message).toMatch(/^x\.yaml: services\.explicit\[0\]\.endpoints: endpoints and backends/);
    expect(load(withService({ terminatingBackends: 1, endpoints: [{ ip: '10.0.1.23' }] }))).toBeInstanceOf(KdiagError);
  });

  test('an address that is not an IP, of another family than the Service, or an unknown node is a load error', () => {
    const bad = load(withService({ endpoints: [{ ip: '10.0.1.300' }] }));
    expect(bad).toBeInstanceOf(KdiagError);
    expect((bad as Error).message).toMatch(/services\.explicit\[0\]\.endpoints\[0\]\.ip: not an IPv4 or IPv6 address/);
    const fam = load(withService({ endpoints: [{ ip: 'fd00::1' }] }));
    expect((fam as Error).message).toMatch(/endpoints\[0\]\.ip: fd00::1 is not of the Service's ipFamilies \(IPv4\)/);
    const node = load(withService({ endpoints: [{ ip: '10.0.1.23', node: 'node-9' }] }));
    expect((node as Error).message).toMatch(/endpoints\[0\]\.node: no node "node-9"/);
    expect(load(withService({ endpoints: [{ ip: '10.0.1.23', port: 9000, node: 'node-2' }] }))).not.toBeInstanceOf(
      Error,
    );
  });

  test('EndpointSlices, Endpoints and backend Pods carry exactly the given addresses, ports and nodes', async () => {
    const input = withService({
      clusterIP: '10.96.10.10',
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      endpoints: [
        { ip: '10.0.1.23' },
        { ip: '10.0.3.7', port: 9090, node: 'node-1' },
        { ip: '192.0.2.77', ready: false },
        { ip: '10.0.2.40', terminating: true },
      ],
    });
    await withSim(input, async (sim) => {
      const slices = slicesOf(sim, 'default', 'web');
      const by = (port: number) => slices.find((s) => s.ports[0]!.port === port)!;
      expect(slices.map((s) => s.ports[0]!.port).sort()).toEqual([8080, 9090]);
      expect(by(8080).endpoints.map((e) => [e.addresses[0], e.nodeName, e.conditions])).toEqual([
        ['10.0.1.23', 'node-1', { ready: true, serving: true, terminating: false }],
        ['192.0.2.77', expect.stringMatching(/^node-[123]$/), { ready: false, serving: false, terminating: false }],
        ['10.0.2.40', 'node-2', { ready: false, serving: true, terminating: true }],
      ]);
      expect(by(9090).endpoints.map((e) => [e.addresses[0], e.nodeName])).toEqual([['10.0.3.7', 'node-1']]);
      const pods = sim.pods('default').filter((p) => p.metadata.labels?.app === 'web');
      expect(pods.map((p) => (p.status as { podIP: string }).podIP).sort()).toEqual([
        '10.0.1.23',
        '10.0.2.40',
        '10.0.3.7',
        '192.0.2.77',
      ]);
      const ep = sim.list('endpoints', 'default').find((e) => e.metadata.name === 'web') as unknown as {
        subsets: { addresses?: { ip: string }[]; ports: { port: number }[] }[];
      };
      expect(ep.subsets.map((s) => [s.ports[0]!.port, (s.addresses ?? []).map((a) => a.ip)])).toEqual([
        [8080, ['10.0.1.23']],
        [9090, ['10.0.3.7']],
      ]);
    });
  });

  maybe('IPv6 endpoints: an IPv6 slice and bracketed backends in every agent service list', async () => {
    const input = withService(
      {
        ipFamilies: ['IPv6'],
        clusterIP: 'fd00:10:96::a',
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
        endpoints: [{ ip: 'fd00:10:244:2::99' }, { ip: 'fd00:10:244:3::5', port: 9090 }],
      },
      true,
    );
    await withSim(input, async (sim) => {
      const slices = slicesOf(sim, 'default', 'web');
      expect(slices.map((s) => s.addressType)).toEqual(['IPv6', 'IPv6']);
      expect(slices.flatMap((s) => s.endpoints.map((e) => `${e.addresses[0]} ${s.ports[0]!.port}`)).sort()).toEqual([
        'fd00:10:244:2::99 8080',
        'fd00:10:244:3::5 9090',
      ]);
      for (const node of ['node-1', 'node-3']) {
        const text = await serviceList(sim, node);
        const row = parseServiceListText(text).find((r) => r.frontend.ip === 'fd00:10:96::a')!;
        expect(row.backends.map((b) => `${b.ip}:${b.port}`).sort()).toEqual([
          'fd00:10:244:2::99:8080',
          'fd00:10:244:3::5:9090',
        ]);
        expect(text).toContain('[fd00:10:244:2::99]:8080');
      }
    });
  });

  maybe('recorded-kube-dns: every agent lists the recorded kube-dns and web rows', async () => {
    const recorded = parseServiceListText(
      readFileSync(join(ROOT, 'fixtures/cilium/service-list.v1.18.0.kube-dns-split.text.txt'), 'utf8'),
    );
    const rows = (list: typeof recorded, ip: string) =>
      list
        .filter((r) => r.frontend.ip === ip)
        .map((r) => ({ frontend: r.frontend, type: r.type, backends: r.backends.map(({ nodeName: _, ...b }) => b) }))
        .sort((a, b) =>
          `${a.frontend.port}${a.frontend.protocol}`.localeCompare(`${b.frontend.port}${b.frontend.protocol}`),
        );
    expect(rows(recorded, '10.96.0.10')).toHaveLength(3);
    await withSim('recorded-kube-dns', async (sim) => {
      for (const node of ['node-1', 'node-2', 'node-3']) {
        const mine = parseServiceListText(await serviceList(sim, node));
        for (const ip of ['10.96.0.10', '10.96.56.141']) expect(rows(mine, ip)).toEqual(rows(recorded, ip));
      }
    });
  });
});
