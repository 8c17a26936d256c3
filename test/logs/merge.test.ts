// The merge path on real Readable streams: ordering across interleaved pods, line splitting across chunk
// boundaries, and constant memory on a log far bigger than the heap budget.
import { Readable } from 'node:stream';
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { podLines, type LogLine, type PodFailure } from '../../src/logs/fetch.js';
import { readLines } from '../../src/logs/lines.js';
import { mergeByArrival, mergeByKey } from '../../src/logs/merge.js';
import { splitTimestamp } from '../../src/logs/time.js';

const target = (n: number) => ({ node: `node-${n}`, namespace: 'kube-system', pod: `cilium-${n}` });

/** Chunks cut at awkward places (mid-line, mid-timestamp, mid-UTF-8 sequence). */
function chunked(text: string, size: number): Readable {
  const buf = Buffer.from(text);
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
    })(),
    { objectMode: false },
  );
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('splitTimestamp', () => {
  test('strips the kubelet prefix and makes a key that sorts trimmed RFC3339Nano correctly', () => {
    const a = splitTimestamp('2026-11-25T10:00:05Z level=info msg=a');
    const b = splitTimestamp('2026-11-25T10:00:05.1Z level=info msg=b');
    const c = splitTimestamp('2026-11-25T12:00:05.000000002+02:00 level=info msg=c');
    expect(a).toEqual({
      time: '2026-11-25T10:00:05Z',
      key: '2026-11-25T10:00:05.000000000Z',
      line: 'level=info msg=a',
    });
    expect(b.line).toBe('level=info msg=b');
    expect(a.key < b.key).toBe(true);
    expect(c.key).toBe('2026-11-25T10:00:05.000000002Z');
    expect(c.key < b.key).toBe(true);
    expect(splitTimestamp('panic: boom')).toEqual({ key: '', line: 'panic: boom' });
  });
});

describe('readLines', () => {
  test('splits across chunk boundaries, keeps UTF-8, drops CR, yields a last line without newline', async () => {
    const text = 'level=info msg="µs 1"\r\nsecond line ünïcode\n\nthird';
    for (const size of [1, 2, 3, 7, 1000])
      expect(await collect(readLines(chunked(text, size)))).toEqual([
        'level=info msg="µs 1"',
        'second line ünïcode',
        '',
        'third',
      ]);
  });
  test('cuts an endless line instead of buffering it', async () => {
    const lines = await collect(readLines(chunked('x'.repeat(50_000) + '\nnext\n', 4096), { maxLineLength: 10_000 }));
    expect(lines).toHaveLength(2);
    expect(lines[0]!.length).toBeLessThan(10_100);
    expect(lines[1]).toBe('next');
  });
});

describe('k-way merge of pod logs', () => {
  test('interleaved pods come out in timestamp order, each line once, stable on ties', async () => {
    const base = Date.UTC(2026, 10, 25, 10, 0, 0);
    const logs = [0, 1, 2].map((p) => {
      let s = '';
      for (let i = 0; i < 200; i++) {
        // pod p logs at times i*3+p ms (plus some duplicates for ties)
        const t = new Date(base + i * 3 + (i % 10 === 0 ? 0 : p)).toISOString().replace('Z', '123456Z');
        s += `${t} level=info msg="pod ${p} line ${i}"\n`;
      }
      return s;
    });
    const fails: PodFailure[] = [];
    const sources = logs.map((l, i) => podLines(target(i), chunked(l, 97), { onFailure: (f) => fails.push(f) }));
    const out = await collect(mergeByKey(sources, (l: LogLine) => l.key));
    expect(fails).toEqual([]);
    expect(out).toHaveLength(600);
    for (let i = 1; i < out.length; i++) expect(out[i - 1]!.key <= out[i]!.key).toBe(true);
    // ties keep pod order
    expect(out.slice(0, 3).map((l) => l.node)).toEqual(['node-0', 'node-1', 'node-2']);
    for (const p of [0, 1, 2]) {
      const mine = out.filter((l) => l.node === `node-${p}`).map((l) => l.line);
      expect(mine).toEqual(
        logs[p]!.trim()
          .split('\n')
          .map((l) => l.slice(l.indexOf(' ') + 1)),
      );
    }
  });

  test('a stream that breaks is reported for its pod; the others still merge', async () => {
    const good = chunked('2026-11-25T10:00:00.1Z level=info msg=a\n2026-11-25T10:00:00.3Z level=info msg=c\n', 10);
    const bad = new Readable({ read() {} });
    bad.push('2026-11-25T10:00:00.2Z level=info msg=b\n');
    setImmediate(() => bad.destroy(new Error('socket hang up')));
    const fails: PodFailure[] = [];
    const out = await collect(
      mergeByKey(
        [
          podLines(target(1), good, { onFailure: (f) => fails.push(f) }),
          podLines(target(2), bad, { onFailure: (f) => fails.push(f) }),
        ],
        (l) => l.key,
      ),
    );
    expect(out.map((l) => l.line)).toEqual(['level=info msg=a', 'level=info msg=b', 'level=info msg=c']);
    expect(fails).toEqual([{ node: 'node-2', pod: 'cilium-2', reason: 'socket hang up' }]);
  });

  test('mergeByArrival delivers everything from every source', async () => {
    const sources = [1, 2, 3].map((p) =>
      podLines(target(p), chunked(Array.from({ length: 500 }, (_, i) => `line ${p}.${i}`).join('\n'), 33), {
        onFailure: () => undefined,
        follow: true,
      }),
    );
    const out = await collect(mergeByArrival(sources, 4));
    expect(out).toHaveLength(1500);
    for (const p of [1, 2, 3])
      expect(out.filter((l) => l.node === `node-${p}`).map((l) => l.line)).toEqual(
        Array.from({ length: 500 }, (_, i) => `line ${p}.${i}`),
      );
  });
});

describe('constant memory', () => {
  test('~120 MB of logs across 3 pods go through the merge with bounded heap growth', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const PER_POD = 40 * 1024 * 1024;
    const base = Date.UTC(2026, 10, 25, 0, 0, 0);
    // Lazily generated: the test itself never holds the log.
    const bigLog = (pod: number) =>
      Readable.from(
        (function* () {
          let bytes = 0;
          let i = 0;
          while (bytes < PER_POD) {
            let chunk = '';
            for (let k = 0; k < 500; k++, i++) {
              const t = new Date(base + i * 3 + pod).toISOString().replace('Z', '000001Z');
              chunk += `${t} level=info msg="Regenerating endpoint" subsys=endpoint endpointID=${i} pod=${pod} reason="policy change ${'x'.repeat(40)}"\n`;
            }
            bytes += chunk.length;
            yield Buffer.from(chunk);
          }
        })(),
        { objectMode: false },
      );
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    let bytes = 0;
    let last = '';
    let ordered = true;
    const sources = [0, 1, 2].map((p) =>
      podLines(target(p), bigLog(p), {
        onFailure: (f) => {
          throw new Error(f.reason);
        },
      }),
    );
    for await (const l of mergeByKey(sources, (x) => x.key)) {
      if (l.key < last) ordered = false;
      last = l.key;
      bytes += l.line.length + 40;
      if (++count % 100_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    expect(ordered).toBe(true);
    expect(bytes).toBeGreaterThan(3 * PER_POD * 0.95);
    // The data is >120 MB; what stays alive is a few chunks and lines per stream.
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });
});
