// hostns-client-no-socket-lb as a unit: the check over config, kube-proxy and the --from client, the ranking
// against the missing kube-proxy it explains, and the shipped scenario found top-1 by doctor --from (no
// restart, what must change) and by preflight.
import { hostnsServiceLb } from '../../src/checks/hostns-service-lb.js';
import { rankRootCauses } from '../../src/engine/rank.js';
import { json, kdiag } from '../helpers/cli.js';
import { got, healthyFacts } from '../helpers/facts.js';
import { podUids, withSim } from '../helpers/sim.js';
import type { ClientPodFact } from '../../src/model/facts.js';
import type { Finding } from '../../src/model/check.js';

const CLIENT = 'monitoring/node-exporter-node-2';

function socketLbOff(client?: Partial<ClientPodFact>) {
  const facts = healthyFacts();
  facts.config = got({ 'kube-proxy-replacement': 'false', 'bpf-lb-sock': 'false' });
  facts.kubeProxy = got({ pods: [] });
  if (client)
    facts.client = got({
      namespace: 'monitoring',
      name: 'node-exporter-node-a',
      node: 'node-a',
      hostNetwork: true,
      labels: {},
      ...client,
    });
  return facts;
}

describe('hostns-service-lb check', () => {
  test('passes with socket LB on (the healthy default)', () => {
    const f = hostnsServiceLb.run(healthyFacts());
    expect(f.every((x) => x.status === 'pass')).toBe(true);
  });

  test('a hostNetwork client with socket LB off and no kube-proxy fails on its node, no restart', () => {
    const [f] = hostnsServiceLb.run(socketLbOff({}));
    expect(f).toMatchObject({ id: 'hostns-service-lb/not-translated', status: 'fail', node: 'node-a' });
    expect(f!.cause).toBe('hostns-client-no-socket-lb');
    expect(f!.remediation?.autoFixable).toBe(false);
    expect(f!.remediation?.commands.join('\n')).toContain('--set socketLB.enabled=true');
  });

  test('a pod-network client is translated by bpf_lxc: nothing to say', () => {
    expect(hostnsServiceLb.run(socketLbOff({ hostNetwork: false }))).toEqual([]);
  });

  test('kube-proxy deployed: its rules translate for the host namespace', () => {
    const facts = socketLbOff({});
    facts.kubeProxy = got({ pods: [{ name: 'kube-proxy-x', node: 'node-a', ready: true }] });
    expect(hostnsServiceLb.run(facts).map((x) => x.id)).toEqual(['hostns-service-lb/translated']);
  });

  test('without a client: a cluster-wide warning', () => {
    const [f] = hostnsServiceLb.run(socketLbOff());
    expect(f).toMatchObject({ id: 'hostns-service-lb/not-translated', status: 'warn' });
    expect(f!.node).toBeUndefined();
  });
});

test('ranking: host-namespace clients without socket LB explain "no kube-proxy deployed"', () => {
  const f = (id: string, cause: string): Finding => ({
    id,
    check: id.split('/')[0]!,
    status: 'fail',
    subject: 'cluster',
    message: id,
    evidence: [],
    cause,
  });
  const causes = rankRootCauses([
    f('kube-proxy-pods/not-deployed', 'kube-proxy-not-ready'),
    { ...f('hostns-service-lb/not-translated', 'hostns-client-no-socket-lb'), status: 'warn' },
  ]);
  expect(causes.map((c) => c.id)).toEqual(['hostns-client-no-socket-lb', 'kube-proxy-not-ready']);
  expect(causes[1]!.confidence).toBe('low');
});

describe('scenario hostns-client-no-socket-lb', () => {
  test('doctor --from the hostNetwork pod: top-1 on its node, explain hint, --fix restarts nothing', async () => {
    await withSim('hostns-client-no-socket-lb', async (sim) => {
      const before = podUids(sim);
      const r = await kdiag(['doctor', 'clusterip', 'kube-system/kube-dns', '--from', CLIENT, '--fix', '--yes'], {
        sim,
      });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/VERDICT: .*\[hostns-client-no-socket-lb\]/);
      expect(r.stdout).toContain('→ kdiag explain hostns-client-no-socket-lb');
      expect(r.stdout).toContain('--set socketLB.enabled=true');
      expect(podUids(sim)).toEqual(before);
      const j = json(
        await kdiag(['doctor', 'clusterip', 'kube-system/kube-dns', '--from', CLIENT, '-o', 'json'], { sim }),
      );
      expect(j.rootCauses[0]).toMatchObject({ id: 'hostns-client-no-socket-lb', nodes: ['node-2'] });
      expect(j.from).toMatchObject({ hostNetwork: true, node: 'node-2' });
    });
  });

  test('preflight: the cluster-wide finding comes first; the only other is the missing kube-proxy it explains', async () => {
    await withSim('hostns-client-no-socket-lb', async (sim) => {
      const r = await kdiag(['preflight', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const bad = json(r).findings.filter((f: any) => f.status === 'fail' || f.status === 'warn');
      for (const c of bad.map((f: any) => f.cause))
        expect(['hostns-client-no-socket-lb', 'kube-proxy-not-ready']).toContain(c);
      expect(bad[0]).toMatchObject({ id: 'hostns-service-lb/not-translated', cause: 'hostns-client-no-socket-lb' });
    });
  });
});
