// `kdiag service-list` end to end against the simulator.
import { EXEC_DENIED, scenario, withSim } from '../helpers/sim.js';
import { json, kdiag } from '../helpers/cli.js';

const rowsOf = (r: { stdout: string }) => JSON.parse(r.stdout).rows as any[];

describe('service-list', () => {
  test('healthy: every row OK; --fail-on-drift exits 0', async () => {
    await withSim('healthy', async (sim) => {
      const r = await kdiag(['service-list', '-A', '--fail-on-drift', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(0);
      const rep = json(r);
      expect(rep.summary.nodes).toBe(3);
      expect(rep.rows.length).toBeGreaterThan(5);
      expect(rep.rows.filter((x: any) => x.status !== 'OK')).toEqual([]);
      for (const row of rep.rows) expect(row.nodesOk).toBe(3);
      const table = await kdiag(['service-list'], { sim });
      expect(table.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+FRONTEND\s+TYPE\s+ENDPOINTS\s+STATUS\s+NODES$/);
      expect(table.stdout).toMatch(/default\s+web\s+10\.96\.10\.10:80\/TCP\s+ClusterIP\s+2\s+OK\s+3\/3 agree/);
    });
  });

  test('service-map-stale: exactly the drifted Services and nodes are flagged', async () => {
    await withSim('service-map-stale', async (sim) => {
      const r = await kdiag(['service-list', '--problems', '--fail-on-drift', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const flagged = rowsOf(r).map((x) => ({
        svc: x.name ? `${x.namespace}/${x.name}` : '-',
        frontend: x.frontend,
        status: x.status,
        nodes: x.nodes.map((n: any) => `${n.node}:${n.status}`),
      }));
      expect(flagged).toEqual([
        { svc: '-', frontend: '10.96.200.200:80/ANY', status: 'STALE', nodes: ['node-3:STALE'] },
        {
          svc: 'default/api',
          frontend: '10.96.10.20:8080/TCP',
          status: 'BACKENDS_DIFFER',
          nodes: ['node-3:BACKENDS_DIFFER'],
        },
        { svc: 'default/web', frontend: '10.96.10.10:80/TCP', status: 'NOT_IN_MAP', nodes: ['node-2:NOT_IN_MAP'] },
      ]);
      const api = rowsOf(r).find((x) => x.name === 'api').nodes[0];
      // the two ready addresses of api's EndpointSlices, as the simulator generated them
      const slices = sim
        .list('endpointslices.discovery.k8s.io', 'default')
        .filter((e: any) => e.metadata.labels?.['kubernetes.io/service-name'] === 'api');
      const ready = slices.flatMap((e: any) =>
        e.endpoints.filter((ep: any) => ep.conditions?.ready !== false).flatMap((ep: any) => ep.addresses),
      );
      expect(ready).toHaveLength(2);
      expect(api.missing).toEqual(ready.map((ip: string) => `${ip}:8080/TCP`).sort());
      expect(api.extra).toEqual(['10.0.3.250:8080/ANY']);
      expect(api.agentBackends[0]).toMatchObject({ ip: '10.0.3.250', port: 8080, state: 'active' });
    });
  });

  test('agents whose exec is denied are NODE_UNKNOWN with the exact permission; exit 2 when no node answered', async () => {
    await withSim(EXEC_DENIED, async (sim) => {
      const r = await kdiag(['service-list', '-o', 'json'], { sim });
      // Nothing could be compared: "could not run" (2), with the reason on stderr and the rows still shown.
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain('cannot create pods/exec in kube-system');
      const rep = json(r);
      expect(rep.nodes.map((n: any) => n.status)).toEqual(['unknown', 'unknown', 'unknown']);
      expect(rep.nodes[0].reason).toContain('cannot create pods/exec in kube-system');
      expect(rep.rows.every((x: any) => x.status === 'NODE_UNKNOWN')).toBe(true);
    });
  });

  test('an agent whose exec hangs is NODE_UNKNOWN within the timeout; the other nodes report OK', async () => {
    await withSim(
      scenario({ description: 'hang on node-2', count: 3, faults: [{ kind: 'exec-hangs', nodes: [2] }] }),
      async (sim) => {
        const r = await kdiag(['service-list', '-o', 'json', '--request-timeout', '1s'], { sim });
        const rep = json(r);
        const byNode = Object.fromEntries(rep.nodes.map((n: any) => [n.node, n]));
        expect(byNode['node-2'].status).toBe('unknown');
        expect(byNode['node-2'].reason).toMatch(/no answer within 1s/);
        expect(byNode['node-1'].status).toBe('ok');
        expect(byNode['node-3'].status).toBe('ok');
        for (const row of rep.rows) {
          expect(row.nodesOk).toBe(2);
          expect(row.nodes).toEqual([{ node: 'node-2', status: 'NODE_UNKNOWN', reason: byNode['node-2'].reason }]);
        }
      },
    );
  });

  test('filters: --service and --node', async () => {
    await withSim('service-map-stale', async (sim) => {
      const r = await kdiag(['service-list', '--service', 'default/web', '--node', 'node-2', '-o', 'json'], { sim });
      const rep = json(r);
      expect(rep.summary.nodes).toBe(1);
      expect(rep.rows.map((x: any) => [x.name, x.status])).toEqual([['web', 'NOT_IN_MAP']]);
    });
  });
});

// 1.12–1.14 ship `cilium`, 1.15+ `cilium-dbg`; 1.18 prints `/TCP` suffixes: every healthy version agrees.
test.each(['healthy-v1.12', 'healthy-v1.14', 'healthy-v1.18'])('%s: every row OK on every node', async (name) => {
  await withSim(name, async (sim) => {
    const r = await kdiag(['service-list', '--fail-on-drift', '-o', 'json'], { sim });
    expect(r.exitCode).toBe(0);
    const rep = json(r);
    expect(rep.summary.nodesUnknown).toBe(0);
    expect(rep.rows.length).toBeGreaterThan(0);
    for (const row of rep.rows) expect([row.status, row.nodesOk]).toEqual(['OK', 3]);
  });
});
