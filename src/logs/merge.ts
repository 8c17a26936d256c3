// Merging several line sources into one: by time (k-way merge on a min-heap, one pending item per
// source, so memory is O(sources) whatever the log sizes) or by arrival (follow mode, where no global
// order exists).

/** k-way merge: yields the smallest head among the sources, then pulls the next item from that source. */
export async function* mergeByKey<T>(sources: AsyncIterable<T>[], key: (item: T) => string): AsyncGenerator<T> {
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  const heap = new MinHeap<{ item: T; key: string; src: number }>((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : a.src - b.src,
  );
  try {
    const firsts = await Promise.all(its.map((it) => it.next()));
    firsts.forEach((r, src) => {
      if (!r.done) heap.push({ item: r.value, key: key(r.value), src });
    });
    while (heap.size > 0) {
      const top = heap.pop()!;
      yield top.item;
      const r = await its[top.src]!.next();
      if (!r.done) heap.push({ item: r.value, key: key(r.value), src: top.src });
    }
  } finally {
    await Promise.all(its.map((it) => it.return?.()));
  }
}

/**
 * Items from all sources as they arrive. Each source is pulled only while fewer than `buffer` items wait
 * for the consumer, so a slow consumer (a paused pipe) slows the producers instead of growing memory.
 */
export async function* mergeByArrival<T>(sources: AsyncIterable<T>[], buffer = 64): AsyncGenerator<T> {
  const queue: T[] = [];
  let wakeConsumer: (() => void) | undefined;
  const waitingProducers: (() => void)[] = [];
  let live = sources.length;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  const wake = () => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  const pumps = its.map(async (it) => {
    try {
      for (;;) {
        while (queue.length >= buffer && !stopped) await new Promise<void>((r) => waitingProducers.push(r));
        if (stopped) return;
        const r = await it.next();
        if (r.done || stopped) return;
        queue.push(r.value);
        wake();
      }
    } catch (e) {
      failure ??= { error: e };
    } finally {
      live--;
      wake();
    }
  });
  try {
    for (;;) {
      if (queue.length > 0) {
        const item = queue.shift()!;
        waitingProducers.splice(0).forEach((r) => r());
        yield item;
        continue;
      }
      if (failure) throw failure.error;
      if (live === 0) return;
      await new Promise<void>((r) => (wakeConsumer = r));
    }
  } finally {
    stopped = true;
    waitingProducers.splice(0).forEach((r) => r());
    // A pump may sit in next() on a quiet followed stream: ending it is the stream owner's job (destroy),
    // so do not wait for it here.
    for (const it of its) void it.return?.()?.catch(() => undefined);
    void Promise.allSettled(pumps);
  }
}

export class MinHeap<T> {
  private a: T[] = [];
  constructor(private readonly cmp: (x: T, y: T) => number) {}
  get size(): number {
    return this.a.length;
  }
  push(v: T): void {
    const a = this.a;
    a.push(v);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (this.cmp(a[i]!, a[p]!) >= 0) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.a;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.cmp(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.cmp(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
