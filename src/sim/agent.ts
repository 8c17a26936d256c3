// Commands inside the simulated cilium-agent container, dispatched on argv. `sh -c` and the text tools
// run for real (api/exec-shell.ts), calling back here for the simulated tools.
import type { Readable } from 'node:stream';
import type { BpfProgramDetail } from '../cilium/formats/bpftool.js';
import {
  cliFor,
  renderBpftoolProgJson,
  renderBpftoolProgText,
  renderCiliumStatus,
  serviceListJsonChunks,
  serviceListTextChunks,
} from './cilium-out.js';
import { calicoNatDump, calicoPrograms } from './calico-out.js';
import type { AgentState, Cluster } from './cluster/index.js';
import { renderedServiceMap } from './cluster/service-map.js';
import { faultDef } from './faults/index.js';
import { renderIptablesSaveNat } from './cluster/kube-proxy.js';
import { renderIpvsadmLn, renderProcIpVs } from './cluster/kube-proxy-ipvs.js';
import { renderNftKubeProxy } from './cluster/kube-proxy-nft.js';
import { isMonitorDrop, monitorDrop, timeoutCommand } from './monitor.js';
import { hubbleCommand } from './hubble.js';
import { normalizeKpr } from '../cilium/config.js';

export type Output = Iterable<string> | Readable;

export type CommandResult =
  | { hang: true }
  | {
      hang?: false;
      exitCode: number;
      stdout?: Output;
      stderr?: string;
    };

export interface ExecContext {
  cluster: Cluster;
  /** Agent state for cilium pods, undefined for other pods. */
  agent?: AgentState;
  container: string;
  /** Set by `timeout DURATION …` (src/sim/monitor.ts): when a streaming command must end, in ms. */
  deadlineMs?: number;
  /** The node of the pod the command runs in (for node-local output of non-Cilium pods: kube-proxy, calico-node). */
  node?: string;
}

const ok = (stdout: string | Output = ''): CommandResult => ({
  exitCode: 0,
  stdout: typeof stdout === 'string' ? [stdout] : stdout,
});
const fail = (code: number, stderr: string, stdout = ''): CommandResult => ({
  exitCode: code,
  stderr,
  stdout: [stdout],
});

/** A nat table with only the built-in chains, in iptables-save's syntax (`:CHAIN POLICY [packets:bytes]`). */
const EMPTY_NAT = [
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':INPUT ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':POSTROUTING ACCEPT [0:0]',
  'COMMIT',
  '',
].join('\n');

export function runCommand(ctx: ExecContext, argv: string[]): CommandResult {
  const { cluster, agent } = ctx;
  if (argv.length === 0)
    return fail(
      126,
      'OCI runtime exec failed: exec failed: unable to start container process: exec: no command: unknown\n',
    );
  if (agent) {
    const answer = cluster.execAnswer(agent, argv);
    if (answer) return answer;
  }
  const [bin, ...args] = argv;
  const name = bin!.split('/').pop()!;
  const minor = cluster.scenario.minor;
  const cli = cliFor(minor);
  const isAgent = ctx.container === 'cilium-agent' && agent !== undefined;

  switch (name) {
    case 'true':
      return ok('');
    case 'false':
      return fail(1, '');
    case 'echo':
      return ok(args.join(' ') + '\n');
    case 'hostname':
      return ok(`${agent?.node.name ?? 'pod'}\n`);
    case 'uname':
      if (args.includes('-r')) return ok(`${agent?.node.kernel ?? cluster.nodes[0]!.kernel}\n`);
      if (args.includes('-a')) {
        const k = agent?.node.kernel ?? cluster.nodes[0]!.kernel;
        return ok(`Linux ${agent?.node.name ?? 'pod'} ${k} #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n`);
      }
      return ok('Linux\n');
    case 'mount':
      return ok(mounts(ctx, 'mount'));
    case 'cat':
      if (args[0] === '/proc/mounts' || args[0] === '/proc/self/mounts') return ok(mounts(ctx, 'proc'));
      if (args[0] === '/proc/sys/kernel/osrelease') return ok(`${agent?.node.kernel ?? ''}\n`);
      // kube-proxy runs in the host network namespace: its `cat` sees the node's IPVS table (IPVS mode only).
      if (args[0] === '/proc/net/ip_vs' && ctx.container === 'kube-proxy' && ctx.node && kubeProxyMode(ctx) === 'ipvs')
        return ok(renderProcIpVs(cluster, ctx.node));
      return fail(1, `cat: ${args[0] ?? ''}: No such file or directory\n`);
    case 'timeout':
      return timeoutCommand(ctx, args, runCommand);
    case 'bpftool':
      // The calico-node image ships bpftool too (projectcalico/calico node/Dockerfile); it lists Felix's
      // programs where Calico runs its eBPF dataplane, and nothing Calico's on its iptables dataplane.
      if (ctx.container === 'calico-node' && ctx.node)
        return bpftool(ctx, args, () =>
          cluster.scenario.datapath.calico === 'bpf' ? calicoPrograms(cluster, ctx.node!) : [],
        );
      if (!isAgent) break;
      return bpftool(ctx, args, () => ctx.cluster.programs(ctx.agent!));
    case 'iptables-save':
      // The kube-proxy and cilium-agent images ship iptables; only the nat table is simulated (`-t nat`).
      if (args.join(' ') !== '-t nat' && args.join(' ') !== '--table=nat') break;
      if (isAgent) {
        // kube-proxy's rules are in the agent's view only where they were left behind (faults/kube-proxy-leftovers.ts).
        const left = agent.faults.some((f) => f.kind === 'kube-proxy-leftovers');
        return ok(left ? renderIptablesSaveNat(cluster, agent.node.name, { leftovers: true }) : EMPTY_NAT);
      }
      if (ctx.container !== 'kube-proxy' || !ctx.node) break;
      return ok(renderIptablesSaveNat(cluster, ctx.node));
    case 'ipvsadm':
      // Only in images that ship it (scenario datapath.kubeProxyIpvsadm); the stock kube-proxy image does not.
      if (ctx.container !== 'kube-proxy' || !ctx.node || !cluster.scenario.datapath.kubeProxyIpvsadm) break;
      if (args.join(' ') !== '-Ln' && args.join(' ') !== '-L -n')
        return fail(2, `ipvsadm ${args.join(' ')}: not simulated\n`);
      // Without the ip_vs module loaded (any mode but ipvs) ipvsadm prints an empty table.
      return ok(renderIpvsadmLn(cluster, kubeProxyMode(ctx) === 'ipvs' ? ctx.node : undefined));
    case 'nft':
      // The kube-proxy image ships nft (distroless-iptables); kube-proxy's table exists in nftables mode only.
      if (ctx.container !== 'kube-proxy' || !ctx.node) break;
      if (args.join(' ') !== 'list table ip kube-proxy') return fail(1, `nft ${args.join(' ')}: not simulated\n`);
      // No such table outside nftables mode: nft reports the kernel's ENOENT.
      if (kubeProxyMode(ctx) !== 'nftables') return fail(1, 'Error: No such file or directory\n');
      return ok(renderNftKubeProxy(cluster, ctx.node));
    case 'calico-node':
      if (ctx.container !== 'calico-node' || !ctx.node) break;
      if (args.join(' ') === '-bpf nat dump') return ok(calicoNatDump(cluster, ctx.node));
      return fail(1, `calico-node ${args.join(' ')}: not simulated\n`);
    case 'hubble': {
      // The agent image's hubble CLI (src/sim/hubble.ts); not found where the scenario's image lacks it.
      const r = hubbleCommand(ctx, [name, ...args]);
      if (!r) break;
      return r;
    }
    case 'cilium':
    case 'cilium-dbg':
      if (!isAgent || name !== cli) break;
      return ciliumCli(ctx, name, args);
    default:
      break;
  }
  return fail(127, `${bin}: executable file not found in $PATH: not simulated\n`);
}

const kubeProxyMode = (ctx: ExecContext) => ctx.cluster.scenario.datapath.kubeProxyMode;

function mounts(ctx: ExecContext, style: 'mount' | 'proc'): string {
  const lines: [string, string, string, string][] = [
    [
      'overlay',
      '/',
      'overlay',
      'rw,relatime,lowerdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/41/fs,upperdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/42/fs,workdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/42/work',
    ],
    ['proc', '/proc', 'proc', 'rw,nosuid,nodev,noexec,relatime'],
    ['tmpfs', '/dev', 'tmpfs', 'rw,nosuid,size=65536k,mode=755'],
    ['sysfs', '/sys', 'sysfs', 'rw,nosuid,nodev,noexec,relatime'],
    ['cgroup2', '/run/cilium/cgroupv2', 'cgroup2', 'rw,nosuid,nodev,noexec,relatime'],
  ];
  if (!ctx.agent || ctx.cluster.bpffsMounted(ctx.agent))
    lines.push(['bpf', '/sys/fs/bpf', 'bpf', 'rw,nosuid,nodev,noexec,relatime,mode=700']);
  lines.push(['/dev/root', '/etc/hosts', 'ext4', 'rw,relatime,discard,errors=remount-ro']);
  lines.push(['tmpfs', '/var/run/secrets/kubernetes.io/serviceaccount', 'tmpfs', 'ro,relatime,size=16252720k']);
  if (style === 'proc') return lines.map(([d, m, t, o]) => `${d} ${m} ${t} ${o} 0 0\n`).join('');
  return lines.map(([d, m, t, o]) => `${d} on ${m} type ${t} (${o})\n`).join('');
}

function bpftool(ctx: ExecContext, args: string[], loaded: () => BpfProgramDetail[]): CommandResult {
  let json = false;
  const rest: string[] = [];
  for (const a of args) {
    if (a === '-j' || a === '--json' || a === '-p' || a === '--pretty') json = true;
    else rest.push(a);
  }
  const [obj, verb] = rest;
  if ((obj === 'prog' || obj === 'p') && (verb === undefined || verb === 'show' || verb === 'list')) {
    const progs = loaded();
    if (json) return ok(progs.length ? renderBpftoolProgJson(progs) : '[]\n');
    return ok(renderBpftoolProgText(progs));
  }
  if (obj === 'version' || obj === '--version' || obj === '-V')
    return ok('bpftool v7.1.0\nusing libbpf v1.1\nfeatures: libbfd, skeletons\n');
  return fail(255, `Error: unknown object or command: ${rest.join(' ')}\n`);
}

function ciliumCli(ctx: ExecContext, cli: string, args: string[]): CommandResult {
  const { cluster, agent } = ctx;
  const st = agent!;
  const minor = cluster.scenario.minor;
  const sub = args.filter((a) => !a.startsWith('-'));
  const out = (() => {
    const i = args.findIndex((a) => a === '-o' || a === '--output');
    if (i >= 0) return args[i + 1];
    const eq = args.find((a) => a.startsWith('-o=') || a.startsWith('--output='));
    return eq?.split('=')[1];
  })();
  const cmd = sub.filter((s) => s !== out).join(' ');
  if (cmd === 'version') {
    const v = cluster.scenario.cilium.version;
    return ok(
      `Client: ${v} a1b2c3d4 2024-12-01T00:00:00+00:00 go version go1.22.10 linux/amd64\nDaemon: ${v} a1b2c3d4 2024-12-01T00:00:00+00:00 go version go1.22.10 linux/amd64\n`,
    );
  }
  if (cmd === 'service list' || cmd === 'service ls') {
    // Rendered once per distinct map (cluster/service-map.ts), then served as cached bytes.
    if (out === 'json') return ok(renderedServiceMap(cluster, st, 'json', (rows) => serviceListJsonChunks(rows)));
    return ok(renderedServiceMap(cluster, st, 'text', (rows) => serviceListTextChunks(rows, minor)));
  }
  if (cmd === 'status') {
    const verbose = args.includes('--verbose') || args.includes('-v');
    const brief = args.includes('--brief');
    const progs = cluster.programs(st);
    const failures =
      progs.length === 0 || st.faults.some((f) => faultDef(f.kind).failsStatus)
        ? ['endpoint-regeneration (last error: "loading eBPF collection into the kernel: invalid argument")']
        : [];
    if (brief) return failures.length ? fail(1, '', 'error\n') : ok('OK\n');
    const nodes = cluster.nodes.length;
    const text = renderCiliumStatus(
      {
        kpr: normalizeKpr(cluster.kprMode()) ?? 'disabled',
        devices: [{ name: 'eth0', ips: [st.node.internalIP], directRouting: true }],
        version: cluster.scenario.cilium.version,
        ready: failures.length === 0,
        failureMessage: failures[0],
        controllersTotal: 32,
        controllersFailing: failures.length,
        kubernetesVersion: `${cluster.scenario.kubeletVersion.replace(/^v(\d+\.\d+).*/, '$1')} (${cluster.scenario.kubeletVersion}) [linux/amd64]`,
        podCidr: st.node.podCidr,
        allocatedIps: 4,
        nodesReachable: nodes,
        nodesTotal: nodes,
        verbose,
      },
      minor,
    );
    return { exitCode: 0, stdout: [text] };
  }
  if (isMonitorDrop(ctx, [cli, ...args])) return monitorDrop(ctx, ctx.deadlineMs);
  const first = sub[0] ?? '';
  return fail(1, `Error: unknown command "${first}" for "${cli}"\nRun '${cli} --help' for usage.\n`);
}
