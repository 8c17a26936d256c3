// Retry timing: exponential back-off, Retry-After (header or Status details), a sleep that a closed client ends.
import type { K8sStatus } from './api-errors.js';

/** setTimeout that an abort ends early (resolving): a back-off a closed client cuts short, a wait Ctrl-C ends. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export function backoff(attempt: number): number {
  return Math.min(200 * 2 ** attempt, 5_000);
}

export function retryDelay(header: string | string[] | undefined, st: K8sStatus | undefined, attempt: number): number {
  const h = Array.isArray(header) ? header[0] : header;
  const secs = h !== undefined && /^\d+$/.test(h) ? Number(h) : st?.details?.retryAfterSeconds;
  return secs !== undefined ? Math.min(secs * 1000, 10_000) : backoff(attempt);
}
