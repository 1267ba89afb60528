import { z } from 'zod';
import { ok } from '../../core/result.js';
import type { CpuReward } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';

const args = z
  .object({
    unit: z.enum(['chars', 'tokens']).default('tokens'),
    mode: z.enum(['overlong', 'linear']).default('overlong'),
    /** Length at which the penalty is -1 (`overlong`), or reaches -1 (`linear`). */
    max: z.number().positive(),
    /** `overlong` only: the soft zone before `max` where the penalty ramps from 0 to -1. */
    buffer: z.number().nonnegative().default(0),
  })
  .strict()
  .refine((a) => a.buffer <= a.max, { message: 'buffer must be ≤ max', path: ['buffer'] });

type Args = z.infer<typeof args>;

/** Whitespace-separated tokens: a tokenizer-free proxy; counts without allocating. */
export function countTokens(text: string): number {
  let n = 0;
  let inToken = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 160;
    if (!space && !inToken) n++;
    inToken = !space;
  }
  return n;
}

/**
 * Penalties in [-1, 0], meant to be added with a weight:
 * - overlong (DAPO, soft overlong punishment): 0 if L ≤ max − buffer; ((max − buffer) − L) / buffer inside
 *   the buffer; −1 beyond max.
 * - linear: −min(L, max) / max.
 */
export function lengthPenalty(length: number, a: Pick<Args, 'mode' | 'max' | 'buffer'>): number {
  if (a.mode === 'linear') return -Math.min(length, a.max) / a.max;
  const safe = a.max - a.buffer;
  if (length <= safe) return 0;
  if (length > a.max) return -1;
  return (safe - length) / a.buffer;
}

export const length: CpuReward<Args> = {
  name: 'length',
  mode: 'cpu',
  deterministic: true,
  description:
    'length penalty in [-1, 0]: DAPO overlong (max, buffer) or linear, over characters or whitespace tokens',
  args,
  create: (a) => (sample) => {
    const text = responseText(sample);
    const n = a.unit === 'chars' ? text.length : countTokens(text);
    return ok(lengthPenalty(n, a), `${n} ${a.unit}`, { length: n, unit: a.unit });
  },
};
