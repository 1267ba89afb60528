/**
 * Requests-per-minute and tokens-per-minute limits by the generic cell rate algorithm (virtual
 * scheduling): each admission of cost c moves a theoretical arrival time on by c × interval, and an
 * admission may come `tolerance` early. Early admissions win back what late timers lose on a loaded
 * machine; the interval is chosen so that, tolerance included, no 60-second window ever holds more than
 * the limit (GCRA admits at most (T + tolerance) / interval in any window T). Admissions queue in order,
 * so a stalled event loop never releases a burst. Hand-written: p-limit bounds concurrency only, and a
 * per-minute counter would allow a whole minute's requests at once.
 */
export class RateGate {
  private tat = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly intervalMs: number;
  private readonly toleranceMs: number;

  /**
   * @param perMinute the limit, in units of cost per minute (undefined: unlimited).
   * @param earlyUnits how many units of cost an admission may come early (1 for requests, 0 for tokens).
   */
  constructor(
    private readonly perMinute: number | undefined,
    earlyUnits = 0,
  ) {
    const early = perMinute !== undefined && perMinute > earlyUnits ? earlyUnits : 0;
    // (60 s + early × interval) / interval ≤ limit  ⇔  interval ≥ 60 s / (limit − early)
    this.intervalMs = perMinute === undefined ? 0 : 60_000 / (perMinute - early);
    this.toleranceMs = early * this.intervalMs;
  }

  /** Wait for this admission's turn; rejects with the signal's reason when it aborts first. */
  admit(cost: number, signal?: AbortSignal): Promise<void> {
    if (this.perMinute === undefined || cost <= 0) return Promise.resolve();
    const turn = this.queue.then(async () => {
      const wait = this.tat - this.toleranceMs - Date.now();
      if (wait > 0) await sleep(wait, signal);
      signal?.throwIfAborted();
      this.tat = Math.max(this.tat, Date.now()) + cost * this.intervalMs;
    });
    this.queue = turn.catch(() => undefined); // an aborted waiter leaves the queue without using a turn
    return turn;
  }

  /** Correct the last reservation once the true cost is known (tokens used versus tokens estimated). */
  adjust(delta: number): void {
    if (this.perMinute === undefined) return;
    this.tat += delta * this.intervalMs;
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
