import { z } from 'zod';
import type { CompiledNode } from '../core/engine/node.js';
import { errorMessage, failed } from '../core/result.js';
import type { AsyncReward, RewardEnv } from '../core/reward.js';
import { promptText } from '../core/sample.js';
import { formatIssues } from '../core/spec/issues.js';
import type { Outcome, RewardContext, RewardResult, Sample } from '../core/types.js';
import { endpointOf, judgeArgsShape } from './args.js';
import {
  ask,
  guardedOutcome,
  judgeFailure,
  prepareResponse,
  type Question,
  systemMessage,
  Tally,
  unreadable,
} from './ask.js';
import type { Endpoint } from './endpoint.js';
import { delimit, fillTemplate, placeholders } from './text.js';
import { yesNo } from './verdict.js';

/** A criterion as it comes in the sample's reference. Negative weights are pitfalls (things to avoid). */
const criterionSchema = z
  .object({
    criterion: z.string().min(1),
    weight: z.number().default(1),
    /** Strict completion: a required criterion must be met (a required pitfall must be avoided). */
    required: z.boolean().default(false),
    /** Score this criterion with a rule-based reward instead of the judge: a name, or {use, args}. */
    check: z
      .union([
        z.string().min(1),
        z.object({ use: z.string().min(1), args: z.record(z.string(), z.unknown()).optional() }),
      ])
      .optional(),
    /** The `reference` the check sees (the rubric itself is the sample's reference). */
    reference: z.unknown().optional(),
  })
  .strict();
type Criterion = z.infer<typeof criterionSchema>;

const rubricReference = z.union([
  z.array(criterionSchema).min(1),
  z.object({ criteria: z.array(criterionSchema).min(1) }).transform((r) => r.criteria),
  z.object({ rubric: z.array(criterionSchema).min(1) }).transform((r) => r.rubric),
]);

const RUBRIC_SYSTEM =
  'You grade a response against a rubric: for each numbered criterion, decide whether the response meets it.';
const RUBRIC_TEMPLATE = `[Task]
{{prompt}}

[Response]
{{response}}

[Criteria]
{{criteria}}

For each criterion, is it met by the response? A criterion describing a mistake is "met" when the response makes that mistake.`;

const rubricArgs = z
  .object({
    ...judgeArgsShape,
    /** Several criteria in one call are read best from structured output. */
    structured: z.boolean().default(true),
    /** Default: the lowest score the sample's rubric allows (every pitfall, nothing met), so no answer never beats a bad one. */
    guard_score: z.number().optional(),
    /** weighted: Σ wᵢcᵢ / Σ positive w (pitfalls can take it below 0); strict: 1 when every required criterion holds. */
    aggregate: z.enum(['weighted', 'strict']).default('weighted'),
    template: z
      .string()
      .refine((t) => ['response', 'criteria'].every((p) => placeholders(t).includes(p)), {
        message: 'the template must contain {{response}} and {{criteria}}',
      })
      .optional(),
    system: z.string().optional(),
  })
  .strict();
type RubricArgs = z.infer<typeof rubricArgs>;

const criteriaSchema = {
  name: 'rubric',
  field: 'criteria',
  schema: {
    type: 'object',
    properties: {
      criteria: {
        type: 'array',
        items: {
          type: 'object',
          properties: { id: { type: 'integer' }, rationale: { type: 'string' }, met: { type: 'boolean' } },
          required: ['id', 'rationale', 'met'],
          additionalProperties: false,
        },
      },
    },
    required: ['criteria'],
    additionalProperties: false,
  },
};

/** Met/not met per judged criterion id (1-based), from structured output or a final `VERDICT: yes, no, …` line. */
export function readCriteria(verdict: unknown, count: number): boolean[] | undefined {
  const out = new Array<boolean | undefined>(count).fill(undefined);
  if (Array.isArray(verdict)) {
    for (const v of verdict) {
      const item = v as { id?: unknown; met?: unknown };
      if (typeof item?.id === 'number' && item.id >= 1 && item.id <= count && typeof item.met === 'boolean')
        out[item.id - 1] = item.met;
    }
  } else if (typeof verdict === 'string') {
    const words = verdict.split(/[,;\s]+/).filter((w) => w.length > 0);
    if (words.length !== count) return undefined;
    words.forEach((w, i) => {
      out[i] = yesNo(w.replace(/^\d+\s*[:=.)]\s*/, ''));
    });
  }
  return out.every((v) => v !== undefined) ? (out as boolean[]) : undefined;
}

/** Normalized weighted sum: Σ wᵢcᵢ / Σ positive w. */
export function weightedScore(criteria: Pick<Criterion, 'weight'>[], met: number[]): number {
  const positive = criteria.reduce((s, c) => s + Math.max(0, c.weight), 0);
  if (positive === 0) return 0;
  return criteria.reduce((s, c, i) => s + c.weight * met[i]!, 0) / positive;
}

/** The lowest weighted score a rubric allows: every pitfall present, no criterion met. */
export function lowestScore(criteria: Pick<Criterion, 'weight'>[]): number {
  return weightedScore(
    criteria,
    criteria.map((c) => (c.weight < 0 ? 1 : 0)),
  );
}

/** Strict completion: every required criterion met (required pitfalls avoided); with none required, all of them. */
export function strictScore(criteria: Pick<Criterion, 'weight' | 'required'>[], met: number[]): number {
  const anyRequired = criteria.some((c) => c.required);
  const holds = criteria.every((c, i) => {
    if (anyRequired && !c.required) return true;
    return c.weight >= 0 ? met[i]! >= 0.5 : met[i]! < 0.5;
  });
  return holds ? 1 : 0;
}

function criteriaQuestion(a: RubricArgs, sample: Sample, text: string, judged: Criterion[]): Question {
  const lineHint = `<yes|no for each of the ${judged.length} criteria, in order, comma-separated>`;
  return {
    system: systemMessage(a.system ?? RUBRIC_SYSTEM, a, { schema: criteriaSchema, lineHint }),
    user: fillTemplate(a.template ?? RUBRIC_TEMPLATE, {
      prompt: promptText(sample),
      response: delimit('RESPONSE', text, a.delimit),
      criteria: judged.map((c, i) => `${i + 1}. ${c.criterion}`).join('\n'),
    }),
    schema: criteriaSchema,
    lineHint,
  };
}

/** Compiles each distinct `check` once per reward instance and reuses it. */
function checkCompiler(env: RewardEnv): (check: NonNullable<Criterion['check']>) => CompiledNode {
  const compiled = new Map<string, CompiledNode>();
  return (check) => {
    const node = typeof check === 'string' ? { use: check } : check;
    const key = JSON.stringify(node);
    let hit = compiled.get(key);
    if (!hit) {
      hit = env.compile(node, 'check');
      compiled.set(key, hit);
    }
    return hit;
  };
}

async function runCheck(
  env: RewardEnv,
  compile: ReturnType<typeof checkCompiler>,
  c: Criterion,
  sample: Sample,
  ctx: RewardContext,
): Promise<RewardResult> {
  let node: CompiledNode;
  try {
    node = compile(c.check!);
  } catch (err) {
    return { name: 'check', status: 'error', score: null, reason: `invalid check: ${errorMessage(err)}` };
  }
  const { reference: _rubric, ...rest } = sample;
  const [result] = await env.run(
    node,
    [{ ...rest, ...(c.reference !== undefined && { reference: c.reference }) }],
    ctx,
  );
  return result!;
}

export const rubric: AsyncReward<RubricArgs> = {
  name: 'rubric',
  mode: 'async',
  description:
    'weighted criteria from `reference` ({criterion, weight, required?, check?}; negative weights are pitfalls) graded in one judge call',
  args: rubricArgs,
  create(a, env) {
    const endpoint: Endpoint = endpointOf(env, a);
    const compile = checkCompiler(env);
    return async (sample, ctx): Promise<Outcome> => {
      const parsed = rubricReference.safeParse(sample.reference);
      if (!parsed.success)
        return failed(`invalid rubric in reference: ${formatIssues(parsed.error, ['reference']).join('; ')}`);
      const criteria = parsed.data;
      const prepared = prepareResponse(sample, a);
      if (prepared.guarded) {
        const floor = a.aggregate === 'strict' ? 0 : lowestScore(criteria);
        return guardedOutcome(prepared.guarded, a.guard_score ?? floor);
      }
      const judgedIdx = criteria.flatMap((c, i) => (c.check ? [] : [i]));
      const tally = new Tally();
      const met: (number | undefined)[] = new Array(criteria.length).fill(undefined);
      const components: RewardResult[] = new Array(criteria.length);
      const label = (i: number) => `criterion[${i}]`;
      try {
        const judging = (async () => {
          if (judgedIdx.length === 0) return undefined;
          const judged = judgedIdx.map((i) => criteria[i]!);
          const answer = await ask(
            endpoint,
            a,
            criteriaQuestion(a, sample, prepared.text, judged),
            ctx,
            tally,
          );
          const verdicts = readCriteria(answer.verdict, judged.length);
          if (!verdicts)
            return unreadable(
              answer.reply,
              `a met/not-met verdict for each of ${judged.length} criteria`,
              tally,
            );
          judgedIdx.forEach((ci, k) => {
            met[ci] = verdicts[k] ? 1 : 0;
          });
          return undefined;
        })();
        const checks = criteria.map(async (c, i) => {
          if (!c.check) return;
          const result = await runCheck(env, compile, c, sample, ctx);
          components[i] = { ...result, name: label(i) };
          if (result.status === 'ok') met[i] = Math.min(1, Math.max(0, result.score!));
        });
        const [judgeProblem] = await Promise.all([judging, ...checks]);
        if (judgeProblem) return judgeProblem;
      } catch (err) {
        return judgeFailure(err, tally);
      }
      criteria.forEach((c, i) => {
        const detail = {
          criterion: c.criterion,
          weight: c.weight,
          required: c.required,
          by: c.check ? 'check' : 'judge',
        };
        components[i] = components[i]
          ? { ...components[i]!, detail: { ...components[i]!.detail, ...detail } }
          : { name: label(i), status: 'ok', score: met[i]!, detail };
      });
      const broken = components.findIndex((r) => r.status !== 'ok');
      if (broken >= 0) {
        return {
          status: 'error',
          reason: `${label(broken)} check failed: ${components[broken]!.reason ?? components[broken]!.status}`,
          components,
        };
      }
      const scores = met as number[];
      const score =
        a.aggregate === 'weighted' ? weightedScore(criteria, scores) : strictScore(criteria, scores);
      return { status: 'ok', score, components, detail: { aggregate: a.aggregate, ...tally.toDetail() } };
    };
  },
};
