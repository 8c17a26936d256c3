// Test helpers for the simulator: real client-node calls, no mocks.
import { Writable } from 'node:stream';
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';

export function kubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

export class Sink extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  status: V1Status;
  exitCode: number;
}

/** Exec through client-node's Exec class; the exit code comes from the status channel (3). */
export async function execIn(
  kc: KubeConfig,
  ns: string,
  pod: string,
  container: string,
  command: string[],
): Promise<ExecResult> {
  const stdout = new Sink();
  const stderr = new Sink();
  return await new Promise<ExecResult>((resolve, reject) => {
    new Exec(kc)
      .exec(ns, pod, container, command, stdout, stderr, null, false, (status: V1Status) => {
        const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
        const exitCode = status.status === 'Success' ? 0 : Number(cause?.message ?? 1);
        // status arrives after all output on the same socket
        setImmediate(() => resolve({ stdout: stdout.text(), stderr: stderr.text(), status, exitCode }));
      })
      .catch(reject);
  });
}

/** Poll until fn returns a truthy value (event-driven enough for tests; generous timeout, no timing asserts). */
export async function until<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTPS request to the simulator (the query forms other clients send), trusting its CA. */
export async function rawRequest(
  sim: { url: string; token: string; caPem: string },
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; closeAfterMs?: number } = {},
): Promise<RawResponse> {
  const { request } = await import('node:https');
  const u = new URL(path, sim.url);
  return await new Promise<RawResponse>((resolve, reject) => {
    const req = request(
      u,
      {
        method: opts.method ?? 'GET',
        ca: sim.caPem,
        headers: { authorization: `Bearer ${sim.token}`, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        const finish = (): void =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', finish);
        // a stream (watch, follow) is read for a while, then dropped
        if (opts.closeAfterMs !== undefined)
          setTimeout(() => {
            res.removeListener('end', finish);
            finish();
            req.destroy();
          }, opts.closeAfterMs);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
