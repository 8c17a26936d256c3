// Real kubectl writing to the simulator: label, annotate, patch (three types), cordon/uncordon, create
// namespace/configmap, set image, rollout restart, dry-run and conflicts, and the cascades a DELETE has.
import { describeKubectl as maybe, kubectlOn } from '../helpers/kubectl.js';
import { agentPods, simulator, type SimHandle } from '../helpers/sim.js';
import { rawRequest, until } from './helpers.js';

maybe('kubectl writes against the simulator', () => {
  let sim: SimHandle;
  const kubectl = kubectlOn(() => sim);
  const node = (name: string) => sim.list('nodes').find((n) => n.metadata.name === name)!;
  const cm = (ns: string, name: string) => sim.list('configmaps', ns).find((c) => c.metadata.name === name);

  beforeAll(async () => {
    sim = await simulator('bpf-programs-not-loaded');
  });
  afterAll(async () => {
    await sim?.stop();
    kubectl.dispose();
  });

  test('label and annotate', async () => {
    const l = await kubectl(['label', 'node', 'node-1', 'team=net']);
    expect(l.stderr).toBe('');
    expect(l.stdout.trim()).toBe('node/node-1 labeled');
    expect(node('node-1').metadata.labels?.team).toBe('net');
    const a = await kubectl(['-n', 'default', 'annotate', 'service', 'web', 'owner=netops']);
    expect(a.stdout.trim()).toBe('service/web annotated');
    const web = sim.list('services', 'default').find((s) => s.metadata.name === 'web')!;
    expect(web.metadata.annotations?.owner).toBe('netops');
  });

  test('server-side dry-run changes nothing', async () => {
    const r = await kubectl(['label', 'node', 'node-2', 'dry=run', '--dry-run=server']);
    expect(r.stdout.trim()).toBe('node/node-2 labeled (server dry run)');
    expect(node('node-2').metadata.labels?.dry).toBeUndefined();
  });

  test('patch: strategic merge, JSON merge and JSON patch', async () => {
    const ns = ['-n', 'kube-system'];
    let r = await kubectl([...ns, 'patch', 'configmap', 'cilium-config', '-p', '{"data":{"sim-a":"1"}}']);
    expect(r.stdout.trim()).toBe('configmap/cilium-config patched');
    r = await kubectl([
      ...ns,
      'patch',
      'configmap',
      'cilium-config',
      '--type',
      'merge',
      '-p',
      '{"data":{"sim-b":"2"}}',
    ]);
    expect(r.exitCode).toBe(0);
    r = await kubectl([
      ...ns,
      'patch',
      'configmap',
      'cilium-config',
      '--type',
      'json',
      '-p',
      '[{"op":"add","path":"/data/sim-c","value":"3"},{"op":"remove","path":"/data/sim-a"}]',
    ]);
    expect(r.exitCode).toBe(0);
    const data = cm('kube-system', 'cilium-config')!.data as Record<string, string>;
    expect(data['sim-a']).toBeUndefined();
    expect([data['sim-b'], data['sim-c']]).toEqual(['2', '3']);
    // a JSON patch on a missing path is rejected, as apimachinery does
    r = await kubectl([
      ...ns,
      'patch',
      'configmap',
      'cilium-config',
      '--type',
      'json',
      '-p',
      '[{"op":"remove","path":"/nope"}]',
    ]);
    expect(r.exitCode).toBe(1);
  });

  test('a PUT with a stale resourceVersion is a 409 Conflict', async () => {
    const cur = cm('kube-system', 'cilium-config')!;
    const stale = { ...cur, metadata: { ...cur.metadata, resourceVersion: '1' } };
    const r = await rawRequest(sim, '/api/v1/namespaces/kube-system/configmaps/cilium-config', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(stale),
    });
    expect(r.status).toBe(409);
    expect(JSON.parse(r.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on configmaps "cilium-config": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'cilium-config', kind: 'configmaps' },
      code: 409,
    });
    const ok = await rawRequest(sim, '/api/v1/namespaces/kube-system/configmaps/cilium-config', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...cur, data: { ...(cur.data as object), put: 'yes' } }),
    });
    expect(ok.status).toBe(200);
    expect((cm('kube-system', 'cilium-config')!.data as Record<string, string>).put).toBe('yes');
  });

  test('cordon and uncordon', async () => {
    expect((await kubectl(['cordon', 'node-3'])).stdout.trim()).toBe('node/node-3 cordoned');
    const g = await kubectl(['get', 'node', 'node-3']);
    expect(g.stdout).toMatch(/node-3\s+Ready,SchedulingDisabled/);
    expect((await kubectl(['uncordon', 'node-3'])).stdout.trim()).toBe('node/node-3 uncordoned');
    expect((node('node-3').spec as { unschedulable?: boolean }).unschedulable).toBeUndefined();
  });

  test('create namespace and configmap; a second create is AlreadyExists', async () => {
    expect((await kubectl(['create', 'namespace', 'team-a'])).stdout.trim()).toBe('namespace/team-a created');
    const ns = await kubectl(['get', 'namespace', 'team-a']);
    expect(ns.stdout).toMatch(/team-a\s+Active/);
    const c = await kubectl(['-n', 'team-a', 'create', 'configmap', 'settings', '--from-literal=mode=fast']);
    expect(c.stdout.trim()).toBe('configmap/settings created');
    expect(cm('team-a', 'settings')!.data).toEqual({ mode: 'fast' });
    const again = await kubectl(['-n', 'team-a', 'create', 'configmap', 'settings', '--from-literal=mode=slow']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('configmaps "settings" already exists');
  });

  test('a write the simulator does not implement says so (405)', async () => {
    const r = await kubectl(['-n', 'default', 'run', 'x', '--image=busybox']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('create of pods is not simulated by kdiag sim');
  });

  test('rollout restart daemonset/cilium replaces every agent and clears the restart-fixable faults', async () => {
    const before = agentPods(sim).map((p) => p.metadata.name);
    expect(sim.nodesWithFault('bpf-programs-not-loaded').sort()).toEqual(['node-2', 'node-4']);
    const r = await kubectl(['-n', 'kube-system', 'rollout', 'restart', 'daemonset/cilium']);
    expect(r.stdout.trim()).toBe('daemonset.apps/cilium restarted');
    const st = await kubectl(['-n', 'kube-system', 'rollout', 'status', 'daemonset/cilium', '--timeout=50s']);
    expect(st.exitCode).toBe(0);
    expect(st.stdout).toContain('daemon set "cilium" successfully rolled out');
    const after = agentPods(sim);
    expect(after).toHaveLength(5);
    expect(after.some((p) => before.includes(p.metadata.name))).toBe(false);
    expect(after.every((p) => p.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'])).toBe(true);
    expect(sim.nodesWithFault('bpf-programs-not-loaded')).toEqual([]);
  });

  test('set image rolls the agents onto the new image', async () => {
    const r = await kubectl([
      '-n',
      'kube-system',
      'set',
      'image',
      'daemonset/cilium',
      'cilium-agent=quay.io/cilium/cilium:v1.16.6',
    ]);
    expect(r.stdout.trim()).toBe('daemonset.apps/cilium image updated');
    await until(
      () =>
        agentPods(sim).length === 5 &&
        agentPods(sim).every(
          (p) =>
            (p.spec as { containers: { image: string }[] }).containers[0]!.image === 'quay.io/cilium/cilium:v1.16.6',
        ),
      50_000,
      'agents on the new image',
    );
  });
});
