import { z } from 'zod';
import { failed, ok } from '../core/result.js';
import type { AsyncReward } from '../core/reward.js';
import { endpointOf, judgeArgsShape } from './args.js';
import { guardedOutcome, judgeFailure, prepareResponse, Tally, unreadable } from './ask.js';
import { judgePointwise, judgeReference, pointwiseArgs, referenceArgs } from './pointwise.js';

const voteArgs = z
  .object({
    ...judgeArgsShape,
    ...pointwiseArgs.shape,
    ...referenceArgs.shape,
    /** Which judgment is sampled k times: the reference check (yes/no) or pointwise grading. */
    of: z.enum(['reference', 'pointwise']).default('reference'),
    k: z.number().int().min(1).max(64).default(5),
    /** mean: the average score; majority: the most frequent score (ties go to the lower score). */
    aggregate: z.enum(['mean', 'majority']).default('mean'),
    /** Votes must differ: sampling is on by default. */
    temperature: z.number().min(0).max(2).default(0.7),
  })
  .strict();
type VoteArgs = z.infer<typeof voteArgs>;

/** The most frequent score; ties resolved toward the lower score, so a split vote never inflates a reward. */
export function majority(scores: number[]): number {
  const counts = new Map<number, number>();
  for (const s of scores) counts.set(s, (counts.get(s) ?? 0) + 1);
  let best = Number.POSITIVE_INFINITY;
  let bestCount = 0;
  for (const [s, c] of counts) {
    if (c > bestCount || (c === bestCount && s < best)) {
      best = s;
      bestCount = c;
    }
  }
  return best;
}

export const judgeVote: AsyncReward<VoteArgs> = {
  name: 'judge.vote',
  mode: 'async',
  description: 'k sampled judgments (reference check or pointwise grade) aggregated by mean or majority',
  args: voteArgs,
  create(a, env) {
    const endpoint = endpointOf(env, a);
    return async (sample, ctx) => {
      if (
        a.of === 'reference' &&
        (sample.reference === undefined || sample.reference === null || sample.reference === '')
      ) {
        return failed('judge.vote with of: reference needs the sample\'s reference answer in "reference"');
      }
      const prepared = prepareResponse(sample, a);
      if (prepared.guarded) return guardedOutcome(prepared.guarded, a.guard_score);
      const tally = new Tally();
      try {
        const votes = await Promise.all(
          Array.from({ length: a.k }, (_, i) =>
            a.of === 'reference'
              ? judgeReference(endpoint, a, sample, prepared, ctx, tally, i)
              : judgePointwise(endpoint, a, sample, prepared, ctx, tally, i),
          ),
        );
        const bad = votes.find((v) => 'unreadable' in v);
        if (bad && 'unreadable' in bad) return unreadable(bad.unreadable.reply, bad.expected, tally);
        const scores = votes.map((v) => ('score' in v ? v.score : 0));
        const score =
          a.aggregate === 'mean' ? scores.reduce((s, x) => s + x, 0) / scores.length : majority(scores);
        return ok(score, `${a.aggregate} of ${a.k} judgments`, { votes: scores, ...tally.toDetail() });
      } catch (err) {
        return judgeFailure(err, tally);
      }
    };
  },
};
