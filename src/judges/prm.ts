/**
 * `prm`: a process reward model that scores every step of a response in ONE call, where the `steps` node
 * calls its child once per step.
 *
 * - `api: pooling` (discriminative PRMs served by vLLM, as Qwen2.5-Math-PRM and Math-Shepherd are): the
 *   steps are joined with the model's step separator (`<extra_0>` for Qwen2.5-Math-PRM), a separator after
 *   each step, and sent to `POST /pooling`. vLLM's step pooler answers one entry per separator, each the
 *   class probabilities `[p_wrong, p_right]` (the step's reward is `label_index`, default 1); a server that
 *   answers one entry per token instead is read at the separator positions found with `POST /tokenize`
 *   (`step_token_id`, the separator's token id).
 * - `api: chat` (generative PRMs): one judge call that returns a verdict per step, `Step k: correct` lines
 *   at the end of the reply or `{"steps": ["correct", …]}` under structured output. Read with the judges'
 *   rules: the steps are delimited data, the verdicts come from the final lines only, and a reply that does
 *   not give exactly one verdict per step is an error, never a guess.
 *
 * The step scores go to `detail.step_scores` (what `assay advantages --steps` and the `steps` aggregates
 * read); the score is their aggregate (`min` by default, PURE's min-form).
 */
import { z } from 'zod';
import { failed, ok } from '../core/result.js';
import type { AsyncReward } from '../core/reward.js';
import { promptText, responseText } from '../core/sample.js';
import type { Outcome, RewardContext, Sample } from '../core/types.js';
import { SPLIT_RULES, type SplitRule, splitSteps } from '../credit/shaping/split.js';
import { STEP_AGGREGATES, stepAggregates } from '../credit/steps.js';
import { endpointOf, judgeArgsShape } from './args.js';
import { ask, judgeFailure, prepareText, type Question, systemMessage, Tally, unreadable } from './ask.js';
import { type Endpoint, endpointFailure } from './endpoint.js';
import { delimit, fillTemplate } from './text.js';
import { verdictNumber } from './verdict.js';

/** Qwen2.5-Math-PRM's system prompt, from its model card. */
const QWEN_PRM_SYSTEM = 'Please reason step by step, and put your final answer within \\boxed{}.';

const GENERATIVE_SYSTEM =
  'You check a solution step by step. A step is correct when its reasoning and arithmetic are right given the steps before it.';
const GENERATIVE_TEMPLATE = `[Problem]
{{prompt}}

[Solution, in {{count}} numbered steps]
{{steps}}

Check every step in order.`;

const prmArgs = z
  .object({
    ...judgeArgsShape,
    /** pooling: vLLM `/pooling` on the server root (without /v1); chat: an OpenAI-compatible /v1 endpoint. */
    api: z.enum(['pooling', 'chat']).default('pooling'),
    /** How a response without `steps` is cut into steps (as in the `steps` node). */
    split: z.enum(SPLIT_RULES).default('auto'),
    aggregate: z.enum(STEP_AGGREGATES).default('min'),
    /** pooling: the token the PRM reads a step's reward at, put after every step. */
    step_separator: z.string().min(1).default('<extra_0>'),
    /** pooling: send chat `messages` (the server applies the PRM's chat template) or one `input` string. */
    input: z.enum(['messages', 'text']).default('messages'),
    /** pooling, input text: the text sent; {{prompt}} and {{steps}} (already separated). */
    text_template: z.string().default('{{prompt}}\n{{steps}}'),
    /** pooling: the system message of the PRM's template (Qwen2.5-Math-PRM's by default; "" for none). */
    prm_system: z.string().default(QWEN_PRM_SYSTEM),
    /** pooling: which class probability of a step entry is its reward ([p_wrong, p_right] → 1). */
    label_index: z.number().int().min(0).default(1),
    /** pooling: the separator's token id, to read per-token replies at its positions (via /tokenize). */
    step_token_id: z.number().int().min(0).optional(),
    /**
     * chat: `per_step`, one `Step k: correct|incorrect` line per step; `first_error`, one final
     * `VERDICT: k` naming the first wrong step (1…n) or 0 when all are right, as ProcessBench's critics answer
     * (the steps before it score 1, the rest 0).
     */
    verdicts: z.enum(['per_step', 'first_error']).default('per_step'),
    /** chat: the user message; placeholders {{prompt}}, {{steps}}, {{count}}. */
    template: z.string().optional(),
    system: z.string().optional(),
  })
  .strict();
type PrmArgs = z.infer<typeof prmArgs>;

/** One step's reward from a pooling entry: a number, `[v]`, or class probabilities. */
export function stepValue(entry: unknown, labelIndex: number): number | undefined {
  if (typeof entry === 'number') return Number.isFinite(entry) ? entry : undefined;
  if (!Array.isArray(entry) || entry.length === 0) return undefined;
  const v = entry.length === 1 ? entry[0] : entry[labelIndex];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Step rewards from a pooling reply's `data[0].data`: one entry per step (a step pooler), or one per token
 * read at `positions` (the separator's token positions). A string says why it cannot be read.
 */
export function readStepRewards(
  data: unknown,
  steps: number,
  labelIndex: number,
  positions?: number[],
): number[] | string {
  if (!Array.isArray(data)) return 'no list in data[0].data of the pooling reply';
  let entries: unknown[] = data;
  if (data.length !== steps) {
    if (!positions)
      return `the pooling reply has ${data.length} entries for ${steps} steps: serve the PRM with a step pooler, or set step_token_id to read per-token values at the separators`;
    if (positions.length !== steps)
      return `the tokenized input has ${positions.length} step separators for ${steps} steps`;
    if (positions.some((p) => p >= data.length))
      return `the pooling reply has ${data.length} token entries, fewer than the separator positions`;
    entries = positions.map((p) => data[p]);
  }
  const out: number[] = [];
  for (const [k, e] of entries.entries()) {
    const v = stepValue(e, labelIndex);
    if (v === undefined)
      return `step ${k}: no number at index ${labelIndex} of ${JSON.stringify(e).slice(0, 60)}`;
    out.push(v);
  }
  return out;
}

/**
 * `Step 3: correct` after markdown is removed and spaces collapsed (linear passes), so the pattern has no
 * overlapping repetitions to backtrack over; lines longer than a verdict line are not verdicts.
 */
const STEP_VERDICT = /^-? ?step ?(\d+) ?[:：.)\]-]* ?(correct|incorrect|right|wrong|yes|no|✓|✗)[.!]?$/i;
const verdictLine = (line: string): RegExpExecArray | null =>
  line.length > 200
    ? null
    : STEP_VERDICT.exec(
        line
          .replace(/[*_`#>]/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      );
const POSITIVE = new Set(['correct', 'right', 'yes', '✓']);

/**
 * A generative PRM's verdicts: the final block of `Step k: correct|incorrect` lines, exactly one per step
 * 1…n, or the `steps` list of a structured reply. Anything else is undefined (never a partial guess).
 */
export function readStepVerdicts(reply: string, steps: number, structured: boolean): number[] | undefined {
  if (structured) {
    const text = reply.replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '');
    try {
      const v = (JSON.parse(text) as { steps?: unknown }).steps;
      if (Array.isArray(v) && v.length === steps && v.every((x) => typeof x === 'string')) {
        const out = v.map((x) =>
          POSITIVE.has(x.trim().toLowerCase()) ? 1 : x.trim().toLowerCase() === 'incorrect' ? 0 : -1,
        );
        return out.includes(-1) ? undefined : out;
      }
    } catch {
      // fall through to the verdict lines
    }
  }
  const lines = reply
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const verdicts = new Map<number, number>();
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = verdictLine(lines[i]!);
    if (!m) break;
    const k = Number(m[1]);
    if (verdicts.has(k)) return undefined;
    verdicts.set(k, POSITIVE.has(m[2]!.toLowerCase()) ? 1 : 0);
  }
  if (verdicts.size !== steps) return undefined;
  const out: number[] = [];
  for (let k = 1; k <= steps; k++) {
    const v = verdicts.get(k);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

const stepsSchema = (n: number) => ({
  name: 'step_verdicts',
  field: 'steps',
  schema: {
    type: 'object',
    properties: {
      rationale: { type: 'string' },
      steps: {
        type: 'array',
        items: { type: 'string', enum: ['correct', 'incorrect'] },
        minItems: n,
        maxItems: n,
      },
    },
    required: ['rationale', 'steps'],
    additionalProperties: false,
  },
});

const firstErrorSchema = (n: number) => ({
  name: 'first_error',
  field: 'first_error',
  schema: {
    type: 'object',
    properties: { rationale: { type: 'string' }, first_error: { type: 'integer', minimum: 0, maximum: n } },
    required: ['rationale', 'first_error'],
    additionalProperties: false,
  },
});

/** Step scores from the first wrong step k (1…n; 0: none): 1 before it, 0 from it on. */
export function firstErrorScores(k: number, steps: number): number[] {
  return Array.from({ length: steps }, (_, i) => (k === 0 || i < k - 1 ? 1 : 0));
}

function generativeQuestion(a: PrmArgs, sample: Sample, steps: string[]): Question {
  if (a.verdicts === 'first_error') {
    const schema = firstErrorSchema(steps.length);
    const lineHint = `<the number of the first incorrect step, 1 to ${steps.length}, or 0 if every step is correct>`;
    return {
      ...stepsQuestion(a, sample, steps),
      system: systemMessage(a.system ?? GENERATIVE_SYSTEM, a, { schema, lineHint }),
      schema,
      lineHint,
    };
  }
  return stepsQuestion(a, sample, steps);
}

function stepsQuestion(a: PrmArgs, sample: Sample, steps: string[]): Question {
  const schema = stepsSchema(steps.length);
  const lineHint = `<correct|incorrect> for step 1, then the same for each step through step ${steps.length}, one line each as "Step k: correct"`;
  const numbered = steps.map((s, k) => `Step ${k + 1}:\n${s}`).join('\n\n');
  const system = systemMessage(a.system ?? GENERATIVE_SYSTEM, a, { schema, lineHint }).replace(
    `one final line of the form: VERDICT: ${lineHint}`,
    `exactly ${steps.length} final lines, one per step in order, each "Step k: correct" or "Step k: incorrect", and nothing after them`,
  );
  return {
    system,
    user: fillTemplate(a.template ?? GENERATIVE_TEMPLATE, {
      prompt: promptText(sample),
      steps: delimit('STEPS', numbered, a.delimit),
      count: String(steps.length),
    }),
    schema,
    lineHint,
  };
}

async function generative(
  endpoint: Endpoint,
  a: PrmArgs,
  sample: Sample,
  steps: string[],
  ctx: RewardContext,
) {
  const tally = new Tally();
  try {
    const answer = await ask(endpoint, a, generativeQuestion(a, sample, steps), ctx, tally);
    if (a.verdicts === 'first_error') {
      const k = verdictNumber(answer.verdict);
      if (k === undefined || !Number.isInteger(k) || k < 0 || k > steps.length)
        return unreadable(answer.reply, `the number of the first wrong step, 0 to ${steps.length}`, tally);
      return { scores: firstErrorScores(k, steps.length), detail: { ...tally.toDetail(), first_error: k } };
    }
    const scores = readStepVerdicts(answer.reply.content, steps.length, a.structured);
    if (!scores) {
      const last = answer.reply.content.trim().split('\n').at(-1)?.slice(0, 80) ?? '';
      return failed(
        `the PRM's step verdicts could not be read (expected ${steps.length} final lines "Step k: correct|incorrect"; last line: ${JSON.stringify(last)})`,
        { ...tally.toDetail(), judge_output: answer.reply.content.slice(0, 500) },
      );
    }
    return { scores, detail: tally.toDetail() };
  } catch (err) {
    return judgeFailure(err, tally);
  }
}

function poolingBody(a: PrmArgs, sample: Sample, steps: string[]): Record<string, unknown> {
  const sep = a.step_separator;
  const joined = steps.map((s) => `${s}${sep}`).join('');
  if (a.input === 'text')
    return {
      model: a.model,
      input: fillTemplate(a.text_template, { prompt: promptText(sample), steps: joined }),
    };
  const prompt =
    typeof sample.prompt === 'object' ? sample.prompt : [{ role: 'user', content: promptText(sample) }];
  return {
    model: a.model,
    messages: [
      ...(a.prm_system && !prompt.some((m) => m.role === 'system')
        ? [{ role: 'system', content: a.prm_system }]
        : []),
      ...prompt,
      { role: 'assistant', content: joined },
    ],
  };
}

async function pooling(endpoint: Endpoint, a: PrmArgs, sample: Sample, steps: string[], ctx: RewardContext) {
  const base = a.base_url.replace(/\/+$/, '');
  const call = {
    signal: ctx.signal,
    deadline: ctx.deadline,
    timeoutMs: a.timeout_s * 1000,
    maxRetries: a.max_retries,
  };
  const body = poolingBody(a, sample, steps);
  let calls = 0;
  try {
    const reply = await endpoint.postJson(`${base}/pooling`, body, call);
    calls++;
    const data = (reply.value as { data?: { data?: unknown }[] } | null)?.data?.[0]?.data;
    let positions: number[] | undefined;
    if (Array.isArray(data) && data.length !== steps.length && a.step_token_id !== undefined) {
      // vLLM's /tokenize takes a completion-style `prompt` or chat `messages`, like the /pooling call.
      const tokenize =
        'input' in body
          ? { model: a.model, prompt: body.input }
          : { model: a.model, messages: body.messages, add_generation_prompt: false };
      const tokenized = await endpoint.postJson(`${base}/tokenize`, tokenize, call);
      calls++;
      const tokens = (tokenized.value as { tokens?: unknown } | null)?.tokens;
      if (!Array.isArray(tokens)) return failed('the /tokenize reply has no tokens list', { calls });
      positions = tokens.flatMap((t, i) => (t === a.step_token_id ? [i] : []));
    }
    const scores = readStepRewards(data, steps.length, a.label_index, positions);
    if (typeof scores === 'string') return failed(`the PRM's reply could not be read: ${scores}`, { calls });
    return { scores, detail: { calls, cached: reply.cached ? 1 : 0 } };
  } catch (err) {
    return endpointFailure(err, ctx.signal, 'the PRM', { calls });
  }
}

export const prm: AsyncReward<PrmArgs> = {
  name: 'prm',
  mode: 'async',
  description:
    'a process reward model scoring every step in one call: vLLM /pooling (step separator, per-step probabilities) or a generative judge (one verdict per step); detail.step_scores, aggregated (min)',
  args: prmArgs,
  create(a, env) {
    const endpoint = endpointOf(env, a);
    return async (sample, ctx): Promise<Outcome> => {
      const steps = sample.steps ?? splitSteps(responseText(sample), a.split as SplitRule);
      const prepared = prepareText(steps.join('\n\n'), { ...a, strip_think: false });
      if (prepared.guarded) {
        const floor = a.guard_score;
        return ok(floor, `guard: ${prepared.guarded}`, {
          guarded: prepared.guarded,
          calls: 0,
          step_scores: steps.length ? steps.map(() => floor) : [floor],
        });
      }
      if (steps.length === 0) return ok(0, 'no steps found', { step_scores: [], steps: 0, calls: 0 });
      const got =
        a.api === 'pooling'
          ? await pooling(endpoint, a, sample, steps, ctx)
          : await generative(endpoint, a, sample, steps, ctx);
      if (!('scores' in got)) return got;
      return ok(stepAggregates[a.aggregate](got.scores), undefined, {
        step_scores: got.scores,
        steps: steps.length,
        ...got.detail,
      });
    };
  },
};
