// The simulator must not be the bottleneck (issue #13): each distinct service map is rendered once and
// served as cached bytes, and a script's `cilium-dbg service list` reads the pre-rendered file. The bytes
// stay what the map says: the fast path, the socket path (a node whose faults answer exec) and the
// plain exec agree, and a drifted node keeps its own map. Driven with real kubectl.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { agentOn, scenario, withSim, type SimHandle } from '../helpers/sim.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const maybe = existsSync(KUBECTL) || process.env.CI === 'true' ? describe : describe.skip;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

maybe('service maps are rendered once per distinct map', () => {
  test('ten nodes, two distinct maps: two renders; every path serves the same bytes', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'kdiag-kcache-'));
    const input = scenario({
      count: 10,
      faults: [
        { kind: 'service-map-drift', nodes: 'node-2', missingFrontends: ['default/web'] },
        // A fault that answers exec (here: only bpftool hangs) turns the fast path off on node-5.
        { kind: 'exec-hangs', nodes: 'node-5', commands: ['bpftool'] },
      ] as never,
      services: {
        explicit: [{ name: 'web', clusterIP: '10.96.10.10', ports: [{ port: 80, targetPort: 8080 }], backends: 2 }],
        generated: { count: 300, namespaces: ['shop', 'data'] },
      } as never,
    });
    try {
      await withSim(input, async (sim: SimHandle) => {
        const exec = async (node: string, cmd: string[]) => {
          const pod = agentOn(sim, node)!.metadata.name;
          return execa(
            KUBECTL,
            [
              '--kubeconfig',
              sim.kubeconfigPath,
              '--cache-dir',
              cacheDir,
              '-n',
              'kube-system',
              'exec',
              pod,
              '-c',
              'cilium-agent',
              '--',
              ...cmd,
            ],
            { reject: false, timeout: 60_000, stripFinalNewline: false },
          );
        };
        const nodes = Array.from({ length: 10 }, (_, i) => `node-${i + 1}`);
        const direct = new Map<string, string>();
        const viaShell = new Map<string, string>();
        for (const n of nodes) {
          const d = await exec(n, ['cilium-dbg', 'service', 'list']);
          expect(d.exitCode).toBe(0);
          direct.set(n, d.stdout);
          const s = await exec(n, ['sh', '-c', 'cilium-dbg service list; echo "exit $?"']);
          expect(s.exitCode).toBe(0);
          viaShell.set(n, s.stdout);
        }
        for (const n of nodes) expect(viaShell.get(n)).toBe(`${direct.get(n)}exit 0\n`);
        // node-5 took the socket path (its fault answers exec), the others the file: same bytes.
        expect(sha(direct.get('node-5')!)).toBe(sha(direct.get('node-1')!));
        expect(direct.get('node-1')!.split('\n').length).toBeGreaterThan(300);
        // node-2 lacks default/web's frontend; nobody else does.
        expect(direct.get('node-2')).not.toContain('10.96.10.10:80');
        for (const n of nodes.filter((x) => x !== 'node-2')) expect(direct.get(n)).toContain('10.96.10.10:80');
        // Twenty reads of two distinct maps: two renders.
        expect(sim.execStats().mapRenders).toBe(2);
        // A script on a healthy node now asks the simulator nothing: every tool reads a file.
        const before = sim.execStats().shellSocketCalls;
        const all = await exec('node-7', [
          'sh',
          '-c',
          'cilium-dbg status >/dev/null && bpftool -j prog show >/dev/null && cat /proc/mounts >/dev/null && cilium-dbg service list | sort | sha256sum',
        ]);
        expect(all.stdout.split(' ')[0]).toBe(
          sha([...direct.get('node-7')!.split('\n').slice(0, -1)].sort().join('\n') + '\n'),
        );
        expect(sim.execStats().shellSocketCalls).toBe(before);
        // The other fast-path outputs match the plain exec too.
        for (const cmd of [
          ['cilium-dbg', 'status'],
          ['bpftool', '-j', 'prog', 'show'],
          ['cat', '/proc/mounts'],
        ]) {
          const plain = await exec('node-1', cmd);
          const sh = await exec('node-1', ['sh', '-c', '"$@"', 'sh', ...cmd]);
          expect(sh.stdout).toBe(plain.stdout);
          expect(sh.exitCode).toBe(plain.exitCode);
        }
      });
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }, 240_000);
});
