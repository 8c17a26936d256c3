// Real kubectl (/usr/bin/kubectl) against the simulator: get, logs, exec, the seed's fix, auth can-i.
import { describeKubectl as maybe, haveKubectl, KUBECTL, kubectlOn } from '../helpers/kubectl.js';
import { agentPods, scenario, simulator, type SimHandle } from '../helpers/sim.js';

if (!haveKubectl && process.env.CI !== 'true') console.warn(`skipping kubectl tests: ${KUBECTL} not installed`);

maybe('kubectl against the simulator', () => {
  let sim: SimHandle;
  const kubectl = kubectlOn(() => sim);

  beforeAll(async () => {
    sim = await simulator('bpf-programs-not-loaded');
  });
  afterAll(async () => {
    await sim?.stop();
    kubectl.dispose();
  });

  test('get nodes', async () => {
    const r = await kubectl(['get', 'nodes']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['node-1', 'node-2', 'node-3', 'node-4', 'node-5']);
  });

  test('get cilium pods -o wide: one agent per node', async () => {
    const r = await kubectl(['-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=cilium', '-o', 'wide']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    const nodes = lines
      .slice(1)
      .map((l) => l.split(/\s+/)[6])
      .sort();
    expect(nodes).toEqual(['node-1', 'node-2', 'node-3', 'node-4', 'node-5']);
    expect(lines.slice(1).every((l) => /\s1\/1\s+Running\s/.test(l))).toBe(true);
  });

  test('logs', async () => {
    const pod = sim
      .pods('kube-system')
      .find(
        (p) =>
          p.spec &&
          (p.spec as { nodeName?: string }).nodeName === 'node-2' &&
          p.metadata.labels?.['k8s-app'] === 'cilium',
      )!;
    const r = await kubectl(['-n', 'kube-system', 'logs', pod.metadata.name, '-c', 'cilium-agent']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('msg="Error while reloading endpoint BPF program"');
  });

  test('exec cilium-dbg service list prints the real table; non-zero exit propagates', async () => {
    const pod = agentPods(sim)[0]!;
    const r = await kubectl([
      '-n',
      'kube-system',
      'exec',
      pod.metadata.name,
      '-c',
      'cilium-agent',
      '--',
      'cilium-dbg',
      'service',
      'list',
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^ID\s+Frontend\s+Service Type\s+Backend\s*$/);
    expect(r.stdout).toMatch(/\n\d+\s+10\.96\.10\.10:80\s+ClusterIP\s+1 => 10\.\d+\.\d+\.\d+:8080 \(active\)/);
    const bad = await kubectl([
      '-n',
      'kube-system',
      'exec',
      pod.metadata.name,
      '-c',
      'cilium-agent',
      '--',
      'sh',
      '-c',
      'exit 3',
    ]);
    expect(bad.exitCode).toBe(3);
    expect(bad.stderr).toContain('command terminated with exit code 3');
  });

  test("the seed's fix: delete the agents, wait for Ready, programs are back", async () => {
    const before = await kubectl(['-n', 'kube-system', 'exec', `ds/cilium`, '-c', 'cilium-agent', '--', 'true']);
    expect(before.exitCode).toBe(0);
    expect(sim.nodesWithFault('bpf-programs-not-loaded').sort()).toEqual(['node-2', 'node-4']);
    const del = await kubectl(['-n', 'kube-system', 'delete', 'pod', '-l', 'k8s-app=cilium']);
    expect(del.exitCode).toBe(0);
    expect(del.stdout.trim().split('\n')).toHaveLength(5);
    const wait = await kubectl([
      '-n',
      'kube-system',
      'wait',
      '--for=condition=Ready',
      'pod',
      '-l',
      'k8s-app=cilium',
      '--timeout=30s',
    ]);
    expect(wait.stderr).toBe('');
    expect(wait.exitCode).toBe(0);
    expect(
      wait.stdout
        .trim()
        .split('\n')
        .every((l) => l.endsWith('condition met')),
    ).toBe(true);
    expect(sim.nodesWithFault('bpf-programs-not-loaded')).toEqual([]);
    const pods = agentPods(sim);
    expect(pods).toHaveLength(5);
  });

  test('auth can-i', async () => {
    const yes = await kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'kube-system']);
    expect(yes.stdout.trim()).toBe('yes');
    expect(yes.exitCode).toBe(0);
  });
});

maybe('kubectl auth can-i with an RBAC denial', () => {
  let sim: SimHandle;
  const kubectl = kubectlOn(() => sim);
  beforeAll(async () => {
    sim = await simulator(
      scenario({
        description: 'rbac',
        count: 1,
        rbac: { deny: [{ verb: 'create', resource: 'pods/exec', namespace: 'kube-system' }] },
      }),
    );
  });
  afterAll(async () => {
    await sim?.stop();
    kubectl.dispose();
  });
  test('denied exec: can-i says no, exec gets 403', async () => {
    const no = await kubectl(['auth', 'can-i', 'create', 'pods', '--subresource=exec', '-n', 'kube-system']);
    expect(no.stdout.trim()).toBe('no');
    expect(no.exitCode).toBe(1);
    const pod = sim.pods('kube-system')[0]!;
    const ex = await kubectl.exec('kube-system', pod.metadata.name, 'cilium-agent', ['true']);
    expect(ex.exitCode).toBe(1);
    expect(ex.stderr).toContain(
      `pods "${pod.metadata.name}" is forbidden: User "kdiag" cannot create resource "pods/exec" in API group "" in the namespace "kube-system"`,
    );
  });
});
