// `--from-bundle` on a `cilium sysdump` zip. No recorded sysdump exists here, so the test builds a small
// one from a shipped scenario in the layout cilium-cli writes (cilium/cilium cilium-cli/sysdump/constants.go
// file names, sysdump.go WriteYAML lists / logs with timestamps / zipDirectory under one top folder; the
// agent's cmd/*.md from cilium-bugtool, bugtool/cmd/root.go writeCmdToFile and configuration.go), with
// the outputs the simulated agents print. What the sysdump holds is answered as online; what it lacks
// is an unknown saying so, never a pass.
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import yazl from 'yazl';
import * as tar from 'tar';
import { KubeClient, type KubeObject } from '../../src/cluster/client.js';
import { BundleClient } from '../../src/cluster/bundle-client.js';
import { diagnose } from '../../src/engine/doctor.js';
import { buildServiceList } from '../../src/engine/service-list.js';
import { json, kdiag } from '../helpers/cli.js';
import { shipped, withSim } from '../helpers/sim.js';

const OPTS = { requestTimeoutMs: 15_000, concurrency: 8 };
const TS = '20260115-101500';
const dir = mkdtempSync(join(tmpdir(), 'kdiag-sysdump-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));

/** A sysdump zip of the simulated cluster; the first agent's bugtool left packed (older cilium-cli). */
async function buildSysdump(client: KubeClient, file: string, omit: string[] = []): Promise<void> {
  const out = new Map<string, Buffer>();
  const put = (name: string, text: string | Buffer) => out.set(name, Buffer.from(text));
  // WriteYAML of a typed list: apiVersion, items, kind, metadata.
  const yamlList = (kind: string, items: KubeObject[]) =>
    stringify({ apiVersion: 'v1', items, kind: `${kind}List`, metadata: { resourceVersion: '1' } });
  put(`k8s-nodes-${TS}.yaml`, yamlList('Node', await client.listAll('/api/v1/nodes')));
  put(`k8s-services-${TS}.yaml`, yamlList('Service', await client.listAll('/api/v1/services')));
  put(
    `k8s-endpointslices-${TS}.yaml`,
    yamlList('EndpointSlice', await client.listAll('/apis/discovery.k8s.io/v1/endpointslices')),
  );
  const pods = await client.listAll<KubeObject & { spec?: { nodeName?: string } }>('/api/v1/pods');
  put(`k8s-pods-${TS}.yaml`, yamlList('Pod', pods));
  put(`k8s-events-${TS}.yaml`, yamlList('Event', await client.listAll('/api/v1/events')));
  const ds = await client.listAll('/apis/apps/v1/namespaces/kube-system/daemonsets', {
    labelSelector: 'k8s-app=cilium',
  });
  put(`cilium-daemonset-${TS}.yaml`, yamlList('DaemonSet', ds));
  const cm = await client.get('/api/v1/namespaces/kube-system/configmaps/cilium-config');
  put(`cilium-configmap-${TS}.yaml`, stringify(cm));
  const agents = pods.filter((p) => p.metadata?.labels?.['k8s-app'] === 'cilium');
  let packed = false;
  for (const a of agents) {
    const pod = a.metadata!.name!;
    const ns = a.metadata!.namespace!;
    const bugtool = new Map<string, string>();
    for (const cmd of ['cilium-dbg service list', 'cilium-dbg service list -o json', 'bpftool prog show']) {
      const r = await client.exec(ns, pod, 'cilium-agent', cmd.split(' '));
      // stdout and stderr into one file, the error appended (writeCmdToFile).
      bugtool.set(
        `cmd/${cmd.replace(/ /g, '-')}.md`,
        r.stdout + r.stderr + (r.exitCode ? `> Error while running '${cmd}':  exit status ${r.exitCode}\n\n` : ''),
      );
    }
    const name = `cilium-bugtool-${pod}-${TS}`;
    if (!packed) {
      // As cilium-bugtool packs it: one top directory (cilium-bugtool-<time>-<random>/) holding cmd/.
      packed = true;
      const src = join(dir, 'bugtool', 'cilium-bugtool-20260115-101501.123-0000-UTC-1234');
      for (const [f, text] of bugtool) {
        mkdirSync(join(src, 'cmd'), { recursive: true });
        writeFileSync(join(src, f), text);
      }
      const tgz = join(dir, `${name}.tar.gz`);
      await tar.c({ gzip: true, file: tgz, cwd: join(dir, 'bugtool') }, [
        'cilium-bugtool-20260115-101501.123-0000-UTC-1234',
      ]);
      put(`${name}.tar.gz`, readFileSync(tgz));
    } else for (const [f, text] of bugtool) put(`${name}/${f}`, text);
    // Logs asked with timestamps=true: the kubelet's RFC 3339 time in front of every line.
    const log = await client.logs(ns, pod, { container: 'cilium-agent' }).catch(() => undefined);
    if (log !== undefined)
      put(`logs-${pod}-cilium-agent-${TS}.log`, log.replace(/^(?=.)/gm, '2026-01-15T10:14:59.123456789Z '));
  }
  const zip = new yazl.ZipFile();
  for (const [name, b] of out)
    if (!omit.some((o) => name.startsWith(o))) zip.addBuffer(b, `cilium-sysdump-${TS}/${name}`);
  zip.end();
  await new Promise<void>((resolve, reject) =>
    zip.outputStream.pipe(createWriteStream(file)).on('close', resolve).on('error', reject),
  );
}

type Finding = { id: string; check: string; status: string; subject: string; message: string };
type Diag = {
  findings: Finding[];
  rootCauses: { id: string; nodes: string[] }[];
  unknowns: { fact: string; reason: string }[];
};

test('a sysdump of a cluster with drifted service maps answers as the cluster for what it holds', async () => {
  await withSim(shipped('service-map-stale'), async (sim) => {
    const online = await KubeClient.connect({ kubeconfig: sim.kubeconfigPath, ...OPTS });
    const file = join(dir, 'stale.zip');
    try {
      await buildSysdump(online, file);
      const offline = await BundleClient.open(file, OPTS);
      // service-list reads Services, EndpointSlices and each agent's map: all in the sysdump.
      const [want, got] = await Promise.all([
        buildServiceList(online, {}).then((r) => asJson(r.report)),
        buildServiceList(offline, {}).then((r) => asJson(r.report)),
      ]);
      expect(got).toEqual(want);

      const on: Diag = asJson((await diagnose(online, {})).diagnosis);
      const off: Diag = asJson((await diagnose(offline, {})).diagnosis);
      // The same root cause and nodes from the maps the bugtool recorded.
      expect(off.rootCauses[0]).toEqual(on.rootCauses[0]);
      // Every finding the sysdump could judge is the online one; every other is unknown for its check.
      const key = (f: Finding) => JSON.stringify(f);
      const onKeys = new Set(on.findings.map(key));
      for (const f of off.findings.filter((x) => x.status !== 'unknown')) expect(onKeys.has(key(f))).toBe(true);
      const offKeys = new Set(off.findings.map(key));
      const unknownChecks = new Set(off.findings.filter((x) => x.status === 'unknown').map((x) => x.check));
      for (const f of on.findings.filter((x) => !offKeys.has(key(x))))
        expect([f.id, unknownChecks.has(f.check)]).toEqual([f.id, true]);
      const drift = (d: Diag) => d.findings.filter((f) => f.check === 'service-map' && f.status !== 'pass');
      expect(drift(off).length).toBeGreaterThan(0);
      // What it lacks (agent status, /proc/mounts, kube-proxy's DaemonSet) is unknown and says why.
      expect(off.unknowns.map((u) => u.fact).sort()).toEqual([
        'bpffs',
        'bpffs',
        'bpffs',
        'kubeProxy',
        'status',
        'status',
        'status',
      ]);
      for (const u of off.unknowns) expect(u.reason).toMatch(/not in the sysdump/);
      expect(on.unknowns).toEqual([]);
    } finally {
      online.close();
    }
  });
}, 180_000);

test('through the CLI: service-list --from-bundle on a sysdump; a zip that is no sysdump is an input error', async () => {
  await withSim(shipped('healthy'), async (sim) => {
    const online = await KubeClient.connect({ kubeconfig: sim.kubeconfigPath, ...OPTS });
    const file = join(dir, 'healthy.zip');
    try {
      await buildSysdump(online, file);
    } finally {
      online.close();
    }
    const a = await kdiag(['service-list', '-A', '-o', 'json'], { sim });
    const b = await kdiag(['service-list', '-A', '-o', 'json', '--from-bundle', file]);
    expect(b.exitCode).toBe(a.exitCode);
    expect(json(b)).toEqual(json(a));
  });
  const other = join(dir, 'other.zip');
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('hello\n'), 'notes/readme.txt');
  zip.end();
  await new Promise<void>((resolve) => zip.outputStream.pipe(createWriteStream(other)).on('close', resolve));
  const r = await kdiag(['doctor', 'clusterip', '--from-bundle', other]);
  expect(r.exitCode).toBe(2);
  expect(r.stderr.trim().split('\n')[0]).toMatch(/is a zip but not a cilium sysdump/);
}, 180_000);

test('an older sysdump without EndpointSlices: the map comparison is unknown, never a pass', async () => {
  await withSim(shipped('healthy'), async (sim) => {
    const online = await KubeClient.connect({ kubeconfig: sim.kubeconfigPath, ...OPTS });
    const file = join(dir, 'no-slices.zip');
    try {
      await buildSysdump(online, file, ['k8s-endpointslices-']);
    } finally {
      online.close();
    }
    const d: Diag = asJson((await diagnose(await BundleClient.open(file, OPTS), {})).diagnosis);
    const map = d.findings.filter((f) => f.check === 'service-map');
    expect(map.length).toBeGreaterThan(0);
    for (const f of map) expect(f.status).toBe('unknown');
    expect(JSON.stringify(d.unknowns)).toMatch(/endpointslices: not in the sysdump/);
  });
}, 180_000);
