// Client-side rate limit with client-go's meaning (rest.Config QPS and Burst; kubectl's defaults are set
// there): a token bucket that holds up to `burst` tokens, refilled at `qps` per second; every API call,
// exec and log stream takes one token and waits for it when the bucket is empty. qps 0 = no limit.
import { sleep } from './retry.js';

/** client-go's DefaultBurst (rest/config.go), used when --qps is given without --burst. */
export const DEFAULT_BURST = 10;

export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  /** Callers waiting, in order: a token is never handed to a later caller first. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly qps: number,
    readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Resolves when the caller may send; rejects only if `signal` aborts while waiting. */
  take(signal?: AbortSignal): Promise<void> {
    if (this.qps <= 0) return Promise.resolve();
    const turn = this.queue.then(() => this.wait(signal));
    this.queue = turn.catch(() => {});
    return turn;
  }

  private async wait(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.tokens) / this.qps) * 1000), signal);
      if (signal?.aborted) return; // a closed client: the call itself fails at once
    }
  }
}
