// `kdiag bundle` as a user runs it: a real tar.gz written atomically with its manifest, read back by
// `--from-bundle` with the same -o json as online; refusals are input errors (exit 2).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTarGz } from '../../src/cluster/bundle-client.js';
import { json, kdiag, ROOT } from '../helpers/cli.js';
import { EXEC_DENIED, withSim } from '../helpers/sim.js';

const dir = mkdtempSync(join(tmpdir(), 'kdiag-bundle-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

test('bundle writes a tar.gz with a manifest; doctor and service-list read it back as online', async () => {
  await withSim('service-map-stale', async (sim) => {
    const file = join(dir, 'stale.tar.gz');
    const r = await kdiag(['bundle', '-o', file, '--concurrency', '4'], { sim });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`Wrote ${file}`);
    // Atomic: only the archive is left, readable by its owner only.
    expect(readdirSync(dir).filter((f) => f.startsWith('.stale'))).toEqual([]);
    expect(statSync(file).mode & 0o077).toBe(0);
    const files = await readTarGz(file);
    const manifest = JSON.parse(files.get('kdiag-bundle/manifest.json')!.toString('utf8'));
    expect(manifest.kdiagVersion).toBe(version);
    expect(manifest.failed).toEqual([]);
    expect(manifest.api.map((a: { path: string }) => a.path)).toEqual(
      expect.arrayContaining([
        '/api/v1/nodes',
        '/api/v1/services',
        '/apis/discovery.k8s.io/v1/endpointslices',
        '/apis/apps/v1/daemonsets',
        '/api/v1/pods',
        '/api/v1/namespaces/kube-system/events',
        '/api/v1/namespaces/kube-system/configmaps',
      ]),
    );
    // No Secret is ever read.
    expect([...files.keys()].filter((f) => /secret/i.test(f))).toEqual([]);
    for (const node of ['node-1', 'node-2', 'node-3'])
      for (const f of [
        'bpftool-prog-show.json',
        'cilium-dbg-status.txt',
        'cilium-dbg-service-list.txt',
        'proc-mounts.txt',
      ])
        expect(files.has(`kdiag-bundle/nodes/${node}/${f}`)).toBe(true);

    for (const args of [
      ['doctor', 'clusterip', 'default/web', '-o', 'json'],
      ['service-list', '-o', 'json'],
    ]) {
      const online = await kdiag(args, { sim });
      const offline = await kdiag([...args, '--from-bundle', file]);
      expect(offline.exitCode).toBe(online.exitCode);
      expect(json(offline)).toEqual(json(online));
    }
  });
}, 240_000);

test('what could not be collected is in the manifest with its reason, and stays unknown offline', async () => {
  await withSim(EXEC_DENIED, async (sim) => {
    const file = join(dir, 'denied.tar.gz');
    const r = await kdiag(['bundle', '-o', file], { sim });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/could not be collected/);
    const manifest = JSON.parse((await readTarGz(file)).get('kdiag-bundle/manifest.json')!.toString('utf8'));
    expect(manifest.failed.some((f: { error: string }) => /forbidden/.test(f.error))).toBe(true);
    const online = await kdiag(['doctor', 'clusterip', '-o', 'json'], { sim });
    const offline = await kdiag(['doctor', 'clusterip', '-o', 'json', '--from-bundle', file]);
    expect(offline.exitCode).toBe(2);
    expect(json(offline)).toEqual(json(online));
  });
}, 180_000);

test('--fix with --from-bundle, a file that is no bundle, and a wrong -o name are input errors', async () => {
  const notTar = join(dir, 'plain.tar.gz');
  const r1 = await kdiag(['doctor', 'clusterip', '--fix', '--yes', '--from-bundle', notTar]);
  expect(r1.exitCode).toBe(2);
  expect(r1.stderr).toMatch(/--fix cannot be used with --from-bundle/);
  const ro = await kdiag(['doctor', 'clusterip', 'default/web', '--observe', '5s', '--from-bundle', notTar]);
  expect(ro.exitCode).toBe(2);
  expect(ro.stderr).toMatch(/--observe cannot be used with --from-bundle/);
  const r2 = await kdiag(['service-list', '--from-bundle', join(dir, 'missing.tar.gz')]);
  expect(r2.exitCode).toBe(2);
  expect(r2.stderr).toMatch(/missing\.tar\.gz/);
  // A `cilium sysdump` is a zip: refused by name, not read as garbage.
  const zip = join(dir, 'sysdump.zip');
  writeFileSync(zip, Buffer.from('PK\x03\x04', 'latin1'));
  const rz = await kdiag(['doctor', 'clusterip', '--from-bundle', zip]);
  expect(rz.exitCode).toBe(2);
  expect(rz.stderr).toMatch(/is a zip/);
  const r3 = await kdiag(['bundle', '-o', join(dir, 'out.zip')]);
  expect(r3.exitCode).toBe(2);
  expect(r3.stderr).toMatch(/tar\.gz/);
}, 120_000);
