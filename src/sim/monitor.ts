// `cilium-dbg monitor --type drop` in the simulated agent, and coreutils `timeout` around it. The monitor
// streams until it is stopped: by `timeout`'s deadline (exit 124, as coreutils reports a timed-out command)
// or by the client closing the exec. Each run is counted, started and ended, so tests can see that nothing
// is left running in the agent container (monitorStats).
// Header lines as recorded agents print them ("Listening for events on 8 CPUs with 64x4096 of shared
// memory", "Press Ctrl-C to quit": fixtures/cilium/monitor-drop.*.txt); drop lines come from the faults.
import { Readable } from 'node:stream';
import type { CommandResult, ExecContext } from './agent.js';
import { faultDef, type MonitorView } from './faults/index.js';
import type { Cluster } from './cluster/index.js';

export interface MonitorStats {
  /** Watches (monitor or Hubble) started and ended. */
  started: number;
  ended: number;
  /** Of those started, `hubble observe` runs. */
  hubble: number;
  /** Drop lines written. */
  lines: number;
}

const statsByCluster = new WeakMap<Cluster, MonitorStats>();

export function monitorStats(cluster: Cluster): MonitorStats {
  let s = statsByCluster.get(cluster);
  if (!s) statsByCluster.set(cluster, (s = { started: 0, ended: 0, hubble: 0, lines: 0 }));
  return s;
}

/** Spacing of drop lines: a retrying client's SYNs, fast enough for short test runs. */
const LINE_EVERY_MS = 50;

/** The monitor's stream; `deadlineMs` set when `timeout` wraps it. */
export function monitorDrop(ctx: ExecContext, deadlineMs?: number): CommandResult {
  const { cluster, agent } = ctx;
  const view = monitorView(cluster, agent!.node.name, agent!.node.podCidr);
  const pending = agent!.faults.flatMap((f) => faultDef(f.kind).monitorDrops?.(f, view) ?? []);
  return dropStream(
    ctx,
    'Listening for events on 8 CPUs with 64x4096 of shared memory\nPress Ctrl-C to quit\n',
    pending,
    deadlineMs,
  );
}

/**
 * A watch that streams `lines` after `header` until `timeout`'s deadline (exit 124) or the exec closes;
 * counted in monitorStats (`hubble` too when it is Hubble's). Shared by the monitor and src/sim/hubble.ts.
 */
export function dropStream(
  ctx: ExecContext,
  header: string,
  pending: string[],
  deadlineMs: number | undefined,
  tool: 'monitor' | 'hubble' = 'monitor',
): CommandResult {
  const { cluster, agent } = ctx;
  const stats = monitorStats(cluster);
  // A watch that ignores SIGINT outlives `timeout` (coreutils sends no SIGKILL without -k).
  if (agent!.faults.some((f) => (f as { ignoresSignal?: boolean }).ignoresSignal)) deadlineMs = undefined;
  const timers: NodeJS.Timeout[] = [];
  const out = new Readable({ read() {} });
  stats.started++;
  if (tool === 'hubble') stats.hubble++;
  out.once('close', () => {
    for (const t of timers) clearTimeout(t);
    stats.ended++;
  });
  if (header) out.push(header);
  pending.forEach((line, i) => {
    const at = (i + 1) * LINE_EVERY_MS;
    if (deadlineMs !== undefined && at >= deadlineMs) return;
    timers.push(
      setTimeout(() => {
        if (out.destroyed) return;
        stats.lines++;
        out.push(line + '\n');
      }, at),
    );
  });
  if (deadlineMs !== undefined) timers.push(setTimeout(() => out.push(null), deadlineMs));
  // An unbounded watch never ends by itself: only the exec closing (exec.ts destroys the stream) stops it.
  return { exitCode: deadlineMs !== undefined ? 124 : 0, stdout: out };
}

/**
 * `timeout [-s SIG|--signal=SIG] [-k D|--kill-after=D] DURATION COMMAND…` (coreutils). Only the monitor
 * outlives the duration here; every other simulated command ends at once and keeps its own exit code.
 */
export function timeoutCommand(
  ctx: ExecContext,
  args: string[],
  run: (ctx: ExecContext, argv: string[]) => CommandResult,
): CommandResult {
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-')) {
    const a = args[i]!;
    i += a === '-s' || a === '-k' || a === '--signal' || a === '--kill-after' ? 2 : 1;
  }
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(args[i] ?? '');
  if (!m || i + 1 >= args.length)
    return { exitCode: 125, stderr: "timeout: missing operand\nTry 'timeout --help' for more information.\n" };
  const ms = Number(m[1]) * ({ '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const)[m[2] as '']!;
  const r = run({ ...ctx, deadlineMs: ms }, args.slice(i + 1));
  // coreutils: 127 when the command is not found stays 127; a command that ended in time keeps its code.
  return r;
}

/** `cilium-dbg monitor --type drop` (or `-t drop`) in an agent container whose CLI has that name. */
export function isMonitorDrop(ctx: ExecContext, argv: string[]): boolean {
  const name = argv[0]?.split('/').pop();
  if (!ctx.agent || ctx.container !== 'cilium-agent' || (name !== 'cilium' && name !== 'cilium-dbg')) return false;
  const rest = argv.slice(1);
  const t = rest.findIndex((a) => a === '--type' || a === '-t');
  return rest[0] === 'monitor' && t > 0 && rest[t + 1] === 'drop';
}

export function monitorView(cluster: Cluster, node: string, podCidr: string): MonitorView {
  return {
    podCidr,
    service(ref) {
      const [ns, name] = ref.split('/') as [string, string];
      const svc = cluster.store.get('services', ns, name);
      if (!svc) return undefined;
      const spec = svc.spec as { clusterIP: string; ports: { port: number; targetPort?: number | string }[] };
      const backends: { ip: string; port: number }[] = [];
      for (const sl of cluster.store.list('endpointslices.discovery.k8s.io', ns)) {
        if (sl.metadata.labels?.['kubernetes.io/service-name'] !== name) continue;
        const s = sl as unknown as {
          endpoints?: { addresses: string[]; nodeName?: string }[];
          ports?: { port: number }[];
        };
        for (const ep of s.endpoints ?? [])
          if (ep.nodeName === node) backends.push({ ip: ep.addresses[0]!, port: s.ports?.[0]?.port ?? 0 });
      }
      return { clusterIP: spec.clusterIP, port: spec.ports[0]?.port ?? 0, backends };
    },
  };
}
