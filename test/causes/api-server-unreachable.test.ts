// api-server-unreachable as a unit: the check over the agent log, the ranking against the crash loop it
// explains, and the shipped scenario found top-1 by doctor (no restart) and by preflight.
import { apiServerReach } from '../../src/checks/api-server-reach.js';
import { rankRootCauses } from '../../src/engine/rank.js';
import { parseLogLine } from '../../src/cilium/formats/log.js';
import { json, kdiag } from '../helpers/cli.js';
import { got, healthyFacts, statusOf } from '../helpers/facts.js';
import { podUids, withSim } from '../helpers/sim.js';
import type { Finding } from '../../src/model/check.js';

// pkg/k8s/client; the shape Cilium's install troubleshooting docs quote.
const LINE =
  'time="2024-07-28T15:08:08Z" level=error msg="Unable to contact k8s api-server" error="Get \\"https://10.96.0.1:443/api/v1/namespaces/kube-system\\": dial tcp 10.96.0.1:443: i/o timeout" ipAddr="https://10.96.0.1:443" subsys=k8s-client';

describe('api-server-reach check', () => {
  test('passes on clean logs', () => {
    expect(apiServerReach.run(healthyFacts()).every((f) => f.id === 'api-server-reach/reached')).toBe(true);
  });

  test('fails on the contact error, naming the address and the helm values, no restart', () => {
    const facts = healthyFacts();
    facts.agentLogs.set('node-a', got({ records: [parseLogLine(LINE)], lines: 1, previous: true }));
    const f = apiServerReach.run(facts);
    expect(statusOf(f, 'api-server-reach/unreachable', 'node-a')).toBe('fail');
    const bad = f.find((x) => x.id === 'api-server-reach/unreachable')!;
    expect(bad.message).toContain('https://10.96.0.1:443');
    expect(bad.cause).toBe('api-server-unreachable');
    expect(bad.remediation?.autoFixable).toBe(false);
    expect(bad.remediation?.commands.join('\n')).toContain('--set k8sServiceHost=');
  });
});

test('ranking: an unreachable API server explains the crash-looping agent on the same node', () => {
  const f = (id: string, cause: string): Finding => ({
    id,
    check: id.split('/')[0]!,
    status: 'fail',
    subject: 'node/n1',
    node: 'n1',
    message: id,
    evidence: [],
    cause,
  });
  const causes = rankRootCauses([
    f('agent-pods/crash-loop', 'agent-not-ready'),
    f('api-server-reach/unreachable', 'api-server-unreachable'),
  ]);
  expect(causes.map((c) => c.id)).toEqual(['api-server-unreachable', 'agent-not-ready']);
  expect(causes[1]!.explainedBy).toEqual({ 'api-server-unreachable': ['n1'] });
});

describe('scenario api-server-unreachable', () => {
  test('doctor: top-1 on every node; --fix restarts nothing and says what must change', async () => {
    await withSim('api-server-unreachable', async (sim) => {
      const before = podUids(sim);
      const r = await kdiag(['doctor', 'clusterip', '--fix', '--yes'], { sim });
      expect(r.stdout).toMatch(/VERDICT: .*\[api-server-unreachable\]/);
      expect(r.stdout).toContain('affected: node-1, node-2, node-3');
      expect(r.stdout).toContain('--set k8sServiceHost=');
      expect(r.stdout).toContain('→ kdiag explain api-server-unreachable');
      expect(podUids(sim)).toEqual(before);
    });
  });

  test('preflight: fails, first failing finding points at the unreachable API server', async () => {
    await withSim('api-server-unreachable', async (sim) => {
      const r = await kdiag(['preflight', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const bad = json(r).findings.filter((f: any) => f.status === 'fail' && f.cause !== 'agent-not-ready');
      expect(bad[0].cause).toBe('api-server-unreachable');
    });
  });
});
