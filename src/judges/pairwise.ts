import { z } from 'zod';
import { seededRandom as rng } from '../core/random.js';
import { errorMessage, failed, ok } from '../core/result.js';
import type { GroupReward } from '../core/reward.js';
import { promptText } from '../core/sample.js';
import type { Outcome, RewardContext, Sample } from '../core/types.js';
import { endpointOf, type JudgeArgs, judgeArgsShape } from './args.js';
import {
  ask,
  judgeFailure,
  type Prepared,
  prepareResponse,
  prepareText,
  type Question,
  systemMessage,
  Tally,
} from './ask.js';
import type { Endpoint } from './endpoint.js';
import { bootstrappedReference, type GroupScores, hash32, tournament, winRate } from './groups.js';
import { delimit, fillTemplate, placeholders, referenceText } from './text.js';

const DEFAULT_PRINCIPLES = `- Follows the task's instructions fully.
- Is correct, specific and substantive; a response without a real answer always loses.
- Is clear, well organised and concise, without filler or repetition.`;

const PAIRWISE_SYSTEM =
  'You compare two responses to the same task under the given principles and say which is better.';
const PAIRWISE_TEMPLATE = `[Task]
{{prompt}}

[Principles]
{{principles}}

[Response A]
{{response_a}}

[Response B]
{{response_b}}

Which response better satisfies the principles? Answer A, B, or tie.`;

const pairwiseArgs = z
  .object({
    ...judgeArgsShape,
    principles: z.string().default(DEFAULT_PRINCIPLES),
    /** Placeholders {{prompt}}, {{principles}}, {{response_a}}, {{response_b}}. */
    template: z
      .string()
      .refine((t) => ['response_a', 'response_b'].every((p) => placeholders(t).includes(p)), {
        message: 'the template must contain {{response_a}} and {{response_b}}',
      })
      .optional(),
    system: z.string().optional(),
    /**
     * reference: each sample against its `reference` (a reference response); brpo: against one rollout of
     * its group drawn with the seed; win_rate: against all others in its group; tournament: seeded single
     * elimination, N−1 comparisons.
     */
    group_mode: z.enum(['reference', 'brpo', 'win_rate', 'tournament']).default('win_rate'),
    /** Judge each pair in both orders and average, cancelling position bias. */
    both_orders: z.boolean().default(true),
  })
  .strict();
type PairwiseArgs = z.infer<typeof pairwiseArgs>;

const abSchema = {
  name: 'preference',
  field: 'winner',
  schema: {
    type: 'object',
    properties: { rationale: { type: 'string' }, winner: { type: 'string', enum: ['A', 'B', 'tie'] } },
    required: ['rationale', 'winner'],
    additionalProperties: false,
  },
};

/** 1 when A wins, 0 when B wins, 0.5 for a tie, undefined when the verdict is neither. */
export function abVerdict(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value
    .trim()
    .toLowerCase()
    .replace(/^(response|answer|assistant)\s+/, '')
    .replace(/[.*"'`[\]()]/g, '');
  if (v === 'a') return 1;
  if (v === 'b') return 0;
  if (v === 'tie' || v === 'equal' || v === 'draw' || v === 'c') return 0.5;
  return undefined;
}

class UnreadableVerdict extends Error {}

/** The judge calls of a group, plus how many comparisons judged in both orders changed their winner with the order. */
class PairTally extends Tally {
  positionFlips = 0;
  override toDetail(): Record<string, unknown> {
    return { ...super.toDetail(), position_flips: this.positionFlips };
  }
}

function pairQuestion(a: PairwiseArgs, prompt: string, first: string, second: string): Question {
  const lineHint = '<A|B|tie>';
  return {
    system: systemMessage(a.system ?? PAIRWISE_SYSTEM, a, { schema: abSchema, lineHint }),
    user: fillTemplate(a.template ?? PAIRWISE_TEMPLATE, {
      prompt,
      principles: a.principles,
      response_a: delimit('RESPONSE_A', first, a.delimit),
      response_b: delimit('RESPONSE_B', second, a.delimit),
    }),
    schema: abSchema,
    lineHint,
  };
}

/** P(x beats y): guarded responses lose without a call; otherwise one or two judge calls (both orders). */
async function prefer(
  endpoint: Endpoint,
  a: PairwiseArgs,
  prompt: string,
  x: Prepared,
  y: Prepared,
  ctx: RewardContext,
  tally: PairTally,
): Promise<number> {
  if (x.guarded || y.guarded) return x.guarded && y.guarded ? 0.5 : x.guarded ? 0 : 1;
  const once = async (first: string, second: string): Promise<number> => {
    const answer = await ask(endpoint, a, pairQuestion(a, prompt, first, second), ctx, tally);
    const v = abVerdict(answer.verdict);
    if (v === undefined) {
      const last = answer.reply.content.trim().split('\n').at(-1)?.slice(0, 80) ?? '';
      throw new UnreadableVerdict(
        `the judge's verdict could not be read (expected A, B or tie; last line: ${JSON.stringify(last)})`,
      );
    }
    return v;
  };
  if (!a.both_orders) return once(x.text, y.text);
  const [forward, backward] = await Promise.all([once(x.text, y.text), once(y.text, x.text)]);
  // Position consistency: the same pair with its responses swapped should get the mirrored verdict.
  if (forward !== 1 - backward) tally.positionFlips++;
  return (forward + (1 - backward)) / 2;
}

async function scoreGroup(
  endpoint: Endpoint,
  a: PairwiseArgs,
  samples: Sample[],
  ctx: RewardContext,
): Promise<Outcome[]> {
  const tally = new PairTally();
  const prepared = samples.map((s) => prepareResponse(s, a));
  const prompt = promptText(samples[0]!);
  try {
    if (a.group_mode === 'reference') {
      return await Promise.all(
        samples.map(async (s, i): Promise<Outcome> => {
          const ref = referenceText(s.reference);
          if (ref === '') return failed('group_mode reference needs a reference response in "reference"');
          const own = new PairTally();
          try {
            const p = await prefer(
              endpoint,
              a,
              promptText(s),
              prepared[i]!,
              prepareText(ref, { ...a, guard: false }),
              ctx,
              own,
            );
            return ok(prepared[i]!.guarded ? a.guard_score : p, guardNote(prepared[i]!), {
              against: 'reference',
              ...own.toDetail(),
            });
          } catch (err) {
            return pairFailure(err, own);
          }
        }),
      );
    }
    if (samples.length === 1) return [ok(0.5, 'a group of one: nothing to compare with', { comparisons: 0 })];
    const compare = (i: number, j: number) =>
      prefer(endpoint, a, prompt, prepared[i]!, prepared[j]!, ctx, tally);
    const random = rng((ctx.seed ^ hash32(samples[0]!.group ?? '')) >>> 0);
    const result: GroupScores =
      a.group_mode === 'brpo'
        ? await bootstrappedReference(samples.length, random, compare)
        : a.group_mode === 'tournament'
          ? await tournament(samples.length, random, compare)
          : await winRate(samples.length, compare);
    const shared = { group_mode: a.group_mode, comparisons: result.comparisons, ...tally.toDetail() };
    // A rollout with no answer gets the guard's score whatever the mode (a tie between two empty answers is no reward).
    return result.scores.map((score, i) =>
      ok(prepared[i]!.guarded ? a.guard_score : score, guardNote(prepared[i]!), {
        ...result.notes[i],
        ...shared,
      }),
    );
  } catch (err) {
    // One failed comparison leaves the group's scores undefined: every rollout reports it.
    const outcome = pairFailure(err, tally);
    return samples.map(() => outcome);
  }
}

const pairFailure = (err: unknown, tally: Tally): Outcome =>
  err instanceof UnreadableVerdict ? failed(errorMessage(err), tally.toDetail()) : judgeFailure(err, tally);

const guardNote = (p: Prepared): string | undefined =>
  p.guarded ? `guard: ${p.guarded} (scored without the judge; loses every comparison)` : undefined;

export const judgePairwise: GroupReward<PairwiseArgs> = {
  name: 'judge.pairwise',
  mode: 'group',
  description:
    'a generative reward model compares responses under principles, both orders; group modes reference, brpo, win_rate, tournament',
  args: pairwiseArgs,
  create(a: JudgeArgs & PairwiseArgs, env) {
    const endpoint = endpointOf(env, a);
    return (samples, ctx) => scoreGroup(endpoint, a, samples, ctx);
  },
};
