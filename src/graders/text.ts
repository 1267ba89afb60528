/**
 * The text graders that run on the CPU: `string_check` and `text_similarity` (every metric but cosine).
 * Metrics map onto Assay's similarity metrics: fuzzy_match → rapidfuzz `fuzz.ratio` / 100, bleu →
 * sacrebleu `sentence_bleu` / 100, gleu → NLTK `sentence_gleu`, rouge_N / rouge_l → rouge-score F1
 * without stemming. OpenAI does not publish the implementations behind these names, so these are the
 * standard libraries' definitions; `meteor` is refused (NLTK's METEOR needs WordNet's synonym data, which
 * no npm package ships faithfully).
 */
import { failed, ok } from '../core/result.js';
import type { CpuReward } from '../core/reward.js';
import type { Outcome, Sample } from '../core/types.js';
import { sentenceBleu } from '../verifiers/similarity/bleu.js';
import { ratio } from '../verifiers/similarity/edit.js';
import { sentenceGleu } from '../verifiers/similarity/gleu.js';
import { rougeScore } from '../verifiers/similarity/rouge.js';
import { type StringCheck, stringCheck, type TextSimilarity, textSimilarity } from './schema.js';
import { type GraderContext, graderContext, OutputError, render, TemplateError } from './template.js';

/** Run a grader body: template errors fail the reward; output errors score 0 with the reason. */
export function guarded(sample: Sample, body: (ctx: GraderContext) => Outcome): Outcome {
  try {
    return body(graderContext(sample));
  } catch (err) {
    if (err instanceof TemplateError) return failed(`grader template: ${err.message}`);
    if (err instanceof OutputError) return ok(0, err.message);
    throw err;
  }
}

/** A score with `passed` when the grader has a pass_threshold. */
export function graded(
  score: number,
  threshold: number | undefined,
  detail: Record<string, unknown> = {},
): Outcome {
  return ok(score, undefined, threshold === undefined ? detail : { ...detail, passed: score >= threshold });
}

export const stringCheckReward: CpuReward<StringCheck> = {
  name: 'grader.string_check',
  mode: 'cpu',
  deterministic: true,
  description: 'OpenAI string_check grader: eq, ne, like (contains), ilike (contains, any case) → 1 or 0',
  args: stringCheck as unknown as CpuReward<StringCheck>['args'],
  create(g) {
    return (sample) =>
      guarded(sample, (ctx) => {
        const input = render(g.input, ctx);
        const reference = render(g.reference, ctx);
        const pass =
          g.operation === 'eq'
            ? input === reference
            : g.operation === 'ne'
              ? input !== reference
              : g.operation === 'like'
                ? input.includes(reference)
                : input.toLowerCase().includes(reference.toLowerCase());
        return ok(pass ? 1 : 0, `${g.operation}: ${pass ? 'pass' : 'fail'}`);
      });
  },
};

const BLEU = { tokenize: '13a', smooth: 'exp', lowercase: false, effectiveOrder: true, maxOrder: 4 } as const;

/** A text_similarity metric (not cosine) in [0, 1]. */
export function similarity(
  metric: Exclude<TextSimilarity['evaluation_metric'], 'cosine'>,
  input: string,
  reference: string,
): number {
  switch (metric) {
    case 'fuzzy_match':
      return ratio(input, reference);
    case 'bleu':
      return sentenceBleu(input, [reference], BLEU).score / 100;
    case 'gleu':
      return sentenceGleu(input, [reference]);
    case 'rouge_l':
      return rougeScore('rougeL', reference, input, false).fmeasure;
    default:
      return rougeScore(metric.replace('rouge_', 'rouge') as 'rouge1', reference, input, false).fmeasure;
  }
}

export const textSimilarityReward: CpuReward<TextSimilarity> = {
  name: 'grader.text_similarity',
  mode: 'cpu',
  deterministic: true,
  description:
    'OpenAI text_similarity grader (fuzzy_match, bleu, gleu, rouge_1..5, rouge_l; cosine runs as grader.cosine)',
  args: textSimilarity as unknown as CpuReward<TextSimilarity>['args'],
  create(g) {
    const metric = g.evaluation_metric;
    if (metric === 'cosine') {
      return () =>
        failed(
          'cosine needs an embeddings endpoint: use the { grader } node, which runs it as grader.cosine',
        );
    }
    return (sample) =>
      guarded(sample, (ctx) => {
        const score = similarity(metric, render(g.input, ctx), render(g.reference, ctx));
        return graded(score, g.pass_threshold, { metric });
      });
  },
};
