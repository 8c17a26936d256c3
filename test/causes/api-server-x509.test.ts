// api-server-unreachable, the variants after kube-proxy removal besides the timeout: k8sServiceHost names an
// address the API server's certificate does not cover (x509), or k8sServicePort is wrong (connection
// refused). The check names what to change; the x509 scenario is found top-1 by doctor and by preflight.
import { apiServerReach } from '../../src/checks/api-server-reach.js';
import { parseLogLine } from '../../src/cilium/formats/log.js';
import { json, kdiag } from '../helpers/cli.js';
import { got, healthyFacts } from '../helpers/facts.js';
import { podUids, withSim } from '../helpers/sim.js';

// As pasted in cilium/cilium#34153 (kind, 1.16): Go's crypto/x509 HostnameError inside the agent's error field.
const X509 =
  'time="2024-08-02T19:16:16Z" level=error msg="Unable to contact k8s api-server" error="Get \\"https://10.96.103.181:443/api/v1/namespaces/kube-system\\": tls: failed to verify certificate: x509: certificate is valid for 10.96.0.1, 172.18.0.4, 127.0.0.1, not 10.96.103.181" ipAddr="https://10.96.103.181:443" subsys=k8s-client';
// The same line with Go's net error for a port nothing listens on.
const REFUSED =
  'time="2024-08-02T19:16:16Z" level=error msg="Unable to contact k8s api-server" error="Get \\"https://172.21.0.2:443/api/v1/namespaces/kube-system\\": dial tcp 172.21.0.2:443: connect: connection refused" ipAddr="https://172.21.0.2:443" subsys=k8s-client';

function unreachable(line: string) {
  const facts = healthyFacts();
  facts.agentLogs.set('node-a', got({ records: [parseLogLine(line)], lines: 1, previous: true }));
  return apiServerReach.run(facts).find((f) => f.id === 'api-server-reach/unreachable')!;
}

describe('api-server-reach variants', () => {
  test('x509: names the certificate SANs and the address that is not among them', () => {
    const f = unreachable(X509);
    expect(f.status).toBe('fail');
    expect(f.cause).toBe('api-server-unreachable');
    expect(f.message).toContain('valid for 10.96.0.1, 172.18.0.4, 127.0.0.1, not 10.96.103.181');
    expect(f.message).toContain('set k8sServiceHost to an address the certificate names');
    expect(f.remediation?.autoFixable).toBe(false);
  });

  test('connection refused: the port is wrong', () => {
    const f = unreachable(REFUSED);
    expect(f.message).toContain('the port is wrong');
    expect(f.message).toContain('k8sServicePort');
  });
});

describe('scenario api-server-x509', () => {
  test('doctor: top-1 api-server-unreachable on every node, the SANs in the output, no restart', async () => {
    await withSim('api-server-x509', async (sim) => {
      const before = podUids(sim);
      const r = await kdiag(['doctor', 'clusterip', '--fix', '--yes'], { sim });
      expect(r.stdout).toMatch(/VERDICT: .*\[api-server-unreachable\]/);
      expect(r.stdout).toContain('affected: node-1, node-2, node-3');
      expect(r.stdout).toContain('not 10.96.103.181');
      expect(r.stdout).toContain('--set k8sServiceHost=');
      expect(r.stdout).toContain('→ kdiag explain api-server-unreachable');
      expect(podUids(sim)).toEqual(before);
    });
  });

  test('preflight: fails, first failing finding points at the unreachable API server', async () => {
    await withSim('api-server-x509', async (sim) => {
      const r = await kdiag(['preflight', '-o', 'json'], { sim });
      expect(r.exitCode).toBe(1);
      const bad = json(r).findings.filter((f: any) => f.status === 'fail' && f.cause !== 'agent-not-ready');
      expect(bad[0].cause).toBe('api-server-unreachable');
      const reach = bad.find((f: any) => f.id === 'api-server-reach/unreachable');
      expect(reach.message).toContain('certificate is valid for 10.96.0.1, 172.18.0.4, 127.0.0.1, not 10.96.103.181');
    });
  });
});
