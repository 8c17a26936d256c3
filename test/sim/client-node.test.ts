// client-node 1.4 against the simulator: lists, pagination, errors, logs, exec and watch.
import { ApiException, CoreV1Api, Log, Watch, type V1Pod } from '@kubernetes/client-node';
import { agentPods, scenario, simulator, type SimHandle } from '../helpers/sim.js';
import { execIn, kubeConfig, rawRequest, Sink, until } from './helpers.js';

let sim: SimHandle;

beforeAll(async () => {
  sim = await simulator(
    scenario({
      description: 'client-node test',
      count: 4,
      services: { generated: { count: 30, namespaces: ['shop'] } },
      rbac: { deny: [{ verb: 'list', resource: 'secrets' }] },
    }),
  );
});
afterAll(async () => {
  await sim?.stop();
});

function api(): CoreV1Api {
  return kubeConfig(sim.kubeconfigPath).makeApiClient(CoreV1Api);
}

async function statusOf(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, body: JSON.parse(String(e.body)) as Record<string, unknown> };
    throw e;
  }
  throw new Error('expected an error');
}

test('lists pods with limit/continue pagination', async () => {
  const core = api();
  const all = await core.listNamespacedPod({ namespace: 'shop' });
  expect(all.items.length).toBe(60);
  const seen: string[] = [];
  let cont: string | undefined;
  let firstRv: string | undefined;
  let pages = 0;
  do {
    const page = await core.listNamespacedPod({ namespace: 'shop', limit: 25, _continue: cont });
    firstRv ??= page.metadata?.resourceVersion;
    expect(page.metadata?.resourceVersion).toBe(firstRv);
    if (page.metadata?._continue) expect(page.metadata.remainingItemCount).toBe(60 - seen.length - page.items.length);
    seen.push(...page.items.map((p) => p.metadata!.name!));
    cont = page.metadata?._continue;
    pages++;
  } while (cont);
  expect(pages).toBe(3);
  expect(seen).toEqual(all.items.map((p) => p.metadata!.name));
});

test('rejects a bad continue token with 400', async () => {
  const r = await statusOf(
    api().listNamespacedPod({ namespace: 'kube-system', limit: 2, _continue: 'not-a-valid-token' }),
  );
  expect(r.code).toBe(400);
  expect(r.body.message).toBe(
    'invalid continue token: continue key is not valid: illegal base64 data at input byte 16',
  );
});

test('get, 404, label and field selectors', async () => {
  const core = api();
  const agents = await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=cilium' });
  expect(agents.items).toHaveLength(4);
  const one = await core.readNamespacedPod({ namespace: 'kube-system', name: agents.items[0]!.metadata!.name! });
  expect(one.spec?.nodeName).toBe(agents.items[0]!.spec?.nodeName);
  const onNode = await core.listNamespacedPod({ namespace: 'kube-system', fieldSelector: 'spec.nodeName=node-2' });
  // every pod the field selects is on node-2 (the agent, and a CoreDNS pod where kube-dns placed one)
  expect(onNode.items.length).toBeGreaterThan(0);
  expect(new Set(onNode.items.map((p) => p.spec?.nodeName))).toEqual(new Set(['node-2']));
  expect(onNode.items.filter((p) => p.metadata?.labels?.['k8s-app'] === 'cilium')).toHaveLength(1);
  const inSet = await core.listPodForAllNamespaces({ labelSelector: 'k8s-app in (cilium,kube-proxy)' });
  expect(inSet.items).toHaveLength(4);
  const nf = await statusOf(core.readNamespacedPod({ namespace: 'kube-system', name: 'cilium-nope1' }));
  expect(nf.code).toBe(404);
  expect(nf.body).toEqual({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'pods "cilium-nope1" not found',
    reason: 'NotFound',
    details: { name: 'cilium-nope1', kind: 'pods' },
    code: 404,
  });
  const bad = await statusOf(core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app===x!' }));
  expect(bad.code).toBe(400);
  expect(bad.body.message).toBe("unable to parse requirement: found '=', expected: identifier");
  const badField = await statusOf(
    core.listNamespacedPod({ namespace: 'kube-system', fieldSelector: 'spec.bogusField=x' }),
  );
  expect(badField.body.message).toBe('field label not supported: spec.bogusField');
});

test('401 with a wrong token, 403 for a denied resource', async () => {
  const kc = kubeConfig(sim.kubeconfigPath);
  kc.users[0] = { ...kc.users[0]!, token: 'wrong' };
  // client-node leaves ApiException.body undefined for 401 (no schema in its OpenAPI spec); check the wire too
  await expect(kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'kube-system' })).rejects.toMatchObject({
    code: 401,
  });
  const raw = await rawRequest({ ...sim, token: 'wrong' }, '/api/v1/namespaces/kube-system/pods');
  expect(raw.status).toBe(401);
  expect(JSON.parse(raw.body)).toEqual({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  });
  const f = await statusOf(api().listSecretForAllNamespaces());
  expect(f.code).toBe(403);
  expect(f.body.message).toBe(
    'secrets is forbidden: User "kdiag" cannot list resource "secrets" in API group "" at the cluster scope',
  );
  expect(f.body.reason).toBe('Forbidden');
});

test('logs with tailLines', async () => {
  const kc = kubeConfig(sim.kubeconfigPath);
  const pod = agentPods(sim)[0]!;
  const sink = new Sink();
  const finished = new Promise<void>((resolve) => sink.on('finish', () => resolve()));
  await new Log(kc).log('kube-system', pod.metadata.name, 'cilium-agent', sink, { tailLines: 2 });
  await finished;
  const lines = sink.text().trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/level=info msg=/);
});

test('exec: stdout, stderr and the exit code from the status channel', async () => {
  const kc = kubeConfig(sim.kubeconfigPath);
  const pod = agentPods(sim)[0]!;
  const ok = await execIn(kc, 'kube-system', pod.metadata.name, 'cilium-agent', ['cilium-dbg', 'service', 'list']);
  expect(ok.exitCode).toBe(0);
  expect(ok.status.status).toBe('Success');
  expect(ok.stdout.split('\n')[0]).toMatch(/^ID\s+Frontend\s+Service Type\s+Backend/);
  expect(ok.stdout).toContain('10.96.0.1:443');
  const bad = await execIn(kc, 'kube-system', pod.metadata.name, 'cilium-agent', ['cilium-dbg', 'nope']);
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toContain('unknown command "nope" for "cilium-dbg"');
  expect(bad.status.reason).toBe('NonZeroExitCode');
  const missing = await execIn(kc, 'kube-system', pod.metadata.name, 'cilium-agent', ['cilium', 'status']);
  expect(missing.exitCode).toBe(127);
  const json = await execIn(kc, 'kube-system', pod.metadata.name, 'cilium-agent', [
    'cilium-dbg',
    'service',
    'list',
    '-o',
    'json',
  ]);
  const parsed = JSON.parse(json.stdout) as unknown[];
  expect(parsed.length).toBeGreaterThan(30);
});

test('watch: ADDED for current state, then MODIFIED and DELETED live', async () => {
  const kc = kubeConfig(sim.kubeconfigPath);
  const pod = agentPods(sim)[0]!;
  const events: { type: string; name: string; deleting: boolean }[] = [];
  const ctl = await new Watch(kc).watch(
    '/api/v1/namespaces/kube-system/pods',
    { fieldSelector: `metadata.name=${pod.metadata.name}` },
    (type, obj: V1Pod) => events.push({ type, name: obj.metadata!.name!, deleting: !!obj.metadata?.deletionTimestamp }),
    () => undefined,
  );
  await until(() => events.length >= 1, 10000, 'ADDED');
  expect(events[0]).toEqual({ type: 'ADDED', name: pod.metadata.name, deleting: false });
  await api().deleteNamespacedPod({ namespace: 'kube-system', name: pod.metadata.name });
  await until(() => events.some((e) => e.type === 'DELETED'), 20000, 'DELETED');
  ctl.abort();
  expect(events.find((e) => e.type === 'MODIFIED')?.deleting).toBe(true);
});
