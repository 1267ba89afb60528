import { z } from 'zod';
import { ok } from '../../core/result.js';
import type { CpuReward } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';

const args = z
  .object({
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'flags: any of i, m, s, u')
      .default(''),
    /** `search`: the pattern occurs somewhere; `full`: the whole (trimmed) response matches. */
    mode: z.enum(['search', 'full']).default('search'),
  })
  .strict()
  .superRefine((a, ctx) => {
    try {
      new RegExp(a.pattern, a.flags);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `not a valid regular expression: ${(err as Error).message}`,
      });
    }
  });

/** A user-given pattern may backtrack badly; it runs in the worker pool, where the deadline ends it. */
export const formatRegex: CpuReward<z.infer<typeof args>> = {
  name: 'format.regex',
  mode: 'cpu',
  deterministic: true,
  description: '1 if the response matches a regular expression (search, or full match), else 0',
  args,
  create(a) {
    const re = new RegExp(a.mode === 'full' ? `^(?:${a.pattern})$` : a.pattern, a.flags);
    return (sample) => {
      const text = a.mode === 'full' ? responseText(sample).trim() : responseText(sample);
      return re.test(text) ? ok(1, 'matches') : ok(0, 'does not match');
    };
  },
};
