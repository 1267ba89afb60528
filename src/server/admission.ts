/**
 * A bounded queue measured in samples. A request is admitted when its samples fit under the limit (or when
 * nothing else is pending, so one oversized batch is still served); otherwise the caller answers 429 at
 * once. Waiting work is already queued in the worker pool; this bound keeps its latency finite.
 */
export class Admission {
  pending = 0;
  inFlight = 0;
  rejected = 0;

  constructor(readonly maxPendingSamples: number) {}

  tryEnter(samples: number): boolean {
    if (this.pending > 0 && this.pending + samples > this.maxPendingSamples) {
      this.rejected++;
      return false;
    }
    this.pending += samples;
    this.inFlight++;
    return true;
  }

  leave(samples: number): void {
    this.pending -= samples;
    this.inFlight--;
  }
}
