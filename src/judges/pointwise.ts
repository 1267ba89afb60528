import { z } from 'zod';
import { failed, ok } from '../core/result.js';
import type { AsyncReward } from '../core/reward.js';
import { promptText } from '../core/sample.js';
import type { Outcome, RewardContext, Sample } from '../core/types.js';
import { endpointOf, type JudgeArgs, judgeArgsShape } from './args.js';
import {
  type Answer,
  ask,
  expectedVerdict,
  guardedOutcome,
  judgeFailure,
  type Prepared,
  prepareResponse,
  type Question,
  rationale,
  systemMessage,
  Tally,
  unreadable,
} from './ask.js';
import type { Endpoint } from './endpoint.js';
import { delimit, fillTemplate, placeholders, referenceText } from './text.js';
import { probabilityOfYes, verdictNumber, yesNo } from './verdict.js';

const templateArg = (needs: string[]) =>
  z
    .string()
    .refine((t) => needs.every((n) => placeholders(t).includes(n)), {
      message: `the template must contain ${needs.map((n) => `{{${n}}}`).join(' and ')}`,
    })
    .optional();

const POINTWISE_SYSTEM = 'You are a strict, impartial grader of answers written by an AI model.';
const POINTWISE_TEMPLATE = `Grade the response to the task below on a scale from {{min}} (worst) to {{max}} (best). A response without a real answer gets {{min}}.

[Task]
{{prompt}}

[Reference answer, may be empty]
{{reference}}

[Response]
{{response}}`;

const REFERENCE_SYSTEM =
  'You check whether an AI model answered a question correctly, by comparing its final answer with the reference answer.';
const REFERENCE_TEMPLATE = `Is the final answer in the response equivalent to the reference answer? Ignore the style and the reasoning; judge only the final answer. A response without a final answer is not equivalent.

[Question]
{{prompt}}

[Reference answer]
{{reference}}

[Response]
{{response}}`;

export const pointwiseArgs = z
  .object({
    ...judgeArgsShape,
    /** User message; placeholders {{prompt}}, {{response}}, {{reference}}, {{min}}, {{max}}. */
    template: templateArg(['response']),
    system: z.string().optional(),
    /** The judge's scale; scores are normalized to [0, 1]. */
    scale: z
      .tuple([z.number(), z.number()])
      .refine(([lo, hi]) => hi > lo, 'expected [min, max] with max > min')
      .default([1, 10]),
  })
  .strict();
export type PointwiseArgs = z.infer<typeof pointwiseArgs>;

export const referenceArgs = z
  .object({
    ...judgeArgsShape,
    template: templateArg(['response', 'reference']),
    system: z.string().optional(),
    /** Score P(yes) from the judge's token log-probabilities when the server returns them. */
    soft: z.boolean().default(false),
    top_logprobs: z.number().int().min(1).max(20).default(5),
  })
  .strict();
export type ReferenceArgs = z.infer<typeof referenceArgs>;

/** One judgment of one sample: a score in [0, 1], or why there is none. */
type Judged = { score: number; detail: Record<string, unknown> } | { unreadable: Answer; expected: string };

const scoreSchema = (lo: number, hi: number) => ({
  name: 'grade',
  field: 'score',
  schema: {
    type: 'object',
    properties: { rationale: { type: 'string' }, score: { type: 'number', minimum: lo, maximum: hi } },
    required: ['rationale', 'score'],
    additionalProperties: false,
  },
});

const yesNoSchema = {
  name: 'verdict',
  field: 'verdict',
  schema: {
    type: 'object',
    properties: { rationale: { type: 'string' }, verdict: { type: 'string', enum: ['yes', 'no'] } },
    required: ['rationale', 'verdict'],
    additionalProperties: false,
  },
};

export function pointwiseQuestion(
  a: PointwiseArgs,
  sample: Sample,
  prepared: Prepared,
  vote?: number,
): Question {
  const [lo, hi] = a.scale;
  const schema = scoreSchema(lo, hi);
  const lineHint = `<number from ${lo} to ${hi}>`;
  return {
    system: systemMessage(a.system ?? POINTWISE_SYSTEM, a, { schema, lineHint }),
    user: fillTemplate(a.template ?? POINTWISE_TEMPLATE, {
      prompt: promptText(sample),
      reference: referenceText(sample.reference),
      response: delimit('RESPONSE', prepared.text, a.delimit),
      min: String(lo),
      max: String(hi),
    }),
    schema,
    lineHint,
    ...(vote !== undefined && { vote }),
  };
}

export function referenceQuestion(
  a: ReferenceArgs,
  sample: Sample,
  prepared: Prepared,
  vote?: number,
): Question {
  return {
    system: systemMessage(a.system ?? REFERENCE_SYSTEM, a, { schema: yesNoSchema, lineHint: '<yes|no>' }),
    user: fillTemplate(a.template ?? REFERENCE_TEMPLATE, {
      prompt: promptText(sample),
      reference: referenceText(sample.reference),
      response: delimit('RESPONSE', prepared.text, a.delimit),
    }),
    schema: yesNoSchema,
    lineHint: '<yes|no>',
    ...(a.soft && { topLogprobs: a.top_logprobs }),
    ...(vote !== undefined && { vote }),
  };
}

export async function judgePointwise(
  endpoint: Endpoint,
  a: PointwiseArgs,
  sample: Sample,
  prepared: Prepared,
  ctx: RewardContext,
  tally: Tally,
  vote?: number,
): Promise<Judged> {
  const [lo, hi] = a.scale;
  const answer = await ask(endpoint, a, pointwiseQuestion(a, sample, prepared, vote), ctx, tally);
  const value = verdictNumber(answer.verdict);
  if (value === undefined || value < lo || value > hi)
    return { unreadable: answer, expected: expectedVerdict(a, `a number from ${lo} to ${hi}`) };
  return { score: (value - lo) / (hi - lo), detail: { grade: value, rationale: rationale(answer.reply) } };
}

export async function judgeReference(
  endpoint: Endpoint,
  a: ReferenceArgs,
  sample: Sample,
  prepared: Prepared,
  ctx: RewardContext,
  tally: Tally,
  vote?: number,
): Promise<Judged> {
  const answer = await ask(endpoint, a, referenceQuestion(a, sample, prepared, vote), ctx, tally);
  const verdict = typeof answer.verdict === 'string' ? yesNo(answer.verdict) : undefined;
  if (verdict === undefined) return { unreadable: answer, expected: expectedVerdict(a, 'yes or no') };
  const detail: Record<string, unknown> = {
    verdict: verdict ? 'yes' : 'no',
    rationale: rationale(answer.reply),
  };
  if (a.soft) {
    const p = probabilityOfYes(answer.reply.logprobs);
    if (p !== undefined) return { score: p, detail: { ...detail, p_yes: p } };
    detail.soft = 'the server returned no log-probabilities for the verdict: binary score';
  }
  return { score: verdict ? 1 : 0, detail };
}

/** The shared shape of the single-judgment rewards: guard, ask, map failures. */
export async function runJudged(
  a: JudgeArgs,
  sample: Sample,
  needsReference: boolean,
  judge: (prepared: Prepared, tally: Tally) => Promise<Judged>,
): Promise<Outcome> {
  if (
    needsReference &&
    (sample.reference === undefined || sample.reference === null || sample.reference === '')
  ) {
    return failed('this judge needs the sample\'s reference answer in "reference"');
  }
  const prepared = prepareResponse(sample, a);
  if (prepared.guarded) return guardedOutcome(prepared.guarded, a.guard_score ?? 0);
  const tally = new Tally();
  try {
    const judged = await judge(prepared, tally);
    if ('unreadable' in judged) return unreadable(judged.unreadable.reply, judged.expected, tally);
    return ok(judged.score, undefined, { ...judged.detail, ...tally.toDetail() });
  } catch (err) {
    return judgeFailure(err, tally);
  }
}

export const judge: AsyncReward<PointwiseArgs> = {
  name: 'judge',
  mode: 'async',
  description:
    'an LLM grades the response on a scale (prompt template with {{prompt}}, {{response}}, {{reference}}), normalized to [0, 1]',
  args: pointwiseArgs,
  create(a, env) {
    const endpoint = endpointOf(env, a);
    return (sample, ctx) =>
      runJudged(a, sample, false, (p, tally) => judgePointwise(endpoint, a, sample, p, ctx, tally));
  },
};

export const judgeReferenceReward: AsyncReward<ReferenceArgs> = {
  name: 'judge.reference',
  mode: 'async',
  description:
    "an LLM says whether the response's final answer is equivalent to `reference`: 1/0, or P(yes) with soft: true",
  args: referenceArgs,
  create(a, env) {
    const endpoint = endpointOf(env, a);
    return (sample, ctx) =>
      runJudged(a, sample, true, (p, tally) => judgeReference(endpoint, a, sample, p, ctx, tally));
  },
};
