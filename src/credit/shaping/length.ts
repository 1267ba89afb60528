import { z } from 'zod';
import { composeNode, nodeBase } from '../../core/combinators/compose.js';
import { responseText } from '../../core/sample.js';
import { registerNodeKind, type SpecNode } from '../../core/spec/kinds.js';
import { commonFields, nodeSchema } from '../../core/spec/schema.js';
import type { Sample } from '../../core/types.js';
import { countTokens } from '../../verifiers/length/length.js';
import { valueOrFailure } from './common.js';

const unit = z.enum(['tokens', 'chars']).optional();
const lengthOf = (sample: Sample, u: 'tokens' | 'chars' = 'tokens') => {
  const text = responseText(sample);
  return u === 'chars' ? text.length : countTokens(text);
};

/**
 * Cosine length scaling (Yeo et al. 2025, "Demystifying Long Chain-of-Thought Reasoning in LLMs"):
 * r(L) = r_T + ½(r_0 − r_T)(1 + cos(πL/T)) for L ≤ T, with (r_0, r_T) = correct (2, 1) or wrong (−10, 0)
 * by default, and `exceed` (−10) beyond T: short correct answers earn most, short wrong answers lose most.
 */
export function cosineLengthReward(length: number, maxLength: number, atZero: number, atMax: number): number {
  return atMax + 0.5 * (atZero - atMax) * (1 + Math.cos((Math.PI * length) / maxLength));
}

const ends = z.object({ at_zero: z.number(), at_max: z.number() }).strict();

registerNodeKind({
  key: 'cosine_length',
  description:
    '{ cosine_length: node, max_tokens, correct?: {at_zero: 2, at_max: 1}, wrong?: {at_zero: -10, at_max: 0}, exceed?: -10, threshold?: 1 }',
  schema: z
    .object({
      cosine_length: nodeSchema,
      max_tokens: z.number().positive(),
      correct: ends.optional(),
      wrong: ends.optional(),
      exceed: z.number().optional(),
      threshold: z.number().optional(),
      unit,
      ...commonFields,
    })
    .strict(),
  build(node, b) {
    const child = b.child(node.body.cosine_length as SpecNode);
    const base = nodeBase(node, 'cosine_length');
    const body = node.body as {
      max_tokens: number;
      correct?: { at_zero: number; at_max: number };
      wrong?: { at_zero: number; at_max: number };
      exceed?: number;
      threshold?: number;
      unit?: 'tokens' | 'chars';
    };
    const correct = body.correct ?? { at_zero: 2, at_max: 1 };
    const wrong = body.wrong ?? { at_zero: -10, at_max: 0 };
    const exceed = body.exceed ?? -10;
    const threshold = body.threshold ?? 1;
    return composeNode(base, [child], ([r], item) => {
      const v = valueOrFailure(base.name, child, r!, [r!]);
      if (typeof v !== 'number') return v;
      const L = lengthOf(item.sample, body.unit);
      const right = v >= threshold;
      const ends = right ? correct : wrong;
      const score =
        L > body.max_tokens ? exceed : cosineLengthReward(L, body.max_tokens, ends.at_zero, ends.at_max);
      return {
        name: base.name,
        status: 'ok',
        score,
        reason: `${right ? 'correct' : 'wrong'}, ${L} ${body.unit ?? 'tokens'}${L > body.max_tokens ? ' (over the limit)' : ''}`,
        detail: { length: L, correct: right },
        components: [r!],
      };
    });
  },
});

/**
 * Conciseness bonus that counts only for correct answers: child + bonus·(1 − min(L, T)/T) when the child
 * passes, the child alone otherwise, so a short wrong answer is never paid for being short.
 */
registerNodeKind({
  key: 'concise',
  description:
    '{ concise: node, max_tokens, bonus?: 0.5, threshold?: 1 }: child + bonus·(1 − L/T) for correct answers only',
  schema: z
    .object({
      concise: nodeSchema,
      max_tokens: z.number().positive(),
      bonus: z.number().optional(),
      threshold: z.number().optional(),
      unit,
      ...commonFields,
    })
    .strict(),
  build(node, b) {
    const child = b.child(node.body.concise as SpecNode);
    const base = nodeBase(node, 'concise');
    const body = node.body as {
      max_tokens: number;
      bonus?: number;
      threshold?: number;
      unit?: 'tokens' | 'chars';
    };
    const bonus = body.bonus ?? 0.5;
    const threshold = body.threshold ?? 1;
    return composeNode(base, [child], ([r], item) => {
      const v = valueOrFailure(base.name, child, r!, [r!]);
      if (typeof v !== 'number') return v;
      const L = lengthOf(item.sample, body.unit);
      const extra = v >= threshold ? bonus * (1 - Math.min(L, body.max_tokens) / body.max_tokens) : 0;
      return {
        name: base.name,
        status: 'ok',
        score: v + extra,
        detail: { length: L, bonus: extra },
        components: [r!],
      };
    });
  },
});
