// /version and discovery tell the same story: a v1.32 server. kubectl 1.32 asks /api and /apis for
// aggregated discovery (apidiscovery.k8s.io/v2) first, and a v1.32 server fills singularName.
import { scenario, simulator, type SimHandle } from '../helpers/sim.js';
import { rawRequest } from './helpers.js';

// what kubectl 1.32 sends (recorded: shared/fixtures/kube-apiserver/discovery.api.aggregated-kubectl132-accept)
const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

interface ResourceDiscovery {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: string;
  singularResource: string;
  verbs: string[];
  subresources?: { subresource: string; responseKind: { kind: string } }[];
}
interface GroupDiscoveryList {
  kind: string;
  apiVersion: string;
  items: {
    metadata: { name?: string };
    versions: { version: string; freshness: string; resources: ResourceDiscovery[] }[];
  }[];
}

let sim: SimHandle;
beforeAll(async () => {
  sim = await simulator(scenario({ description: 'discovery', count: 1 }));
});
afterAll(async () => {
  await sim?.stop();
});

test('/version says v1.32', async () => {
  const v = JSON.parse((await rawRequest(sim, '/version')).body) as {
    major: string;
    minor: string;
    gitVersion: string;
  };
  expect([v.major, v.minor]).toEqual(['1', '32']);
  expect(v.gitVersion).toMatch(/^v1\.32\./);
});

test('/api with kubectl 1.32 Accept: aggregated discovery v2 for the core group', async () => {
  const r = await rawRequest(sim, '/api', { headers: { accept: KUBECTL_ACCEPT } });
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  const list = JSON.parse(r.body) as GroupDiscoveryList;
  expect([list.kind, list.apiVersion]).toEqual(['APIGroupDiscoveryList', 'apidiscovery.k8s.io/v2']);
  expect(list.items).toHaveLength(1);
  const v1 = list.items[0]!.versions[0]!;
  expect([v1.version, v1.freshness]).toEqual(['v1', 'Current']);
  const pods = v1.resources.find((x) => x.resource === 'pods')!;
  expect(pods).toMatchObject({
    scope: 'Namespaced',
    singularResource: 'pod',
    responseKind: { group: '', version: 'v1', kind: 'Pod' },
  });
  expect(pods.subresources?.map((s) => s.subresource)).toEqual(expect.arrayContaining(['log', 'exec', 'status']));
  expect(v1.resources.find((x) => x.resource === 'nodes')!.scope).toBe('Cluster');
});

test('/apis with kubectl 1.32 Accept lists the served groups, Leases included', async () => {
  const list = JSON.parse(
    (await rawRequest(sim, '/apis', { headers: { accept: KUBECTL_ACCEPT } })).body,
  ) as GroupDiscoveryList;
  const names = list.items.map((i) => i.metadata.name);
  expect(names).toEqual(
    expect.arrayContaining(['apps', 'discovery.k8s.io', 'coordination.k8s.io', 'authorization.k8s.io']),
  );
  const coord = list.items.find((i) => i.metadata.name === 'coordination.k8s.io')!;
  expect(coord.versions[0]!.resources[0]).toMatchObject({ resource: 'leases', singularResource: 'lease' });
});

test('plain JSON clients still get APIGroupList and APIResourceList, with singularName filled', async () => {
  const apis = JSON.parse((await rawRequest(sim, '/apis', { headers: { accept: 'application/json' } })).body) as {
    kind: string;
  };
  expect(apis.kind).toBe('APIGroupList');
  const v1 = JSON.parse((await rawRequest(sim, '/api/v1')).body) as {
    resources: { name: string; singularName: string }[];
  };
  expect(v1.resources.find((r) => r.name === 'pods')!.singularName).toBe('pod');
  expect(v1.resources.find((r) => r.name === 'pods/log')!.singularName).toBe('');
});
