// `doctor clusterip --fix --dry-run` on each issue-15 scenario: the plan restarts nothing (a restart fixes
// none of these causes) and the FIX section names the exact helm value or command, filled in from this
// cluster where kdiag can see it (the API server's own address). The built CLI against the simulator.
import { kdiag } from '../helpers/cli.js';
import { podUids, withSim } from '../helpers/sim.js';

/** Scenario → what the FIX section must say, verbatim (a string) or in shape (a RegExp). */
const EXPECT: [string, string | RegExp][] = [
  ['lb-map-full', 'helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set bpf.lbMapMax=131072'],
  ['socket-lb-cannot-attach', '--set socketLB.enabled=false'],
  ['hostns-client-no-socket-lb', '--set socketLB.enabled=true --set socketLB.hostNamespaceOnly=true'],
  ['sidecar-bypassed', '--reuse-values --set socketLB.hostNamespaceOnly=true'],
  ['kube-proxy-leftovers', 'iptables-save | grep -v KUBE | iptables-restore'],
  // the address the API server publishes in the default/kubernetes EndpointSlice, not a placeholder
  ['api-server-unreachable', /--set k8sServiceHost=\d+\.\d+\.\d+\.\d+ --set k8sServicePort=\d+\b/],
  ['api-server-x509', /--set k8sServiceHost=\d+\.\d+\.\d+\.\d+ --set k8sServicePort=\d+\b/],
  ['conntrack-table-full', '--set bpf.ctTcpMax=1048576 --set bpf.ctAnyMax=524288'],
  ['hairpin-policy-drop', 'kubectl get networkpolicies,ciliumnetworkpolicies -A'],
  [
    'xdp-native-attach-failed',
    'helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set loadBalancer.acceleration=best-effort',
  ],
];

describe.each(EXPECT)('doctor --fix --dry-run on %s', (name, says) => {
  test('restarts nothing and says what must change, exactly', async () => {
    await withSim(name, async (sim) => {
      const exp = sim.scenario.expect;
      // A client-side or observed cause is looked for the way the user would: on the Service, from the client.
      const svc = exp.from || exp.observe ? [exp.services![0]!] : [];
      const args = [
        'doctor',
        'clusterip',
        ...svc,
        ...(exp.from ? ['--from', exp.from] : []),
        ...(exp.observe ? ['--observe', exp.observe] : []),
        '--fix',
        '--dry-run',
      ];
      const before = podUids(sim);
      const r = await kdiag(args, { sim, env: { COLUMNS: '400' } });
      expect(r.exitCode).toBe(1);
      const fix = r.stdout.slice(r.stdout.indexOf('\nFIX\n'));
      expect(fix).toContain('a restart will not fix this');
      expect(fix).not.toMatch(/delete pod/);
      if (typeof says === 'string') expect(fix).toContain(says);
      else expect(fix).toMatch(says);
      expect(podUids(sim)).toEqual(before);
    });
  }, 120_000);
});
