// Trims the kube-apiserver v1.32 OpenAPI v3 documents to what the simulator serves and writes them gzip'ed
// to fixtures/kube-apiserver-openapi/v3/ (see SOURCES.md there). The input is kubernetes/kubernetes
// api/openapi-spec/v3/ at release-1.32, as kubernetes-sigs/kubectl-validate keeps it under
// pkg/openapiclient/builtins/1.32/ (one file per group version, named api/v1.json, apis/apps/v1.json, ...).
//   node scripts/openapi.js DIR     DIR = a checkout's pkg/openapiclient/builtins/1.32 (or api/openapi-spec/v3
//                                   renamed the same way)
// Kept: the paths of the served resources (and their subresources), and the component schemas those paths
// reach through $ref, verbatim. Everything else is dropped.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = process.argv[2];
if (!src) {
  console.error('usage: node scripts/openapi.js DIR (kubectl-validate pkg/openapiclient/builtins/1.32)');
  process.exit(2);
}
const out = join(root, 'fixtures/kube-apiserver-openapi/v3');

// group version -> the resources the simulator serves in it (src/sim/store.ts RESOURCES, the reviews,
// and the node Leases).
const SERVED = {
  'api/v1': ['namespaces', 'nodes', 'pods', 'services', 'endpoints', 'configmaps', 'events', 'serviceaccounts'],
  'apis/apps/v1': ['daemonsets', 'deployments'],
  'apis/discovery.k8s.io/v1': ['endpointslices'],
  'apis/coordination.k8s.io/v1': ['leases'],
  'apis/authorization.k8s.io/v1': ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  'apis/authentication.k8s.io/v1': ['selfsubjectreviews'],
};

function refsOf(v, acc) {
  if (Array.isArray(v)) v.forEach((x) => refsOf(x, acc));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') acc.add(x.replace('#/components/schemas/', ''));
      else refsOf(x, acc);
    }
  return acc;
}

for (const [gv, resources] of Object.entries(SERVED)) {
  const doc = JSON.parse(readFileSync(join(src, `${gv}.json`), 'utf8'));
  const prefix = `/${gv}/`;
  const keep = (p) => {
    const rest = p.slice(prefix.length).split('/');
    // /api/v1/{plural}..., /api/v1/namespaces/{namespace}/{plural}..., /api/v1/watch/...
    const parts = rest[0] === 'watch' ? rest.slice(1) : rest;
    const plural = parts[0] === 'namespaces' && parts.length >= 3 ? parts[2] : parts[0];
    return resources.includes(plural);
  };
  const paths = Object.fromEntries(Object.entries(doc.paths).filter(([p]) => p.startsWith(prefix) && keep(p)));
  const want = refsOf(paths, new Set());
  const schemas = {};
  const queue = [...want];
  while (queue.length) {
    const name = queue.pop();
    if (schemas[name] || !doc.components.schemas[name]) continue;
    schemas[name] = doc.components.schemas[name];
    for (const r of refsOf(schemas[name], new Set())) if (!schemas[r]) queue.push(r);
  }
  const sorted = Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
  const trimmed = { ...doc, paths, components: { ...doc.components, schemas: sorted } };
  const file = join(out, `${gv.replace(/\//g, '__')}.json.gz`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, gzipSync(JSON.stringify(trimmed), { level: 9 }));
  console.log(`${gv}: ${Object.keys(paths).length} paths, ${Object.keys(sorted).length} schemas -> ${file}`);
}
