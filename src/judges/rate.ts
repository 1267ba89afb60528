/**
 * Requests-per-minute and tokens-per-minute limits as evenly spaced admissions (the generic cell rate
 * algorithm): each admission moves the earliest next start by cost × 60 s / limit, so no 60-second
 * window ever holds more than the limit and there is no burst at the top of each minute. Hand-written:
 * p-limit bounds concurrency only, and a window counter would allow a full minute's burst.
 */
export class RateGate {
  private next = 0;

  /** @param perMinute the limit, in units of cost per minute (undefined: unlimited). */
  constructor(private readonly perMinute: number | undefined) {}

  /** Wait until `cost` units may start; rejects with the signal's reason when it aborts first. */
  async admit(cost: number, signal?: AbortSignal): Promise<void> {
    if (this.perMinute === undefined || cost <= 0) return;
    const now = Date.now();
    const start = Math.max(now, this.next);
    this.next = start + (cost * 60_000) / this.perMinute;
    if (start > now) await sleep(start - now, signal);
  }

  /** Correct a reservation once the true cost is known (tokens used versus tokens estimated). */
  adjust(delta: number): void {
    if (this.perMinute === undefined) return;
    this.next = Math.max(Date.now(), this.next + (delta * 60_000) / this.perMinute);
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
