/**
 * Requests-per-minute and tokens-per-minute limits as evenly spaced admissions: after an admission of
 * cost c, the next may start c × 60 s / limit later, counted from when it actually started. Admissions
 * queue in order, so a stalled event loop never releases a burst, and no 60-second window ever holds
 * more than the limit. Hand-written: p-limit bounds concurrency only, and a per-minute counter would
 * allow a whole minute's requests in one burst.
 */
export class RateGate {
  private nextAt = 0;
  private queue: Promise<void> = Promise.resolve();

  /** @param perMinute the limit, in units of cost per minute (undefined: unlimited). */
  constructor(private readonly perMinute: number | undefined) {}

  /** Wait for this admission's turn; rejects with the signal's reason when it aborts first. */
  admit(cost: number, signal?: AbortSignal): Promise<void> {
    if (this.perMinute === undefined || cost <= 0) return Promise.resolve();
    const perMinute = this.perMinute;
    const turn = this.queue.then(async () => {
      const wait = this.nextAt - Date.now();
      if (wait > 0) await sleep(wait, signal);
      signal?.throwIfAborted();
      this.nextAt = Date.now() + (cost * 60_000) / perMinute;
    });
    this.queue = turn.catch(() => undefined); // an aborted waiter leaves the queue without using a turn
    return turn;
  }

  /** Correct the last reservation once the true cost is known (tokens used versus tokens estimated). */
  adjust(delta: number): void {
    if (this.perMinute === undefined) return;
    this.nextAt += (delta * 60_000) / this.perMinute;
  }
}

/** setTimeout as a promise that rejects when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
