// kube-proxy-leftovers as a unit: the check over the nat table read in the agent, and the shipped scenario
// found top-1 by doctor (explain hint, the flush command, no restart) and by preflight.
import { kubeProxyLeftovers } from '../../src/checks/kube-proxy-leftovers.js';
import { failed } from '../../src/model/facts.js';
import { json, kdiag } from '../helpers/cli.js';
import { got, healthyFacts, statusOf } from '../helpers/facts.js';
import { podUids, withSim } from '../helpers/sim.js';

const CMD = ['iptables-save', '-t', 'nat'];
const RULE =
  '-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.10.10/32 --dport 80 -j KUBE-SVC-ABCDEFGHIJKLMNOP';

function withTables(a: string[], b: string[] = []) {
  const facts = healthyFacts();
  const t = (serviceChains: string[]) =>
    got({
      namespace: 'kube-system',
      pod: 'cilium-x',
      command: CMD,
      serviceChains,
      serviceRules: serviceChains.length ? [RULE] : [],
    });
  facts.kubeProxyLeftovers = new Map([
    ['node-a', t(a)],
    ['node-b', t(b)],
  ]);
  return facts;
}

describe('kube-proxy-leftovers check', () => {
  test('nothing when the table was not read (kube-proxy runs or KPR is off)', () => {
    expect(kubeProxyLeftovers.run(healthyFacts())).toEqual([]);
  });

  test('passes on a nat table without KUBE-SVC chains', () => {
    const f = kubeProxyLeftovers.run(withTables([]));
    expect(statusOf(f, 'kube-proxy-leftovers/clean', 'node-a')).toBe('pass');
    expect(statusOf(f, 'kube-proxy-leftovers/clean', 'node-b')).toBe('pass');
  });

  test('KUBE-SVC chains fail with the flush command, not a restart', () => {
    const f = kubeProxyLeftovers.run(withTables(['KUBE-SVC-ABCDEFGHIJKLMNOP']));
    expect(statusOf(f, 'kube-proxy-leftovers/leftovers', 'node-a')).toBe('fail');
    const bad = f.find((x) => x.id === 'kube-proxy-leftovers/leftovers')!;
    expect(bad.cause).toBe('kube-proxy-leftovers');
    expect(bad.evidence[0]!.command).toEqual(CMD);
    expect(bad.evidence[0]!.excerpt).toContain('KUBE-SVC-ABCDEFGHIJKLMNOP');
    expect(bad.remediation?.autoFixable).toBe(false);
    expect(bad.remediation?.commands).toContain('iptables-save | grep -v KUBE | iptables-restore');
    expect(statusOf(f, 'kube-proxy-leftovers/clean', 'node-b')).toBe('pass');
  });

  test('a table that could not be read is unknown with the reason', () => {
    const facts = withTables([]);
    facts.kubeProxyLeftovers!.set('node-a', failed('iptables-save -t nat exited 127: iptables-save: not found'));
    const f = kubeProxyLeftovers.run(facts);
    const a = f.find((x) => x.node === 'node-a')!;
    expect(a.status).toBe('unknown');
    expect(a.message).toContain('iptables-save: not found');
  });
});

describe('scenario kube-proxy-leftovers', () => {
  test('doctor: top-1 on node-2 and node-3, explain hint, what must change, and --fix restarts nothing', async () => {
    await withSim('kube-proxy-leftovers', async (sim) => {
      const r = await kdiag(['doctor', 'clusterip', 'kube-system/kube-dns'], { sim });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/VERDICT: .*\[kube-proxy-leftovers\]/);
      expect(r.stdout).toContain('→ kdiag explain kube-proxy-leftovers');
      expect(r.stdout).toContain('iptables-save | grep -v KUBE | iptables-restore');
      const before = podUids(sim);
      const fix = await kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json'], { sim });
      const top = json(fix).rootCauses[0];
      expect(top).toMatchObject({ id: 'kube-proxy-leftovers', nodes: ['node-2', 'node-3'], fixableByRestart: false });
      expect(fix.stdout).toContain('grep -v KUBE');
      expect(podUids(sim)).toEqual(before);
    });
  });

  test('preflight: fails, and the first failing finding is the leftover chains', async () => {
    await withSim('kube-proxy-leftovers', async (sim) => {
      const r = await kdiag(['preflight', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const bad = json(r).findings.filter((f: any) => f.status === 'fail' || f.status === 'warn');
      expect(bad.length).toBeGreaterThan(0);
      for (const f of bad) expect(f.cause).toBe('kube-proxy-leftovers');
      expect(bad[0]).toMatchObject({ id: 'kube-proxy-leftovers/leftovers', node: 'node-2' });
    });
  });
});
