// The Calico checks are pure: NAT map facts (parsed from a recorded dump's format) and Felix log lines in,
// findings out. Every datapath's check is documented like the Cilium ones.
import { readFileSync } from 'node:fs';
import { calicoCiliumOverlap } from '../../src/checks/calico-cilium-overlap.js';
import { calicoNatMap } from '../../src/checks/calico-nat-map.js';
import { calicoNodePods } from '../../src/checks/calico-node-pods.js';
import { calicoNatFact } from '../../src/datapath/calico.js';
import { DATAPATHS } from '../../src/datapath/index.js';
import { failed, got, healthyFacts, ids, KPR_TRUE_CONFIG } from '../helpers/facts.js';
import { datapathFixture } from '../datapath/fixtures.js';
import { failingFinding } from '../helpers/findings.js';
import { ROOT } from '../helpers/cli.js';

const COMMAND = ['calico-node', '-bpf', 'nat', 'dump'];
// The fact as the engine builds it from the dump (src/datapath/calico.ts).
const nat = calicoNatFact;
// kindServices(): kubernetes 10.96.0.1:443 → 172.19.0.2:6443; kube-dns 10.96.0.10 53/UDP, 53/TCP, 9153/TCP → two CoreDNS.
const DNS = (p: number, proto: number, id: number) =>
  `10.96.0.10 port ${p} proto ${proto} id ${id} count 2 local 0\n\t${id}:0\t 10.244.1.69:${p}\n\t${id}:1\t 10.244.1.109:${p}\n`;
const GOOD =
  '10.96.0.1 port 443 proto 6 id 0 count 1 local 0\n\t0:0\t 172.19.0.2:6443\n' +
  DNS(53, 17, 1) +
  DNS(53, 6, 2) +
  DNS(9153, 6, 3);

describe('calico-nat-map', () => {
  test('in sync; a missing frontend and an `is missing` backend fail on their node with Felix errors attached', () => {
    const broken =
      '10.96.0.1 port 443 proto 6 id 0 count 1 local 0\n\t0:0\t 172.19.0.2:6443\n' +
      DNS(53, 17, 1) +
      '10.96.0.10 port 53 proto 6 id 2 count 2 local 0\n\t2:0\t 10.244.1.69:53\n\t2:1\t is missing\n';
    // A recorded Felix ERROR line (fixtures/calico/SOURCES.md) as the node's supporting evidence.
    const felix = datapathFixture(
      'calico',
      'felix-log.v3.30.bpf-proxy-healthz-port-in-use.kube-proxy-running.txt',
    ).trim();
    const f = calicoNatMap.run(
      healthyFacts({
        calicoNat: new Map([
          ['node-a', got(nat(GOOD))],
          ['node-b', got(nat(broken))],
        ]),
        calicoLogs: new Map([['node-b', got([felix])]]),
      }),
    );
    expect(f.map((x) => `${x.id}@${x.node}`)).toEqual([
      'calico-nat-map/in-sync@node-a',
      'calico-nat-map/missing-frontend@node-b',
      'calico-nat-map/wrong-backends@node-b',
    ]);
    const miss = failingFinding(f, 1, 'calico-nat-map-stale', COMMAND, 'node-b');
    expect(miss.evidence[0]!.excerpt).toMatch(/^10\.96\.0\.10:9153\/TCP \(kube-system\/kube-dns port metrics\)/);
    expect(miss.evidence[1]!.excerpt).toMatch(/\[ERROR\]\[55\] felix/);
    expect(f[2]!.evidence[0]!.excerpt).toMatch(/10\.96\.0\.10:53\/TCP id 2 .* \+1 "is missing"/);
  });

  test('a node whose dump could not be read is unknown, never in sync', () => {
    const f = calicoNatMap.run(healthyFacts({ calicoNat: new Map([['node-a', failed('exec failed')]]) }));
    expect(ids(f)).toEqual(['calico-nat-map/unknown']);
  });
});

describe('calico-node-pods', () => {
  test('Ready, not Ready (crash loop) and no pod', () => {
    const pod = (node: string, ready: boolean) => ({
      namespace: 'calico-system',
      name: `calico-node-${node}`,
      node,
      ready,
      running: ready,
      restartCount: ready ? 0 : 4,
      ...(ready ? {} : { waitingReason: 'CrashLoopBackOff' }),
      deleting: false,
      ownerDaemonSet: 'calico-node',
    });
    const f = calicoNodePods.run(healthyFacts({ calicoNodes: got([pod('node-a', true)]) }));
    expect(f.map((x) => `${x.id}@${x.node}`)).toEqual([
      'calico-node-pods/ready@node-a',
      'calico-node-pods/no-pod@node-b',
    ]);
    const g = calicoNodePods.run(healthyFacts({ calicoNodes: got([pod('node-a', true), pod('node-b', false)]) }));
    expect(g[1]).toMatchObject({ id: 'calico-node-pods/not-ready', cause: 'calico-node-not-ready' });
    expect(g[1]!.message).toMatch(/CrashLoopBackOff/);
  });
});

describe('calico-cilium-overlap', () => {
  const calico = (felixBpfEnabled?: string) => ({
    namespace: 'kube-system',
    name: 'calico-node',
    image: 'docker.io/calico/node:v3.27.3',
    ...(felixBpfEnabled !== undefined ? { felixBpfEnabled } : {}),
  });
  const run = (cfg: Record<string, string>, sig: object) =>
    calicoCiliumOverlap.run(healthyFacts({ config: got(cfg), datapathSignals: got({ errors: [], ...sig }) }));

  test('silent without calico-node (every Cilium-only cluster stays as it was)', () => {
    expect(run(KPR_TRUE_CONFIG, {})).toEqual([]);
  });

  test('KPR with Calico eBPF (env, FelixConfiguration or Installation) is a conflict; unchained is a warning', () => {
    const chained = { ...KPR_TRUE_CONFIG, 'cni-chaining-mode': 'generic-veth' };
    for (const sig of [
      { calico: calico('true') },
      { calico: calico(), felixBpfEnabled: true },
      { calico: calico(), linuxDataplane: 'BPF' },
    ])
      expect(ids(run(chained, sig))).toEqual(['calico-cilium-overlap/both-replace-kube-proxy']);
    expect(run(chained, { calico: calico('true') })[0]!.cause).toBe('calico-cilium-service-conflict');
    expect(ids(run({ ...chained, 'kube-proxy-replacement': 'false' }, { calico: calico('true') }))).toEqual([
      'calico-cilium-overlap/one-owner',
    ]);
    expect(ids(run(KPR_TRUE_CONFIG, { calico: calico() }))).toEqual(['calico-cilium-overlap/not-chained']);
  });
});

test('every datapath check and finding id is documented in docs/checks.md', () => {
  const docs = readFileSync(`${ROOT}docs/checks.md`, 'utf8');
  for (const c of DATAPATHS.flatMap((d) => d.checks)) {
    expect(docs).toContain(`## ${c.id}\n`);
    for (const r of c.reasons) expect(docs).toContain(`\`${c.id}/${r}\``);
  }
});
