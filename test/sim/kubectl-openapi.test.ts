// OpenAPI: real kubectl's `apply` and `explain` read /openapi/v3 before they send anything; the simulator
// serves the kube-apiserver v1.32 documents trimmed to its resources, the way kube-openapi's handler3 does.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { scenario, simulator, type SimHandle } from '../helpers/sim.js';
import { rawRequest } from './helpers.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const haveKubectl = existsSync(KUBECTL);
const maybe = haveKubectl || process.env.CI === 'true' ? describe : describe.skip;

let sim: SimHandle;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kdiag-openapi-'));
  sim = await simulator(scenario({ description: 'openapi', count: 2 }));
});
afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

describe('/openapi/v3 over raw HTTPS', () => {
  test('the index names each served group version with a hashed URL', async () => {
    const r = await rawRequest(sim, '/openapi/v3');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const idx = JSON.parse(r.body) as Index;
    expect(Object.keys(idx.paths)).toEqual(
      expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/discovery.k8s.io/v1', 'apis/coordination.k8s.io/v1']),
    );
    expect(idx.paths['api/v1']!.serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  });

  test('a group version document: the served resources only, immutable under its hash, 301 from a stale one', async () => {
    const idx = JSON.parse((await rawRequest(sim, '/openapi/v3')).body) as Index;
    const url = idx.paths['api/v1']!.serverRelativeURL;
    const r = await rawRequest(sim, url, { headers: { accept: 'application/json' } });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('public, immutable');
    const doc = JSON.parse(r.body) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.0.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/namespaces/{namespace}/configmaps/{name}');
    expect(Object.keys(doc.paths).some((p) => p.includes('persistentvolumes'))).toBe(false);
    expect(doc.components.schemas['io.k8s.api.core.v1.Container']).toBeDefined();
    const stale = await rawRequest(sim, '/openapi/v3/api/v1?hash=0000');
    expect(stale.status).toBe(301);
    expect(stale.headers.location).toBe(url);
    expect((await rawRequest(sim, '/openapi/v3/apis/batch/v1')).status).toBe(404);
  });
});

maybe('kubectl apply and explain', () => {
  const kubectl = (args: string[]) =>
    execa(KUBECTL, ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args], {
      reject: false,
      timeout: 60_000,
    });

  test('apply -f creates a ConfigMap, then configures it', async () => {
    const file = join(dir, 'cm.yaml');
    const manifest = (v: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\ndata:\n  a: "${v}"\n`;
    writeFileSync(file, manifest('1'));
    const c = await kubectl(['apply', '-f', file]);
    expect(c.stderr).toBe('');
    expect(c.stdout.trim()).toBe('configmap/applied created');
    writeFileSync(file, manifest('2'));
    const u = await kubectl(['apply', '-f', file]);
    expect(u.stdout.trim()).toBe('configmap/applied configured');
    const cm = sim.list('configmaps', 'default').find((x) => x.metadata.name === 'applied') as unknown as {
      data: Record<string, string>;
      metadata: { annotations: Record<string, string> };
    };
    expect(cm.data.a).toBe('2');
    expect(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"a":"2"');
  });

  test('explain pod.spec.containers', async () => {
    const r = await kubectl(['explain', 'pod.spec.containers']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^KIND:\s+Pod$/m);
    expect(r.stdout).toMatch(/^FIELD: containers <\[\]Container>$/m);
    expect(r.stdout).toMatch(/^ {2}image\t<string>$/m);
  });
});
