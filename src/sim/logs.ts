// Agent logs: a startup sequence in the version's log style, then the lines the node's faults produce.
// Each fault's lines are in its own file under faults/ (real agent lines: shared/fixtures/cilium, Cilium's source).
import type { LogLevel } from '../cilium/types.js';
import { logLine } from './cilium-out.js';
import type { AgentState, Cluster } from './cluster/index.js';
import { faultDef, type LogRec } from './faults/index.js';

export interface LogEntry {
  time: Date;
  line: string;
}

type Rec = LogRec;

function startup(minor: number, version: string, kernel: string, kpr: string): Rec[] {
  return [
    { level: 'info', msg: 'Memory available for map entries (0.003% of 16758013952B): 41895034B', subsys: 'config' },
    { level: 'info', msg: `  --kube-proxy-replacement='${kpr}'`, subsys: 'daemon' },
    { level: 'info', msg: `Cilium ${version} ${'a1b2c3d4'} go version go1.22.10 linux/amd64`, subsys: 'daemon' },
    {
      level: 'info',
      msg: 'clang (10.0.0) and kernel (' + kernel.split('-')[0] + ') versions: OK!',
      subsys: 'linux-datapath',
    },
    { level: 'info', msg: 'Detected mounted BPF filesystem at /sys/fs/bpf', subsys: 'bpf' },
    { level: 'info', msg: 'Parsing base label prefixes from default label list', subsys: 'labels-filter' },
    {
      level: 'info',
      msg: 'Establishing connection to apiserver',
      subsys: 'k8s-client',
      fields: { host: 'https://10.96.0.1:443' },
    },
    { level: 'info', msg: 'Connected to apiserver', subsys: 'k8s-client' },
    {
      level: 'info',
      msg: 'Restored services from maps',
      subsys: 'service',
      fields: { failedServices: '0', restoredServices: '3' },
    },
    { level: 'info', msg: 'Initializing daemon', subsys: 'daemon' },
    ...(minor >= 14
      ? [
          {
            level: 'info' as LogLevel,
            msg: 'Start hook executed',
            subsys: 'hive',
            fields: { duration: '1.892µs', function: '*job.group.Start' },
          },
        ]
      : []),
  ];
}

const READY: Rec[] = [
  { level: 'info', msg: 'Compiling datapath', subsys: 'datapath-loader' },
  { level: 'info', msg: 'Initializing identity allocator', subsys: 'identity-cache' },
  {
    level: 'info',
    msg: 'Daemon initialization completed',
    subsys: 'daemon',
    fields: { bootstrapTime: '6.214532103s' },
  },
  { level: 'info', msg: 'Serving cilium health API at unix:///var/run/cilium/health.sock', subsys: 'health-server' },
];

/**
 * When the container instance a log belongs to ran, as its pod status names it: `state.running.startedAt`,
 * or `lastState.terminated.startedAt`/`finishedAt` for the previous (or crash-looping) instance.
 */
export interface ContainerWindow {
  start: Date;
  /** The instance ended here: every line is written before it. */
  end?: Date;
}

/** The log of the current (or previous) agent container on a node, oldest first. */
export function agentLog(cluster: Cluster, st: AgentState, previous: boolean, window?: ContainerWindow): LogEntry[] {
  const sc = cluster.scenario;
  const minor = sc.minor;
  const crash = cluster.health(st) === 'crashloop';
  const start = window?.start ?? (previous ? new Date(st.startedAt.getTime() - 90_000) : st.startedAt);
  const recs: Rec[] = [...startup(minor, sc.cilium.version, st.node.kernel, cluster.kprMode())];
  const verbatim: string[] = [];
  let fatalFirst = false;
  for (const f of st.faults) {
    if ((f as { previousOnly?: boolean }).previousOnly && !previous) continue;
    const { records = [], raw = [] } = faultDef(f.kind).logs?.(f, minor) ?? {};
    if (records.some((l) => l.level === 'fatal')) fatalFirst = true;
    recs.push(...records);
    verbatim.push(...raw);
  }
  if (!crash && !fatalFirst) recs.push(...READY);
  const out: LogEntry[] = [];
  let t = start.getTime() + 150;
  for (const r of recs) {
    t += 37 + ((r.msg.length * 13) % 400);
    const time = new Date(t);
    out.push({
      time,
      line: logLine(
        { time: time.toISOString(), level: r.level, msg: r.msg, subsys: r.subsys, fields: r.fields ?? {} },
        minor,
      ),
    });
  }
  for (const v of verbatim) {
    t += 250;
    out.push({ time: new Date(t), line: v });
  }
  // A container that has ended wrote its last line before its finishedAt: squeeze the lines into its run.
  const end = window?.end?.getTime();
  if (end !== undefined && out.length && out[out.length - 1]!.time.getTime() >= end) {
    const s0 = start.getTime();
    const span = Math.max(1, end - 1 - s0);
    const last = out[out.length - 1]!.time.getTime() - s0 || 1;
    return out.map((e) => ({ time: new Date(s0 + Math.floor(((e.time.getTime() - s0) * span) / last)), line: e.line }));
  }
  return out;
}

export function kubeProxyLog(start: Date): LogEntry[] {
  const lines = [
    'I1125 17:52:14.000000       1 server_linux.go:66] "Using iptables proxy"',
    'I1125 17:52:14.100000       1 server.go:677] "Successfully retrieved node IP(s)" IPs=["127.0.0.11"]',
    'I1125 17:52:14.200000       1 config.go:199] "Starting service config controller"',
    'I1125 17:52:14.300000       1 shared_informer.go:313] Waiting for caches to sync for service config',
    'I1125 17:52:14.400000       1 shared_informer.go:320] Caches are synced for service config',
  ];
  return lines.map((line, i) => ({ time: new Date(start.getTime() + i * 100), line }));
}

/** RFC3339Nano as the kubelet prefixes lines with `timestamps=true`. */
export function kubeletTimestamp(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}
