// Agent logs: a startup sequence in the version's log style, then the lines the node's faults produce.
// Fault lines are real agent lines (fixtures under shared/fixtures/cilium and Cilium's source).
import type { LogLevel } from '../cilium/types.js';
import { logLine } from './cilium-out.js';
import type { AgentState, Cluster } from './cluster.js';

export interface LogEntry {
  time: Date;
  line: string;
}

type Rec = { level: LogLevel; msg: string; subsys: string; fields?: Record<string, string> };

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

/** Lines each fault makes the agent print (the first ones are what a log catalog should recognise). */
export function faultLines(kind: string, st: AgentState, minor: number): Rec[] {
  switch (kind) {
    case 'bpf-programs-not-loaded':
      // message strings of pkg/endpoint/bpf.go and pkg/datapath/loader/compile.go (log catalog: bpf-program-load-failed)
      return [
        {
          level: 'error',
          msg: 'Error while reloading endpoint BPF program',
          subsys: 'endpoint',
          fields: {
            ciliumEndpointName: 'kube-system/coredns',
            endpointID: '1532',
            error: 'Failed to compile bpf_lxc.o: exit status 1',
          },
        },
        {
          level: 'warning',
          msg: 'Regeneration of endpoint failed',
          subsys: 'endpoint',
          fields: {
            endpointID: '1532',
            reason: 'retrying regeneration',
            error: 'Error while reloading endpoint BPF program: Failed to compile bpf_lxc.o: exit status 1',
          },
        },
      ];
    case 'kernel-too-old':
      return minor >= 18
        ? [
            {
              level: 'error',
              msg: 'Start hook failed',
              subsys: 'hive',
              fields: {
                function: 'datapath.initDatapath.func1 (pkg/datapath/cells.go:181) (agent.datapath)',
                error: 'requirements failed: Require support for dead code elimination (Linux 5.1 or newer)',
              },
            },
            {
              level: 'error',
              msg: 'Failed to start hive',
              subsys: 'hive',
              fields: {
                error: 'requirements failed: Require support for dead code elimination (Linux 5.1 or newer)',
                duration: '1.032422414s',
              },
            },
          ]
        : [
            {
              level: 'fatal',
              msg: 'Error while creating daemon',
              subsys: 'daemon',
              fields: {
                error:
                  'unable to read BPF endpoint list: Unable to get next key from map with file descriptor 10: bad address',
              },
            },
          ];
    case 'missing-capabilities':
      return [
        {
          level: 'error',
          msg: 'Error while opening/creating BPF maps',
          subsys: 'daemon',
          fields: { error: 'Unable to create map /sys/fs/bpf/tc/globals/cilium_lxc: operation not permitted' },
        },
        {
          level: 'fatal',
          msg: 'Error while creating daemon',
          subsys: 'daemon',
          fields: { error: 'Unable to create map /sys/fs/bpf/tc/globals/cilium_lxc: operation not permitted' },
        },
      ];
    case 'bpffs-not-mounted':
      return [
        {
          level: 'warning',
          msg: 'BPF filesystem is going to be mounted automatically in /run/cilium/bpffs. However, it probably means that Cilium is running inside container and BPFFS is not mounted on the host. for more information, see: https://cilium.link/err-bpf-mount',
          subsys: 'bpf',
        },
      ];
    case 'agent-not-ready':
      return [
        {
          level: 'warning',
          msg: 'Unable to contact k8s api-server',
          subsys: 'k8s-client',
          fields: {
            error: 'Get "https://10.96.0.1:443/api/v1/namespaces/kube-system": dial tcp 10.96.0.1:443: i/o timeout',
            ipAddr: 'https://10.96.0.1:443',
          },
        },
      ];
    case 'agent-crashloop':
      return [
        {
          level: 'fatal',
          msg: 'Error while creating daemon',
          subsys: 'daemon',
          fields: { error: 'unable to connect to Kubernetes apiserver: timed out waiting for the condition' },
        },
      ];
    default:
      void st;
      return [];
  }
}

/** The log of the current (or previous) agent container on a node, oldest first. */
export function agentLog(cluster: Cluster, st: AgentState, previous: boolean): LogEntry[] {
  const sc = cluster.scenario;
  const minor = sc.minor;
  const crash = cluster.health(st) === 'crashloop';
  const start = previous ? new Date(st.startedAt.getTime() - 90_000) : st.startedAt;
  const recs: Rec[] = [...startup(minor, sc.cilium.version, st.node.kernel, cluster.kprMode())];
  const verbatim: string[] = [];
  let fatalFirst = false;
  for (const f of st.faults) {
    if (f.kind === 'logs') verbatim.push(...f.lines);
    else if (f.kind === 'agent-crashloop' && f.logLine) verbatim.push(f.logLine);
    else {
      const lines = faultLines(f.kind, st, minor);
      if (lines.some((l) => l.level === 'fatal')) fatalFirst = true;
      recs.push(...lines);
    }
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
