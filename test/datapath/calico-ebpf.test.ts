// Calico eBPF behind the datapath seam, against the simulator over real HTTP/WebSocket: the NAT map read with
// `calico-node -bpf nat dump` in each calico-node pod, joined with Services; --fix restarts calico-node on
// the affected node, verified; service-list shows the same statuses; preflight lists Calico's checks only.
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCalicoNatDump } from '../../src/datapath/calico/bpf-nat-dump.js';
import { json, kdiag } from '../helpers/cli.js';
import { doctorJson, SLOW, type DoctorDoc as Doc } from '../helpers/doctor.js';
import { scenario, withSim } from '../helpers/sim.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

describe('Calico eBPF datapath', () => {
  test(
    "the simulator's dump is the recorded format: it parses without a warning, one frontend per port and protocol",
    () =>
      withSim('calico-ebpf-healthy', async (sim) => {
        const pods = await execa(KUBECTL, [
          '--kubeconfig',
          sim.kubeconfigPath,
          '--cache-dir',
          mkdtempSync(join(tmpdir(), 'kdiag-kcache-')),
          '-n',
          'kube-system',
          'get',
          'pods',
          '-l',
          'k8s-app=calico-node',
          '-o',
          'jsonpath={.items[0].metadata.name}',
        ]);
        const r = await execa(KUBECTL, [
          '--kubeconfig',
          sim.kubeconfigPath,
          '-n',
          'kube-system',
          'exec',
          pods.stdout,
          '-c',
          'calico-node',
          '--',
          'calico-node',
          '-bpf',
          'nat',
          'dump',
        ]);
        const t = parseCalicoNatDump(r.stdout);
        expect(t.warnings).toEqual([]);
        // kube-dns as kubeadm creates it: 53/UDP, 53/TCP and 9153/TCP, each its own frontend with two CoreDNS backends.
        expect(
          t.frontends.filter((f) => f.ip === '10.96.0.10').map((f) => [`${f.port}/${f.protocol}`, f.backends.length]),
        ).toEqual([
          ['53/UDP', 2],
          ['53/TCP', 2],
          ['9153/TCP', 2],
        ]);
      }),
    SLOW,
  );

  test(
    'healthy: Calico eBPF in the header and json, every node in sync, no Cilium check run, exit 0',
    () =>
      withSim('calico-ebpf-healthy', async (sim) => {
        const [dj, dt, pj] = await Promise.all([
          kdiag(['doctor', 'clusterip', '-o', 'json'], { sim }),
          kdiag(['doctor', 'clusterip'], { sim }),
          kdiag(['preflight', '-o', 'json'], { sim }),
        ]);
        const d = json<Doc>(dj);
        expect(d.datapath).toMatchObject({ id: 'calico-ebpf', services: 'calico' });
        expect(dt.stdout).toMatch(/^Datapath: Calico eBPF dataplane \(replaces kube-proxy\)$/m);
        expect(d.findings.filter((f) => f.check === 'calico-nat-map').map((f) => `${f.id}@${f.node}`)).toEqual([
          'calico-nat-map/in-sync@node-1',
          'calico-nat-map/in-sync@node-2',
          'calico-nat-map/in-sync@node-3',
        ]);
        expect(d.findings.filter((f) => f.check === 'calico-node-pods').map((f) => f.id)).toEqual([
          'calico-node-pods/ready',
          'calico-node-pods/ready',
          'calico-node-pods/ready',
        ]);
        expect(d.findings.some((f) => f.check === 'cilium-installed' || f.check === 'service-map')).toBe(false);
        expect([d.rootCauses, dj.exitCode, dt.exitCode, pj.exitCode]).toEqual([[], 0, 0, 0]);
        // preflight lists the checks that ran on this datapath, not Cilium's as "passed".
        const names = json<{ testcases: { name: string }[] }>(pj).testcases.map((t) => t.name);
        expect(names).toEqual(expect.arrayContaining(['calico-nat-map@node-1', 'calico-node-pods@node-3']));
        expect(names.some((n) => n.startsWith('cilium-installed') || n.startsWith('bpf-programs'))).toBe(false);
      }),
    SLOW,
  );

  test(
    'a frontend missing on node-2: the node, the cause, the exact command; service-list agrees; --fix restarts calico-node there',
    () =>
      withSim('calico-ebpf-nat-missing-frontend', async (sim) => {
        const { r, d } = await doctorJson(sim);
        expect(r.exitCode).toBe(1);
        expect(d.rootCauses[0]).toMatchObject({ id: 'calico-nat-map-stale', nodes: ['node-2'] });
        const f = d.findings.find((x) => x.id === 'calico-nat-map/missing-frontend')!;
        expect(f.node).toBe('node-2');
        expect(f.evidence[0]!.command).toEqual(['calico-node', '-bpf', 'nat', 'dump']);
        expect(f.evidence[0]!.excerpt).toMatch(/^10\.96\.10\.10:80\/TCP \(default\/web port http\) not in the NAT map/);
        expect(d.plan.actions).toEqual([
          expect.objectContaining({
            node: 'node-2',
            namespace: 'kube-system',
            pod: expect.stringMatching(/^calico-node-/),
          }),
        ]);

        const sl = await kdiag(['service-list', '-o', 'json'], { sim });
        const rows = json<{
          datapath?: string;
          rows: { name: string; frontend: string; status: string; nodes: { node: string; status: string }[] }[];
        }>(sl);
        expect(rows.datapath).toBe('calico-ebpf');
        const bad = rows.rows.filter((x) => x.status !== 'OK');
        expect(bad.map((x) => [x.name, x.frontend, x.status, x.nodes.map((n) => `${n.node}:${n.status}`)])).toEqual([
          ['web', '10.96.10.10:80/TCP', 'NOT_IN_MAP', ['node-2:NOT_IN_MAP']],
        ]);

        const fx = await kdiag(['doctor', 'clusterip', '--fix', '--yes', '-o', 'json'], { sim });
        const after = json<Doc>(fx);
        expect(after.fix?.steps?.map((s) => [s.node, s.outcome])).toEqual([['node-2', 'recovered']]);
        expect([after.rootCauses, fx.exitCode]).toEqual([[], 0]);
      }),
    SLOW,
  );
});

describe('Calico with Cilium', () => {
  test(
    'both replacing kube-proxy is a cluster-wide finding with its cause; chained with one owner is healthy',
    async () => {
      await withSim('calico-cilium-both-replace-kube-proxy', async (sim) => {
        const { r, d } = await doctorJson(sim);
        expect(d.datapath).toMatchObject({ id: 'calico-cilium', services: 'cilium' });
        expect(d.rootCauses.map((c) => [c.id, c.nodes])).toEqual([['calico-cilium-service-conflict', []]]);
        const f = d.findings.find((x) => x.id === 'calico-cilium-overlap/both-replace-kube-proxy')!;
        expect(f.evidence.map((e) => e.excerpt).join('\n')).toMatch(
          /kube-proxy-replacement=true[\s\S]*FELIX_BPFENABLED=true/,
        );
        expect(r.exitCode).toBe(1);
      });
      await withSim('calico-cilium-chained', async (sim) => {
        const { r, d } = await doctorJson(sim);
        expect(d.datapath).toMatchObject({ id: 'calico-cilium', services: 'kube-proxy' });
        expect([d.rootCauses, r.exitCode]).toEqual([[], 0]);
      });
    },
    SLOW,
  );

  test(
    'Calico with kube-proxy (no Cilium): routed to kube-proxy, header "Calico (iptables) + kube-proxy"',
    () =>
      withSim(
        scenario({ cilium: { installed: false }, kubeProxy: true, datapath: { calico: 'iptables' } }),
        async (sim) => {
          const [t, j] = await Promise.all([
            kdiag(['doctor', 'clusterip'], { sim }),
            kdiag(['doctor', 'clusterip', '-o', 'json'], { sim }),
          ]);
          expect(t.stdout).toMatch(/^Datapath: Calico \(iptables\) \+ kube-proxy \(iptables\)$/m);
          expect(json<Doc>(j).datapath).toMatchObject({ id: 'calico-kube-proxy', services: 'kube-proxy' });
          expect(json<Doc>(j).findings.filter((f) => f.check === 'kube-proxy-pods').length).toBe(3);
        },
      ),
    SLOW,
  );
});
