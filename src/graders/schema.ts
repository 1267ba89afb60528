/**
 * OpenAI grader objects (the fine-tuning / evals API's `string_check`, `text_similarity`, `score_model`,
 * `label_model`, `python`, `multi`), validated as documented. Unknown extra fields (`id`, `image_tag`…)
 * are accepted and ignored; template names are checked when the spec loads.
 */
import { z } from 'zod';
import { compileFormula } from './expression.js';
import { templateProblems } from './template.js';

const template = z.string().superRefine((t, ctx) => {
  for (const message of templateProblems(t)) ctx.addIssue({ code: 'custom', message });
});

const content = z.union([
  template,
  z.looseObject({ type: z.enum(['input_text', 'output_text']).optional(), text: template }),
]);

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([content, z.array(content)]),
  type: z.literal('message').optional(),
});

const samplingParams = z
  .looseObject({
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().gt(0).max(1).optional(),
    seed: z.number().int().optional(),
    max_completions_tokens: z.number().int().positive().optional(),
    max_completion_tokens: z.number().int().positive().optional(),
    reasoning_effort: z.string().optional(),
  })
  .optional();

const range = z
  .tuple([z.number(), z.number()])
  .refine(([lo, hi]) => lo < hi, 'range: expected [min, max] with min < max');

export const SIMILARITY_METRICS = [
  'fuzzy_match',
  'bleu',
  'gleu',
  'meteor',
  'cosine',
  'rouge_1',
  'rouge_2',
  'rouge_3',
  'rouge_4',
  'rouge_5',
  'rouge_l',
] as const;

export const stringCheck = z.looseObject({
  type: z.literal('string_check'),
  name: z.string().optional(),
  input: template,
  reference: template,
  operation: z.enum(['eq', 'ne', 'like', 'ilike']),
});

export const textSimilarity = z.looseObject({
  type: z.literal('text_similarity'),
  name: z.string().optional(),
  input: template,
  reference: template,
  evaluation_metric: z
    .enum(SIMILARITY_METRICS)
    .refine(
      (m) => m !== 'meteor',
      'meteor is not supported: a faithful METEOR needs WordNet synonym data, which Assay does not ship',
    ),
  pass_threshold: z.number().optional(),
});

export const scoreModel = z.looseObject({
  type: z.literal('score_model'),
  name: z.string().optional(),
  model: z.string().min(1),
  input: z.array(message).min(1),
  range: range.optional(),
  sampling_params: samplingParams,
  pass_threshold: z.number().optional(),
});

export const labelModel = z
  .looseObject({
    type: z.literal('label_model'),
    name: z.string().optional(),
    model: z.string().min(1),
    input: z.array(message).min(1),
    labels: z.array(z.string().min(1)).min(1),
    passing_labels: z.array(z.string().min(1)).min(1),
    sampling_params: samplingParams,
  })
  .superRefine((g, ctx) => {
    for (const l of g.passing_labels)
      if (!g.labels.includes(l))
        ctx.addIssue({ code: 'custom', path: ['passing_labels'], message: `"${l}" is not one of labels` });
  });

export const python = z.looseObject({
  type: z.literal('python'),
  name: z.string().optional(),
  source: z.string().refine((s) => /\bdef\s+grade\s*\(/.test(s), 'source must define grade(sample, item)'),
  pass_threshold: z.number().optional(),
});

export type StringCheck = z.infer<typeof stringCheck>;
export type TextSimilarity = z.infer<typeof textSimilarity>;
export type ScoreModel = z.infer<typeof scoreModel>;
export type LabelModel = z.infer<typeof labelModel>;
export type PythonGrader = z.infer<typeof python>;
export type ModelMessage = z.infer<typeof message>;

export interface MultiGrader {
  type: 'multi';
  name?: string;
  graders: Record<string, Grader>;
  calculate_output: string;
  pass_threshold?: number;
  range?: [number, number];
}
export type Grader = StringCheck | TextSimilarity | ScoreModel | LabelModel | PythonGrader | MultiGrader;

export const grader: z.ZodType<Grader> = z.lazy(() =>
  z.discriminatedUnion('type', [stringCheck, textSimilarity, scoreModel, labelModel, python, multi]),
) as unknown as z.ZodType<Grader>;

const multi = z
  .looseObject({
    type: z.literal('multi'),
    name: z.string().optional(),
    graders: z.record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'grader names must be identifiers'),
      grader,
    ),
    calculate_output: z.string().min(1),
    pass_threshold: z.number().optional(),
    range: range.optional(),
  })
  .superRefine((g, ctx) => {
    try {
      compileFormula(g.calculate_output, Object.keys(g.graders));
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['calculate_output'], message: (err as Error).message });
    }
  });

export const GRADER_TYPES = [
  'string_check',
  'text_similarity',
  'score_model',
  'label_model',
  'python',
  'multi',
];
