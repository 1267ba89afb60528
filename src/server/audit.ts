import { errorMessage } from '../core/result.js';
import type { Scorer } from '../core/scorer.js';
import type { RewardResult, Sample } from '../core/types.js';
import type { RunStore } from '../store/run-store.js';

/** The share of each step's samples the audit spec re-scores unless told otherwise. */
export const DEFAULT_AUDIT_RATE = 0.02;

/** FNV-1a of a string to [0, 1): a seeded, reproducible coin for "is this sample audited". */
export function auditDraw(seed: number, run: string, step: number | undefined, key: string): number {
  let h = 0x811c9dc5 ^ seed;
  const text = `${run}\u0000${step ?? ''}\u0000${key}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

/**
 * Re-scores a seeded share of the samples the server scored with a stricter `audit` spec, after the response
 * has gone, and records each verdict next to the main score (run store `audits`, and the per-step audit
 * columns). The share of rewarded samples the audit rejects rises when the policy learns to please the
 * main spec without solving the task: the "reward up, audit agreement down" signal.
 */
export class Auditor {
  private readonly inFlight = new Set<Promise<void>>();
  audited = 0;
  failures = 0;

  constructor(
    readonly scorer: Scorer,
    readonly store: RunStore,
    /** Share of samples audited, 0..1. */
    readonly rate = DEFAULT_AUDIT_RATE,
    readonly seed = 0,
  ) {}

  /** Choose the audited samples of a request and score them in the background; never throws. */
  audit(
    run: string,
    step: number | undefined,
    samples: readonly Sample[],
    resultOf: (i: number) => RewardResult,
  ): void {
    const picked: number[] = [];
    samples.forEach((s, i) => {
      // Samples without an id are drawn by their response text, so the same rollout is always drawn alike.
      const key = s.id ?? (typeof s.response === 'string' ? s.response : JSON.stringify(s.response));
      if (auditDraw(this.seed, run, step, key) < this.rate) picked.push(i);
    });
    if (picked.length === 0) return;
    const job = this.scorer
      .score(
        picked.map((i) => samples[i]!),
        step === undefined ? {} : { step },
      )
      .then((verdicts) => {
        this.audited += verdicts.length;
        this.store.recordAudits(
          verdicts.map((v, j) => {
            const i = picked[j]!;
            const main = resultOf(i);
            return [
              run,
              step ?? null,
              samples[i]!.id ?? null,
              samples[i]!.source ?? null,
              main.status === 'ok' ? main.score : null,
              v.status,
              v.score,
              v.reason ?? null,
            ];
          }),
        );
      })
      .catch((err: unknown) => {
        this.failures++;
        process.emitWarning(`audit: scoring failed: ${errorMessage(err)}`);
      });
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
  }

  /** Resolves when every audit started so far has been recorded. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }
}
