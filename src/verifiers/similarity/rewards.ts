/**
 * Reference-similarity rewards: each scores the response (after `</think>` by default) against the
 * sample's reference text, or the best of several (`reference: "…"` or `["…", "…"]`). Scores in [0, 1].
 */
import { z } from 'zod';
import { failed, ok } from '../../core/result.js';
import type { CpuReward } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';
import type { Outcome, Sample } from '../../core/types.js';
import { answerAfterThink } from '../text/blocks.js';
import { referenceStrings } from '../text/exact-match.js';
import { sentenceBleu } from './bleu.js';
import { sentenceChrf } from './chrf.js';
import { levenshteinSimilarity, ratio } from './edit.js';
import { type RougeType, rougeScore } from './rouge.js';
import { exactMatch, tokenF1 } from './squad.js';

const stripThink = z.boolean().default(true);

/** The response and references, or a failed outcome naming what the reference should be. */
function inputs(sample: Sample, strip: boolean): { hyp: string; refs: string[] } | Outcome {
  const refs = referenceStrings(sample.reference);
  if (!refs) return failed('reference must be a string or a non-empty list of strings (the reference texts)');
  const text = responseText(sample);
  return { hyp: strip ? answerAfterThink(text) : text, refs };
}

/** A CPU reward scoring the response against each reference and keeping the best. */
function bestOver<A extends { strip_think: boolean }>(
  score: (a: A, hyp: string, refs: string[]) => { value: number; detail?: Record<string, unknown> },
) {
  return (a: A) =>
    (sample: Sample): Outcome => {
      const io = inputs(sample, a.strip_think);
      if (!('hyp' in io)) return io;
      const { value, detail } = score(a, io.hyp, io.refs);
      return ok(Math.min(1, Math.max(0, value)), undefined, detail);
    };
}

const maxOver = (refs: string[], f: (ref: string) => number) => {
  let best = Number.NEGATIVE_INFINITY;
  let index = 0;
  refs.forEach((r, i) => {
    const v = f(r);
    if (v > best) [best, index] = [v, i];
  });
  return { value: best, detail: { best_reference: index } };
};

const bleuArgs = z
  .object({
    tokenize: z.enum(['13a', 'intl', 'char', 'none']).default('13a'),
    smooth: z.enum(['exp', 'floor', 'add-k', 'none']).default('exp'),
    /** floor: the numerator for zero counts (default 0.1); add-k: k (default 1). */
    smooth_value: z.number().nonnegative().optional(),
    lowercase: z.boolean().default(false),
    effective_order: z.boolean().default(true),
    max_order: z.number().int().min(1).max(10).default(4),
    strip_think: stripThink,
  })
  .strict();
type BleuArgs = z.infer<typeof bleuArgs>;

export const bleu: CpuReward<BleuArgs> = {
  name: 'bleu',
  mode: 'cpu',
  deterministic: true,
  description:
    "sentence BLEU / 100 as sacrebleu's sentence_bleu (13a, exp smoothing, effective order) against the reference(s)",
  args: bleuArgs,
  create: bestOver<BleuArgs>((a, hyp, refs) => {
    const s = sentenceBleu(hyp, refs, {
      tokenize: a.tokenize,
      smooth: a.smooth,
      smoothValue: a.smooth_value,
      lowercase: a.lowercase,
      effectiveOrder: a.effective_order,
      maxOrder: a.max_order,
    });
    return {
      value: s.score / 100,
      detail: { bleu: s.score, precisions: s.precisions, bp: s.bp, sys_len: s.sysLen, ref_len: s.refLen },
    };
  }),
};

const chrfArgs = z
  .object({
    char_order: z.number().int().min(1).max(20).default(6),
    /** 0: chrF; 2: chrF++. */
    word_order: z.number().int().min(0).max(10).default(0),
    beta: z.number().positive().default(2),
    lowercase: z.boolean().default(false),
    whitespace: z.boolean().default(false),
    eps_smoothing: z.boolean().default(false),
    strip_think: stripThink,
  })
  .strict();
type ChrfArgs = z.infer<typeof chrfArgs>;

export const chrf: CpuReward<ChrfArgs> = {
  name: 'chrf',
  mode: 'cpu',
  deterministic: true,
  description: 'chrF / 100 (word_order: 2 for chrF++) as sacrebleu computes it; the best reference counts',
  args: chrfArgs,
  create: bestOver<ChrfArgs>((a, hyp, refs) => ({
    value:
      sentenceChrf(hyp, refs, {
        charOrder: a.char_order,
        wordOrder: a.word_order,
        beta: a.beta,
        lowercase: a.lowercase,
        whitespace: a.whitespace,
        epsSmoothing: a.eps_smoothing,
      }) / 100,
  })),
};

const rougeArgs = z
  .object({
    type: z.enum(['rouge1', 'rouge2', 'rouge3', 'rouge4', 'rouge5', 'rougeL', 'rougeLsum']).default('rougeL'),
    /** Porter stemming of tokens longer than 3 characters (rouge-score's use_stemmer). */
    stem: z.boolean().default(false),
    measure: z.enum(['fmeasure', 'precision', 'recall']).default('fmeasure'),
    strip_think: stripThink,
  })
  .strict();
type RougeArgs = z.infer<typeof rougeArgs>;

export const rouge: CpuReward<RougeArgs> = {
  name: 'rouge',
  mode: 'cpu',
  deterministic: true,
  description:
    "ROUGE-1/2/L/Lsum (F by default) as Google's rouge-score computes it; the best-F reference counts",
  args: rougeArgs,
  create: bestOver<RougeArgs>((a, hyp, refs) => {
    let best = rougeScore(a.type as RougeType, refs[0]!, hyp, a.stem);
    let index = 0;
    refs.slice(1).forEach((r, i) => {
      const s = rougeScore(a.type as RougeType, r, hyp, a.stem);
      if (s.fmeasure > best.fmeasure) [best, index] = [s, i + 1];
    });
    return { value: best[a.measure], detail: { ...best, best_reference: index } };
  }),
};

const f1Args = z
  .object({
    /** f1: SQuAD token F1; em: SQuAD exact match after normalization. */
    metric: z.enum(['f1', 'em']).default('f1'),
    strip_think: stripThink,
  })
  .strict();
type F1Args = z.infer<typeof f1Args>;

export const f1: CpuReward<F1Args> = {
  name: 'f1',
  mode: 'cpu',
  deterministic: true,
  description: 'SQuAD token F1 (or exact match) with SQuAD normalization, best over the references',
  args: f1Args,
  create: bestOver<F1Args>((a, hyp, refs) =>
    maxOver(refs, (r) => (a.metric === 'em' ? exactMatch(hyp, r) : tokenF1(hyp, r))),
  ),
};

const editArgs = z
  .object({
    /** ratio: rapidfuzz fuzz.ratio / 100 (Indel); levenshtein: 1 − distance / max length. */
    metric: z.enum(['ratio', 'levenshtein']).default('ratio'),
    ignore_case: z.boolean().default(false),
    strip_think: stripThink,
  })
  .strict();
type EditArgs = z.infer<typeof editArgs>;

export const edit: CpuReward<EditArgs> = {
  name: 'edit',
  mode: 'cpu',
  deterministic: true,
  description:
    "edit similarity: rapidfuzz's fuzz.ratio / 100 or normalized Levenshtein, best over the references",
  args: editArgs,
  create: bestOver<EditArgs>((a, hyp, refs) => {
    const norm = (s: string) => (a.ignore_case ? s.toLowerCase() : s);
    const f = a.metric === 'ratio' ? ratio : levenshteinSimilarity;
    return maxOver(refs, (r) => f(norm(hyp), norm(r)));
  }),
};
