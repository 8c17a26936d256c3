// Lines of a byte stream, one at a time, pulled with the stream's backpressure: memory stays at one chunk
// plus one line however big the log is. A line longer than maxLineLength is cut (and the rest skipped)
// rather than buffered without bound.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { KdiagError } from '../errors.js';

export interface ReadLinesOptions {
  /** Fail when no byte arrives for this long while a line is wanted (0 = wait forever, e.g. follow). */
  idleTimeoutMs?: number;
  maxLineLength?: number;
  /** For the timeout message. */
  what?: string;
}

export async function* readLines(stream: Readable, opts: ReadLinesOptions = {}): AsyncGenerator<string> {
  const max = opts.maxLineLength ?? 1024 * 1024;
  const idle = opts.idleTimeoutMs ?? 0;
  const decoder = new StringDecoder('utf8');
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let pending = '';
  let skipping = false;
  try {
    for (;;) {
      const r = idle > 0 ? await nextWithin(it, idle, stream, opts.what ?? 'log stream') : await it.next();
      if (r.done) break;
      let text = pending + (typeof r.value === 'string' ? r.value : decoder.write(r.value));
      pending = '';
      let start = 0;
      for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
        const line = text.slice(start, nl);
        start = nl + 1;
        if (skipping) {
          skipping = false;
          continue;
        }
        yield line.endsWith('\r') ? line.slice(0, -1) : line;
      }
      text = text.slice(start);
      if (skipping) continue;
      if (text.length > max) {
        yield text.slice(0, max) + ' [… line cut by kdiag]';
        skipping = true;
      } else {
        pending = text;
      }
    }
    pending += decoder.end();
    if (pending !== '' && !skipping) yield pending;
  } finally {
    // Ending early (consumer stopped, error) must release the socket.
    if (!stream.readableEnded) stream.destroy();
  }
}

async function nextWithin<T>(
  it: AsyncIterator<T>,
  ms: number,
  stream: Readable,
  what: string,
): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      it.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new KdiagError('timeout', `${what}: no data for ${ms / 1000}s`, {
            hint: 'raise --request-timeout',
          });
          stream.destroy(err);
          reject(err);
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
