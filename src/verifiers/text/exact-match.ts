import { z } from 'zod';
import { failed, ok } from '../../core/result.js';
import type { CpuReward } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';
import { extractAnswer } from './extract.js';
import { normalizeText } from './normalize.js';

const args = z
  .object({
    ignore_case: z.boolean().default(true),
    ignore_whitespace: z.boolean().default(true),
    ignore_punctuation: z.boolean().default(false),
    ignore_articles: z.boolean().default(false),
    /** `auto`: the last <answer> block, else the last \boxed{}, else the whole response. */
    extract: z.enum(['auto', 'answer_tag', 'boxed', 'none']).default('auto'),
  })
  .strict();

/** The gold answers of a sample: a string, a number, or a list of acceptable ones. */
export function referenceStrings(reference: unknown): string[] | undefined {
  if (typeof reference === 'string' || typeof reference === 'number') return [String(reference)];
  if (
    Array.isArray(reference) &&
    reference.length > 0 &&
    reference.every((r) => typeof r === 'string' || typeof r === 'number')
  ) {
    return reference.map(String);
  }
  return undefined;
}

export const exactMatch: CpuReward<z.infer<typeof args>> = {
  name: 'exact_match',
  mode: 'cpu',
  deterministic: true,
  description: '1 if the extracted answer equals a reference (string or list) after normalization, else 0',
  args,
  create(a) {
    const order =
      a.extract === 'auto'
        ? (['answer_tag', 'boxed', 'whole'] as const)
        : a.extract === 'none'
          ? (['whole'] as const)
          : [a.extract];
    return (sample) => {
      const golds = referenceStrings(sample.reference);
      if (!golds) return failed('reference must be a string, a number, or a non-empty list of them');
      const found = extractAnswer(responseText(sample), [...order]);
      if (!found) return ok(0, `no ${a.extract} answer found`, { extracted: null });
      const answer = normalizeText(found.answer, a);
      const match = golds.find((g) => normalizeText(g, a) === answer);
      return match !== undefined
        ? ok(1, 'exact match', { extracted: found.answer, from: found.from })
        : ok(0, 'no reference matches', { extracted: found.answer, from: found.from });
    };
  },
};
