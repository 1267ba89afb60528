import type { RewardResult, Sample } from '../../src/core/types.js';
import { parseSpec, Runtime, Scorer } from './engine.js';

/** Score samples with one reward node, on a fresh runtime (its judge clients and caches included). */
export async function scoreOnce(
  reward: unknown,
  samples: Sample[],
  opts: { timeoutMs?: number; seed?: number; runtime?: Runtime } = {},
): Promise<RewardResult[]> {
  const runtime = opts.runtime ?? new Runtime({ inThread: true });
  try {
    const scorer = new Scorer(parseSpec({ reward }), runtime);
    return await scorer.score(samples, {
      ...(opts.timeoutMs !== undefined && { timeoutMs: opts.timeoutMs }),
      ...(opts.seed !== undefined && { seed: opts.seed }),
    });
  } finally {
    if (!opts.runtime) await runtime.close();
  }
}
