// The cluster layer against the simulated API server over real HTTP/WebSocket.
import { KubeClient } from '../../src/cluster/client.js';
import { ForbiddenError, KdiagError } from '../../src/errors.js';
import { EXEC_DENIED, scenario, simulator, withSim, type SimHandle } from '../helpers/sim.js';

type Tuning = Partial<{ requestTimeoutMs: number; retries: number }>;
const connect = (sim: SimHandle, extra: Tuning = {}) =>
  KubeClient.connect({ kubeconfig: sim.kubeconfigPath, requestTimeoutMs: 10_000, concurrency: 4, ...extra });

/** A client on a simulator for one callback; both closed after it. */
const withClient = (s: Parameters<typeof withSim>[0], extra: Tuning, fn: (c: KubeClient) => Promise<void>) =>
  withSim(s, async (sim) => {
    const c = await connect(sim, extra);
    try {
      await fn(c);
    } finally {
      c.close();
    }
  });

describe('cluster layer on the healthy simulator', () => {
  let sim: SimHandle;
  let client: KubeClient;
  beforeAll(async () => {
    sim = await simulator('healthy');
    client = await connect(sim);
  });
  afterAll(async () => {
    client.close();
    await sim.stop();
  });

  test('lists page by page with limit/continue and loses nothing', async () => {
    const all = await client.listAll('/api/v1/pods', { pageSize: 500 });
    const before = client.requests;
    const paged = await client.listAll('/api/v1/pods', { pageSize: 2 });
    expect(paged.map((p) => p.metadata?.name).sort()).toEqual(all.map((p) => p.metadata?.name).sort());
    expect(client.requests - before).toBe(Math.ceil(all.length / 2));
    expect(all.length).toBeGreaterThan(4);
  });

  test('label and field selectors reach the server', async () => {
    const agents = await client.listAll('/api/v1/namespaces/kube-system/pods', { labelSelector: 'k8s-app=cilium' });
    expect(agents).toHaveLength(3);
    const one = await client.listAll('/api/v1/namespaces/kube-system/pods', {
      labelSelector: 'k8s-app=cilium',
      fieldSelector: 'spec.nodeName=node-2',
    });
    expect(one.map((p) => (p as { spec?: { nodeName?: string } }).spec?.nodeName)).toEqual(['node-2']);
  });

  test('get of a missing object is a typed not-found; getOptional answers undefined', async () => {
    await expect(client.get('/api/v1/namespaces/default/pods/nope')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(client.getOptional('/api/v1/namespaces/default/pods/nope')).resolves.toBeUndefined();
  });

  test('logs with tail', async () => {
    const [agent] = await client.listAll('/api/v1/namespaces/kube-system/pods', { labelSelector: 'k8s-app=cilium' });
    const text = await client.logs('kube-system', agent.metadata!.name!, { container: 'cilium-agent', tailLines: 3 });
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/level=/);
  });

  test('exec returns stdout, stderr and the exit code from the status channel', async () => {
    const [agent] = await client.listAll('/api/v1/namespaces/kube-system/pods', { labelSelector: 'k8s-app=cilium' });
    const name = agent.metadata!.name!;
    const ok = await client.exec('kube-system', name, 'cilium-agent', ['cilium-dbg', 'service', 'list']);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout.split('\n')[0]).toMatch(/^ID\s+Frontend\s+Service Type\s+Backend/);
    const missing = await client.exec('kube-system', name, 'cilium-agent', ['no-such-tool']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/not found/);
  });

  test('an unknown container is a typed error carrying the server message', async () => {
    const [agent] = await client.listAll('/api/v1/namespaces/kube-system/pods', { labelSelector: 'k8s-app=cilium' });
    await expect(client.exec('kube-system', agent.metadata!.name!, 'nope', ['true'])).rejects.toThrow(
      /container nope is not valid/,
    );
  });

  test('SelfSubjectAccessReview answers allowed', async () => {
    await expect(client.canI('create', 'pods/exec', 'kube-system')).resolves.toBe(true);
  });
});

describe('cluster layer failure modes', () => {
  test('a wrong token is a one-line unauthorized error', async () => {
    await withSim('healthy', async (sim) => {
      const { readFileSync, writeFileSync } = await import('node:fs');
      const bad = sim.kubeconfigPath + '.bad';
      writeFileSync(bad, readFileSync(sim.kubeconfigPath, 'utf8').replace(sim.token, 'wrong-token'));
      const c = await KubeClient.connect({ kubeconfig: bad, requestTimeoutMs: 5000, concurrency: 1 });
      await expect(c.listAll('/api/v1/nodes')).rejects.toMatchObject({ kind: 'unauthorized', status: 401 });
      c.close();
    });
  });

  test('403 names the verb, resource and namespace that were denied; SSAR agrees', async () => {
    await withClient(EXEC_DENIED, {}, async (c) => {
      const [agent] = await c.listAll('/api/v1/namespaces/kube-system/pods', { labelSelector: 'k8s-app=cilium' });
      const err = await c.exec('kube-system', agent.metadata!.name!, 'cilium-agent', ['uname', '-r']).catch((e) => e);
      expect(err).toBeInstanceOf(ForbiddenError);
      expect(err.message).toContain('cannot create pods/exec in kube-system');
      await expect(c.canI('create', 'pods/exec', 'kube-system')).resolves.toBe(false);
    });
  });

  test('a hung exec ends at its timeout', async () => {
    const hang = scenario({ description: 'hang', count: 2, faults: [{ kind: 'exec-hangs', nodes: [1] }] });
    await withClient(hang, {}, async (c) => {
      const pods = await c.listAll('/api/v1/namespaces/kube-system/pods', {
        labelSelector: 'k8s-app=cilium',
        fieldSelector: 'spec.nodeName=node-1',
      });
      await expect(
        c.exec('kube-system', pods[0].metadata!.name!, 'cilium-agent', ['cilium-dbg', 'status'], { timeoutMs: 300 }),
      ).rejects.toMatchObject({ kind: 'timeout' });
    });
  });

  test('429 with Retry-After is retried, then succeeds', async () => {
    const throttled = scenario({
      description: 'throttled',
      api: { faults: [{ path: '/api/v1/nodes', status: 429, times: 2, retryAfterSeconds: 0 }] },
    });
    await withClient(throttled, {}, async (c) => {
      const nodes = await c.listAll('/api/v1/nodes');
      expect(nodes).toHaveLength(3);
      expect(c.requests).toBe(3);
    });
  });

  test('503 beyond the retries is reported as a server error', async () => {
    const down = scenario({
      description: 'down',
      api: { faults: [{ path: '/api/v1/nodes', status: 503, retryAfterSeconds: 0 }] },
    });
    await withClient(down, { retries: 1 }, async (c) => {
      await expect(c.listAll('/api/v1/nodes')).rejects.toMatchObject({ kind: 'server', status: 503 });
    });
  });

  test('a slow API hits the request timeout', async () => {
    const slow = scenario({ description: 'slow', api: { latencyMs: 2000 } });
    await withClient(slow, { requestTimeoutMs: 200 }, async (c) => {
      await expect(c.listAll('/api/v1/nodes')).rejects.toMatchObject({ kind: 'timeout' });
    });
  });

  test('connection refused is a one-line unreachable error', async () => {
    const sim = await simulator('healthy');
    const c = await connect(sim);
    await sim.stop();
    const err = await c.listAll('/api/v1/nodes').catch((e) => e);
    expect(err).toBeInstanceOf(KdiagError);
    expect(err.kind).toBe('unreachable');
    expect(err.message).not.toContain('\n');
    c.close();
  });
});
