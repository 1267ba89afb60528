/**
 * Per-prompt pass-rate history across calls, for curriculum decisions: a prompt the policy always solves
 * (too easy) or never solves (too hard) gives GRPO-style methods no signal and can be dropped or re-weighted.
 * Keeps the last `window` observations per prompt; memory is O(prompts × window).
 */
import { z } from 'zod';

export type Verdict = 'too_easy' | 'too_hard' | 'learning' | 'unknown';

export interface HistoryOptions {
  /** Observations (calls) kept per prompt (default 8). */
  window?: number;
  /** Windowed pass rate ≥ this is too easy (default 1: always solved). */
  easyAt?: number;
  /** Windowed pass rate ≤ this is too hard (default 0: never solved). */
  hardAt?: number;
  /** Rollouts needed in the window before a verdict other than `unknown` (default 8). */
  minSamples?: number;
}

export interface PromptHistory {
  prompt: string;
  calls: number;
  /** Over the window. */
  passes: number;
  samples: number;
  passRate: number | null;
  /** Pass rate of the latest observation. */
  lastPassRate: number | null;
  verdict: Verdict;
}

interface Entry {
  calls: number;
  obs: { passes: number; samples: number }[];
}

export class PassRateHistory {
  private readonly prompts = new Map<string, Entry>();
  private readonly o: Required<HistoryOptions>;

  constructor(options: HistoryOptions = {}) {
    this.o = { window: 8, easyAt: 1, hardAt: 0, minSamples: 8, ...options };
    if (!(this.o.window >= 1)) throw new Error('history window must be ≥ 1');
  }

  /** Record one call's outcome for a prompt: `passes` of `samples` scored rollouts passed. */
  record(prompt: string, passes: number, samples: number): PromptHistory {
    if (samples > 0) {
      const entry = this.prompts.get(prompt) ?? { calls: 0, obs: [] };
      entry.calls++;
      entry.obs.push({ passes, samples });
      if (entry.obs.length > this.o.window) entry.obs.shift();
      this.prompts.set(prompt, entry);
    }
    return this.get(prompt);
  }

  get(prompt: string): PromptHistory {
    const entry = this.prompts.get(prompt);
    if (!entry)
      return {
        prompt,
        calls: 0,
        passes: 0,
        samples: 0,
        passRate: null,
        lastPassRate: null,
        verdict: 'unknown',
      };
    let passes = 0;
    let samples = 0;
    for (const o of entry.obs) {
      passes += o.passes;
      samples += o.samples;
    }
    const last = entry.obs.at(-1)!;
    const passRate = passes / samples;
    const verdict: Verdict =
      samples < this.o.minSamples
        ? 'unknown'
        : passRate >= this.o.easyAt
          ? 'too_easy'
          : passRate <= this.o.hardAt
            ? 'too_hard'
            : 'learning';
    return {
      prompt,
      calls: entry.calls,
      passes,
      samples,
      passRate,
      lastPassRate: last.passes / last.samples,
      verdict,
    };
  }

  /** Every prompt seen, for a dashboard or a persisted snapshot. */
  all(): PromptHistory[] {
    return [...this.prompts.keys()].map((p) => this.get(p));
  }

  get size(): number {
    return this.prompts.size;
  }

  /** A snapshot to persist between calls (JSON-safe). */
  toJSON(): HistorySnapshot {
    return {
      version: 1,
      prompts: Object.fromEntries(
        [...this.prompts].map(([p, e]) => [
          p,
          { calls: e.calls, obs: e.obs.map((o) => [o.passes, o.samples] as [number, number]) },
        ]),
      ),
    };
  }

  /** Restore a snapshot; throws with the field at fault when it is not one. */
  static fromJSON(value: unknown, options: HistoryOptions = {}): PassRateHistory {
    const parsed = snapshotSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`pass-rate history: ${issue.path.join('.') || 'snapshot'}: ${issue.message}`);
    }
    const h = new PassRateHistory(options);
    for (const [prompt, e] of Object.entries(parsed.data.prompts)) {
      h.prompts.set(prompt, {
        calls: e.calls,
        obs: e.obs.slice(-h.o.window).map(([passes, samples]) => ({ passes, samples })),
      });
    }
    return h;
  }
}

export interface HistorySnapshot {
  version: 1;
  prompts: Record<string, { calls: number; obs: [number, number][] }>;
}

const count = z.number().int().nonnegative();
const snapshotSchema = z.object({
  version: z.literal(1),
  prompts: z.record(
    z.string(),
    z.object({
      calls: count,
      obs: z.array(
        z.tuple([count, z.number().int().positive()]).refine(([p, n]) => p <= n, 'passes > samples'),
      ),
    }),
  ),
});
