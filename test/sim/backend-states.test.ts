// Backend states (issue #14): the agent's (quarantined)/(maintenance)/(terminating) backends are shown
// by service-list and doctor with their state, counted as not serving with the reason, never called
// missing; a Service whose every endpoint is terminating is named as a stuck rollout. doctor,
// service-list and preflight agree on the scenarios that show it.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { json, kdiag } from '../helpers/cli.js';
import { agentOn, scenario, withSim } from '../helpers/sim.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const maybe = existsSync(KUBECTL) || process.env.CI === 'true' ? test : test.skip;

const cart = (rows: any[]) => rows.find((r) => r.namespace === 'shop' && r.name === 'cart');

describe('backend-states', () => {
  test('service-list: states per backend, quarantined and maintenance not serving with the reason, all OK', async () => {
    await withSim('backend-states', async (sim) => {
      const r = await kdiag(['service-list', '-A', '--fail-on-drift', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(0);
      const rows = json(r).rows as any[];
      expect(rows.filter((x) => x.status !== 'OK')).toEqual([]);
      const row = cart(rows);
      expect(row.backends).toHaveLength(3);
      // Backends are in address order; find each by its states.
      const q = row.backends.find((b: any) => b.states.quarantined);
      const m = row.backends.find((b: any) => b.states.maintenance);
      const a = row.backends.find((b: any) => b !== q && b !== m);
      expect(q.states).toEqual({ quarantined: 3 });
      expect(m.states).toEqual({ active: 2, maintenance: 1 });
      expect(a.states).toEqual({ active: 3 });
      const notServing = row.notServing.map((n: any) => [n.backend, n.state, n.nodes]);
      expect(notServing).toHaveLength(2);
      expect(notServing).toEqual(
        expect.arrayContaining([
          [q.address, 'quarantined', 3],
          [m.address, 'maintenance', 1],
        ]),
      );
      expect(row.notServing.find((n: any) => n.state === 'quarantined').reason).toMatch(/health checker/);
      const table = await kdiag(['service-list', '-n', 'shop'], { sim });
      expect(table.stdout).toMatch(
        /shop\/cart 10\.96\.20\.10:80\/TCP: backend \S+ quarantined on 3 node\(s\), not serving/,
      );
      expect(table.stdout).toMatch(/maintenance on 1 node\(s\), not serving/);
      const wide = await kdiag(['service-list', '-n', 'shop', '-o', 'wide'], { sim });
      expect(wide.stdout).toMatch(/backends\s+.*\S+ quarantined×3/);
      expect(wide.stdout).toMatch(/backends\s+.*\S+ active×2 maintenance×1/);
    });
  });

  maybe('the agent prints them as the recorded fixture does: `N => ip:port (quarantined)`', async () => {
    await withSim('backend-states', async (sim) => {
      const pod = agentOn(sim, 'node-2')!;
      const cacheDir = mkdtempSync(join(tmpdir(), 'kdiag-kubectl-'));
      const out = await execa(KUBECTL, [
        ...['--kubeconfig', sim.kubeconfigPath, '--cache-dir', cacheDir, '-n', 'kube-system'],
        ...['exec', pod.metadata.name, '-c', 'cilium-agent', '--', 'cilium', 'service', 'list'],
      ]);
      expect(out.stdout).toMatch(
        /10\.96\.20\.10:80\s+ClusterIP\s+1 => [\d.]+:8080 \(quarantined\)\s+2 => [\d.]+:8080 \(maintenance\)\s+3 => [\d.]+:8080 \(active\)/,
      );
    });
  });
});

describe('rollout-stuck', () => {
  test('doctor on the Service names the stuck rollout (cause no-ready-endpoints); service-list marks the row', async () => {
    await withSim('rollout-stuck', async (sim) => {
      const d = await kdiag(['doctor', 'clusterip', 'shop/checkout', '-o', 'json'], { sim });
      expect(d.exitCode).toBe(1);
      const rep = json(d);
      const f = (rep.findings as any[]).find((x) => x.id === 'service-map/rollout-stuck');
      expect(f.status).toBe('fail');
      expect(f.message).toMatch(/all 2 endpoint\(s\) are terminating and none is ready: a stuck rollout/);
      expect(rep.rootCauses[0].id).toBe('no-ready-endpoints');
      const sl = await kdiag(['service-list', '-n', 'shop', '-o', 'json'], { sim });
      const row = (json(sl).rows as any[]).find((r) => r.name === 'checkout');
      expect(row).toMatchObject({ status: 'NO_ENDPOINTS', endpoints: 'rollout-stuck', terminatingEndpoints: 2 });
      // the agents keep the draining backends, in state terminating: not extra, not a mismatch
      expect(row.backends.map((b: any) => b.states)).toEqual([{ terminating: 3 }, { terminating: 3 }]);
      expect(row.stateMismatch).toBeUndefined();
      const table = await kdiag(['service-list', '-n', 'shop'], { sim });
      expect(table.stdout).toMatch(
        /shop\/checkout 10\.96\.20\.40:80\/TCP: all 2 endpoint\(s\) terminating, none ready: a stuck rollout/,
      );
    });
  });

  test('terminating endpoints in the API: EndpointSlice conditions and pods being deleted', async () => {
    await withSim('rollout-stuck', async (sim) => {
      const sl = sim
        .list('endpointslices.discovery.k8s.io', 'shop')
        .find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'checkout')!;
      const eps = sl.endpoints as { conditions: Record<string, boolean>; targetRef: { name: string } }[];
      expect(eps.map((e) => e.conditions)).toEqual([
        { ready: false, serving: true, terminating: true },
        { ready: false, serving: true, terminating: true },
      ]);
      for (const e of eps)
        expect(
          sim.pods('shop').find((p) => p.metadata.name === e.targetRef.name)?.metadata.deletionTimestamp,
        ).toBeDefined();
    });
  });
});

test('a backend-state fault naming a Service that does not exist is a load error', async () => {
  await expect(
    withSim(
      scenario({
        faults: [{ kind: 'backend-state', backends: [{ service: 'shop/nope', backend: 1, state: 'quarantined' }] }],
      }),
      async () => undefined,
    ),
  ).rejects.toThrow(/nodes\.faults\[0\]: Service "shop\/nope" does not exist in this scenario/);
});

describe.each([['backend-states'], ['rollout-stuck']])('doctor, service-list and preflight agree on %s', (name) => {
  test('healthy map everywhere; the same verdict from all three', async () => {
    await withSim(name, async (sim) => {
      const doc = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
      expect(doc.exitCode).toBe(0);
      const d = json(doc);
      expect((d.findings as any[]).filter((f) => f.status !== 'pass' && f.status !== 'info')).toEqual([]);
      const sl = await kdiag(['service-list', '-A', '-o', 'json'], { sim });
      expect(sl.exitCode).toBe(0);
      const rows = json(sl).rows as any[];
      // the map agrees everywhere; only a Service without ready endpoints is NO_ENDPOINTS (not drift)
      expect(rows.filter((r) => r.status !== 'OK').map((r) => `${r.namespace}/${r.name}:${r.status}`)).toEqual(
        name === 'rollout-stuck' ? ['shop/checkout:NO_ENDPOINTS'] : [],
      );
      const pf = await kdiag(['preflight', '-o', 'json'], { sim });
      expect(pf.exitCode).toBe(0);
    });
  });
});
