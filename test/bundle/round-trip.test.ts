// `kdiag bundle` → `--from-bundle` gives the online answer on every shipped scenario: the same diagnosis
// (with and without a target Service) and the same service-list report, compared as the JSON the CLI
// prints. In-process over real HTTP/WebSocket to the simulator, the bundle a real tar.gz on disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listScenarios } from '../../src/sim/index.js';
import { KubeClient } from '../../src/cluster/client.js';
import { BundleClient } from '../../src/cluster/bundle-client.js';
import { collectBundle } from '../../src/bundle/collect.js';
import { writeBundle } from '../../src/bundle/archive.js';
import { diagnose } from '../../src/engine/doctor.js';
import { buildServiceList } from '../../src/engine/service-list.js';
import { isKdiagError } from '../../src/errors.js';
import { shipped, withSim } from '../helpers/sim.js';

const OPTS = { requestTimeoutMs: 15_000, concurrency: 8 };
const dir = mkdtempSync(join(tmpdir(), 'kdiag-bundle-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the CLI prints with -o json (dates as strings, Maps dropped the same way on both sides). */
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));

async function answers(client: KubeClient, target?: { namespace: string; name: string }) {
  const settle = <T>(p: Promise<T>) =>
    p.then(asJson, (e) => ({ error: isKdiagError(e) ? `${e.kind}: ${e.message}` : String(e) }));
  return {
    all: await settle(diagnose(client, {}).then((r) => r.diagnosis)),
    target: target ? await settle(diagnose(client, { target }).then((r) => r.diagnosis)) : undefined,
    serviceList: await settle(buildServiceList(client, {}).then((r) => r.report)),
  };
}

describe.each(listScenarios().map((s) => [s.name]))('bundle round trip on scenario %s', (name) => {
  test('--from-bundle answers as the cluster does', async () => {
    const data = shipped(name);
    // Small node counts keep it fast; the large scenario is the same code on more nodes.
    if (name === 'large')
      Object.assign(data, { nodes: { count: 3 }, services: { generated: { count: 20, namespaces: ['team-a'] } } });
    await withSim(data, async (sim) => {
      const exp = sim.scenario.expect;
      const svc = exp.services?.[0]?.split('/') ?? ['kube-system', 'kube-dns'];
      const target = { namespace: svc[0], name: svc[1] };
      const online = await KubeClient.connect({ kubeconfig: sim.kubeconfigPath, ...OPTS });
      const file = join(dir, `${name}.tar.gz`);
      try {
        const want = await answers(online, target);
        let written = true;
        try {
          await writeBundle(file, (write) => collectBundle(online, { kdiagVersion: 'test', write }));
        } catch (e) {
          // Nothing to bundle (the API does not answer): then nothing answered online either.
          written = false;
          expect(want.all).toHaveProperty('error');
          expect(isKdiagError(e) && `${e.kind}: ${e.message}`).toBe(want.all.error);
        }
        if (!written) return;
        expect(want.all).not.toHaveProperty('error');
        // A healthy cluster asked about one Service has nothing it could not see (the node-side filter's
        // command per node is evidence, not a missing fact).
        if (exp.rootCause === null && name !== 'no-cilium') expect(want.target?.unknowns).toEqual([]);
        const offline = await BundleClient.open(file, OPTS);
        expect(await answers(offline, target)).toEqual(want);
      } finally {
        online.close();
      }
    });
  });
});
