// Data that agrees with itself, read back with real kubectl: Endpoints next to the slices, table columns,
// the DaemonSet template, and what a DELETE of a Service or a Node takes with it.
import { describeKubectl as maybe, kubectlOn } from '../helpers/kubectl.js';
import { agentPods, simulator, type SimHandle } from '../helpers/sim.js';

maybe('a simulated cluster that agrees with itself', () => {
  let sim: SimHandle;
  const kubectl = kubectlOn(() => sim);

  beforeAll(async () => {
    sim = await simulator('bpf-programs-not-loaded');
  });
  afterAll(async () => {
    await sim?.stop();
    kubectl.dispose();
  });

  test('kubectl get endpoints web lists the ready backends as ip:port', async () => {
    const r = await kubectl(['-n', 'default', 'get', 'endpoints', 'web']);
    expect(r.exitCode).toBe(0);
    const [head, row] = r.stdout.trim().split('\n');
    expect(head).toMatch(/^NAME\s+ENDPOINTS\s+AGE$/);
    expect(row).toMatch(/^web\s+\d+\.\d+\.\d+\.\d+:8080,\d+\.\d+\.\d+\.\d+:8080,\d+\.\d+\.\d+\.\d+:8080\s+\S+$/);
  });

  test('ServiceAccounts have the NAME SECRETS AGE columns', async () => {
    const r = await kubectl(['-n', 'kube-system', 'get', 'serviceaccounts']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SECRETS\s+AGE$/);
    expect(lines.slice(1).every((l) => /^\S+\s+\d+\s+\S+$/.test(l))).toBe(true);
  });

  test('the DaemonSet template has the init containers its pods have', async () => {
    const r = await kubectl([
      '-n',
      'kube-system',
      'get',
      'ds',
      'cilium',
      '-o',
      'jsonpath={.spec.template.spec.initContainers[*].name}',
    ]);
    const pod = agentPods(sim)[0]!;
    const podInits = (pod.spec as { initContainers: { name: string }[] }).initContainers.map((c) => c.name);
    expect(r.stdout.split(' ')).toEqual(podInits);
  });

  test('auth can-i --list (SelfSubjectRulesReview) and auth whoami (SelfSubjectReview) answer', async () => {
    const list = await kubectl(['-n', 'kube-system', 'auth', 'can-i', '--list']);
    expect(list.exitCode).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/);
    expect(list.stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    const who = await kubectl(['auth', 'whoami']);
    expect(who.exitCode).toBe(0);
    expect(who.stdout).toMatch(/^Username\s+kdiag$/m);
  });

  test('deleting a Service deletes its EndpointSlices and Endpoints', async () => {
    expect((await kubectl(['-n', 'default', 'delete', 'service', 'web'])).exitCode).toBe(0);
    const slices = await kubectl(['-n', 'default', 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=web']);
    expect(slices.stderr.trim()).toBe('No resources found in default namespace.');
    const ep = await kubectl(['-n', 'default', 'get', 'endpoints', 'web']);
    expect(ep.stderr.trim()).toBe('Error from server (NotFound): endpoints "web" not found');
  });

  test('deleting a Node deletes its pods and lowers the DaemonSet desired count', async () => {
    expect((await kubectl(['delete', 'node', 'node-5'])).exitCode).toBe(0);
    const pods = await kubectl(['get', 'pods', '-A', '--field-selector', 'spec.nodeName=node-5']);
    expect(pods.stderr.trim()).toBe('No resources found');
    const ds = await kubectl([
      '-n',
      'kube-system',
      'get',
      'ds',
      'cilium',
      '-o',
      'jsonpath={.status.desiredNumberScheduled}',
    ]);
    expect(ds.stdout).toBe('4');
    expect(agentPods(sim)).toHaveLength(4);
  });
});
