// pods/exec over WebSocket (v5…v1 channel.k8s.io): the apiserver's checks before the upgrade, refused
// upgrades written on the raw socket, and the stream of a command run by the simulated container.
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import { runCommand, type CommandResult, type ExecContext } from '../agent.js';
import { answerScript, type ScriptTools, type ToolAnswer } from './exec-script.js';
import { runShell, SHELL_TEXT_TOOLS, type FastPaths } from './exec-shell.js';
import { cliFor } from '../cilium-out.js';
import type { Cluster } from '../cluster/index.js';
import { serviceMapKey, serviceMapShared } from '../cluster/service-map.js';
import { faultDef } from '../faults/index.js';
import type { KObj } from '../store.js';
import { badRequest, baseHeaders, HttpError, notFound } from './http.js';

/** Checks shared by the WebSocket and SPDY paths; returns the pod, container and agent. */
export function execPrecheck(
  cluster: Cluster,
  ns: string,
  name: string,
  q: URLSearchParams,
): { pod: KObj; container: string } {
  const pod = cluster.store.get('pods', ns, name);
  if (!pod) throw notFound('pods', name);
  const spec = pod.spec as { containers: { name: string }[]; initContainers?: { name: string }[] };
  let container = q.get('container') ?? '';
  if (!container) {
    if (spec.containers.length === 1) container = spec.containers[0]!.name;
    else
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${spec.containers.map((c) => c.name).join(' ')}]`,
      );
  }
  if (!spec.containers.some((c) => c.name === container) && !spec.initContainers?.some((c) => c.name === container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  const phase = (pod.status as { phase?: string }).phase;
  if (phase === 'Succeeded' || phase === 'Failed')
    throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const cs = (
    pod.status as { containerStatuses?: { name: string; state?: { running?: unknown } }[] }
  ).containerStatuses?.find((c) => c.name === container);
  if (!cs?.state?.running) {
    // the kubelet's answer, passed through by the apiserver's upgrade proxy
    throw new HttpError(500, `container not found ("${container}")`, { 'content-type': 'text/plain; charset=utf-8' });
  }
  return { pod, container };
}

export function rejectUpgrade(socket: Duplex, code: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const reason: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  const headers: Record<string, string> = {
    ...baseHeaders(code !== 401),
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    ...extra,
    date: new Date().toUTCString(),
    'content-length': String(Buffer.byteLength(text)),
    connection: 'close',
  };
  const head =
    `HTTP/1.1 ${code} ${reason[code] ?? 'Error'}\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n') +
    '\r\n\r\n';
  socket.end(head + text);
}

/** What the simulator served through exec: per pod, the count and the stdout+stderr bytes (tests, bench). */
export interface ExecStats {
  execs: number;
  bytes: number;
  /** Exec streams open now, and the most open at once (a client must stay within its --concurrency). */
  open: number;
  maxOpen: number;
  byPod: Map<string, { execs: number; bytes: number }>;
  /** `sh -c` execs answered in-process (kdiag's own scripts, exec-script.ts) and by the real shell. */
  shellJs: number;
  shellReal: number;
}

const statsByCluster = new WeakMap<Cluster, ExecStats>();

export function execStats(cluster: Cluster): ExecStats {
  let s = statsByCluster.get(cluster);
  if (!s)
    statsByCluster.set(
      cluster,
      (s = { execs: 0, bytes: 0, open: 0, maxOpen: 0, byPod: new Map(), shellJs: 0, shellReal: 0 }),
    );
  return s;
}

/**
 * What a script's agent tools print, known before it runs (exec-shell.ts's fast path). Only where no
 * fault answers exec (a fault may change any command's answer) and only plain successes.
 */
function fastPaths(cluster: Cluster, ctx: ExecContext): FastPaths | undefined {
  const st = ctx.agent;
  if (!st || ctx.container !== 'cilium-agent' || st.faults.some((f) => faultDef(f.kind).exec)) return undefined;
  const minor = cluster.scenario.minor;
  const cli = cliFor(minor);
  const plain = (argv: string[]): string | undefined => {
    const r = runCommand(ctx, argv);
    if (r.hang || r.exitCode !== 0 || r.stderr || !Array.isArray(r.stdout)) return undefined;
    return (r.stdout as string[]).join('');
  };
  // Each output is made on first read and kept: a script that prints one section costs that one command.
  const memo = new Map<string, string | undefined>();
  const lazy = (argv: string[]) => (): string | undefined => {
    const k = argv.join(' ');
    if (!memo.has(k)) memo.set(k, plain(argv));
    return memo.get(k);
  };
  const status = lazy([cli, 'status']);
  const progs = lazy(['bpftool', '-j', 'prog', 'show']);
  const mounts = lazy(['cat', '/proc/mounts']);
  const nat = lazy(['iptables-save', '-t', 'nat']);
  return {
    cli,
    ...(serviceMapShared(cluster) ? { mapKey: serviceMapKey(cluster, st) } : {}),
    // agent.ts serves the map from the render cache: this is the same string, not a second render.
    map: () => plain([cli, 'service', 'list']),
    get status() {
      return status();
    },
    get progs() {
      return progs();
    },
    get mounts() {
      return mounts();
    },
    get nat() {
      return nat();
    },
  };
}

/**
 * The tools kdiag's scripts call, answered as the shell's wrappers would (exec-shell.ts): the fast outputs
 * first (the files the wrappers cat), else the simulated command itself (what the socket serves).
 */
function scriptTools(cluster: Cluster, ctx: ExecContext, fast: FastPaths): ScriptTools {
  const known: Record<string, () => string | undefined> = {
    [`${fast.cli} status`]: () => fast.status,
    'bpftool -j prog show': () => fast.progs,
    'cat /proc/mounts': () => fast.mounts,
    'iptables-save -t nat': () => fast.nat,
  };
  return {
    cli: fast.cli,
    ...(ctx.agent ? { mapKey: serviceMapKey(cluster, ctx.agent) } : {}),
    run(argv: string[]): ToolAnswer | undefined {
      const line = argv.join(' ');
      const text =
        line === `${fast.cli} service list` ? fast.map() : Object.hasOwn(known, line) ? known[line]!() : undefined;
      if (text !== undefined) return { exitCode: 0, stdout: text, stderr: '' };
      const r = runCommand(ctx, argv);
      if (r.hang) return undefined;
      const src = r.stdout;
      if (src !== undefined && typeof (src as Readable).pipe === 'function') return undefined; // a stream
      const stdout = src === undefined ? '' : typeof src === 'string' ? src : [...(src as Iterable<string>)].join('');
      return { exitCode: r.exitCode, stdout, stderr: r.stderr ?? '' };
    },
  };
}

/** `sh`/`bash` run a real shell; plain text tools (grep, sort, cat of stdin …) run for real through it. */
function viaShell(argv: string[]): string[] | undefined {
  const name = argv[0]!.split('/').pop()!;
  if (name === 'sh' || name === 'bash') return argv.slice(1);
  const catOfStdin = name === 'cat' && argv.slice(1).every((a) => a === '-' || a.startsWith('-'));
  if (catOfStdin || SHELL_TEXT_TOOLS.includes(name)) return ['-c', 'exec "$@"', 'sh', ...argv];
  return undefined;
}

export async function runExec(
  cluster: Cluster,
  ws: WebSocket,
  pod: KObj,
  container: string,
  argv: string[],
  stdinWanted = false,
): Promise<void> {
  const proto = ws.protocol;
  const v4plus = proto === 'v4.channel.k8s.io' || proto === 'v5.channel.k8s.io';
  let closed = false;
  // stdin (channel 0) until the v5 close frame for it [255, 0], or the socket closes.
  const stdin = new PassThrough();
  if (!stdinWanted) stdin.end();
  ws.on('close', () => {
    closed = true;
    if (!stdin.writableEnded) stdin.end();
  });
  ws.on('error', () => {
    closed = true;
    if (!stdin.writableEnded) stdin.end();
  });
  ws.on('message', (m: Buffer) => {
    const data = Buffer.isBuffer(m) ? m : Buffer.from(m as ArrayBuffer);
    if (stdin.writableEnded || data.length === 0) return;
    if (data[0] === 0) stdin.write(data.subarray(1));
    else if (data[0] === 255 && data[1] === 0) stdin.end();
    /* resize (4) is accepted and ignored */
  });
  const agent = cluster.agentFor(pod);
  const ctx: ExecContext = { cluster: cluster, agent, container, node: (pod.spec as { nodeName?: string }).nodeName };
  const stats = execStats(cluster);
  const podKey = `${pod.metadata.namespace}/${pod.metadata.name}`;
  const podStats = stats.byPod.get(podKey) ?? { execs: 0, bytes: 0 };
  stats.byPod.set(podKey, podStats);
  stats.execs++;
  podStats.execs++;
  stats.open++;
  stats.maxOpen = Math.max(stats.maxOpen, stats.open);
  let counted = true;
  const uncount = () => {
    if (counted) stats.open--;
    counted = false;
  };
  ws.once('close', uncount);
  let result: CommandResult;
  try {
    const answer = argv.length && agent ? cluster.execAnswer(agent, argv) : undefined;
    const shArgs = argv.length && !answer ? viaShell(argv) : undefined;
    if (answer) result = answer;
    else if (shArgs) {
      const fast = fastPaths(cluster, ctx);
      // kdiag's own scripts, where no fault answers exec: in-process, the same bytes (exec-script.ts).
      const js =
        fast && !stdinWanted && process.env.KDIAG_SIM_SHELL !== 'real'
          ? answerScript(cluster, argv, scriptTools(cluster, ctx, fast))
          : undefined;
      if (js) {
        stats.shellJs++;
        result = { exitCode: js.exitCode, stdout: [js.stdout], stderr: js.stderr };
      } else {
        stats.shellReal++;
        const r = await runShell(cluster, ctx, shArgs, stdin, (c, a) => runCommand(c, a), fast);
        result = { exitCode: r.exitCode, stdout: [r.stdout.toString('utf8')], stderr: r.stderr };
      }
    } else result = runCommand(ctx, argv);
  } catch (e) {
    result = { exitCode: 126, stderr: `${(e as Error).message}\n` };
  }
  if (result.hang) return; // never answers until the client gives up
  // A streaming command (the monitor) ends when the client goes away, as the container's process would.
  const stream = result.stdout as Readable | undefined;
  if (stream && typeof (stream as Readable).destroy === 'function') {
    if (closed) stream.destroy();
    else ws.once('close', () => stream.destroy());
  }
  const sendFrame = (channel: number, data: Buffer): Promise<void> =>
    new Promise((resolve) => {
      if (closed) return resolve();
      const frame = Buffer.allocUnsafe(data.length + 1);
      frame[0] = channel;
      data.copy(frame, 1);
      ws.send(frame, { binary: true }, () => resolve());
    });
  const sendData = async (channel: number, chunk: string | Buffer): Promise<void> => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    stats.bytes += buf.length;
    podStats.bytes += buf.length;
    for (let off = 0; off < buf.length && !closed; off += 32 * 1024)
      await sendFrame(channel, buf.subarray(off, off + 32 * 1024));
  };
  try {
    if (result.stdout) {
      const src = result.stdout as Iterable<string> | Readable;
      if (typeof (src as Readable).pipe === 'function') {
        for await (const chunk of src as Readable) {
          if (closed) break;
          await sendData(1, chunk as Buffer);
        }
      } else {
        for (const chunk of src as Iterable<string>) {
          if (closed) break;
          await sendData(1, chunk);
        }
      }
    }
    if (result.stderr) await sendData(2, result.stderr);
  } catch (e) {
    await sendData(2, `${(e as Error).message}\n`);
  }
  if (closed) return;
  const code = result.exitCode;
  if (v4plus) {
    const st =
      code === 0
        ? { metadata: {}, status: 'Success' }
        : {
            metadata: {},
            status: 'Failure',
            message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
          };
    await sendFrame(3, Buffer.from(JSON.stringify(st)));
  } else if (code !== 0) {
    await sendFrame(
      3,
      Buffer.from(
        `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
      ),
    );
  }
  ws.close(1000);
}
