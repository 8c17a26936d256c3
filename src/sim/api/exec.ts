// pods/exec over WebSocket (v5…v1 channel.k8s.io): the apiserver's checks before the upgrade, refused
// upgrades written on the raw socket, and the stream of a command run by the simulated container.
import type { Duplex, Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import { runCommand, type CommandResult } from '../agent.js';
import type { Cluster } from '../cluster/index.js';
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

export async function runExec(
  cluster: Cluster,
  ws: WebSocket,
  pod: KObj,
  container: string,
  argv: string[],
): Promise<void> {
  const proto = ws.protocol;
  const v4plus = proto === 'v4.channel.k8s.io' || proto === 'v5.channel.k8s.io';
  let closed = false;
  ws.on('close', () => {
    closed = true;
  });
  ws.on('error', () => {
    closed = true;
  });
  ws.on('message', () => {
    /* stdin, resize and v5 close frames are accepted and ignored */
  });
  const agent = cluster.agentFor(pod);
  let result: CommandResult;
  try {
    result = runCommand({ cluster: cluster, agent, container }, argv);
  } catch (e) {
    result = { exitCode: 126, stderr: `${(e as Error).message}\n` };
  }
  if (result.hang) return; // never answers until the client gives up
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
