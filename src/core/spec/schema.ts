import { z } from 'zod';
import { issueMessage } from './issues.js';
import { getNodeKind, nodeKindKeys, type SpecNode } from './kinds.js';

/** Fields every node may carry, merged into each kind's schema. */
export const commonFields = {
  name: z.string().min(1).optional(),
  weight: z.number().optional(),
  onError: z.union([z.null(), z.literal('zero'), z.number()]).optional(),
};

/**
 * A reward node of any registered kind. Dispatches on the one kind key the object holds, so an error
 * names that kind's field (`weighted[1].weight: expected number`) instead of "no union member matched".
 */
export const nodeSchema: z.ZodType<SpecNode> = z.lazy(() =>
  z.unknown().transform((value, ctx): SpecNode => {
    const keys = nodeKindKeys();
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a reward node (an object with one of: ${keys.join(', ')})`,
      });
      return z.NEVER;
    }
    // A kind key holds a node, a list of nodes or a name, never a number: `{ clip: node, min: 0 }` is a clip.
    const present = Object.entries(value)
      .filter(
        ([k, v]) =>
          getNodeKind(k) !== undefined && ((typeof v === 'object' && v !== null) || typeof v === 'string'),
      )
      .map(([k]) => k);
    if (present.length !== 1) {
      const message =
        present.length === 0
          ? `expected a reward node with one of: ${keys.join(', ')}; got fields: ${Object.keys(value).join(', ') || 'none'}`
          : `a node has exactly one kind; found ${present.join(' and ')}`;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    const kind = getNodeKind(present[0]!)!;
    const parsed = kind.schema.safeParse(value, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({ code: 'custom', message: issueMessage(issue), path: issue.path as PropertyKey[] });
      }
      return z.NEVER;
    }
    return { kind: kind.key, body: parsed.data, raw: value };
  }),
);

export const specFileSchema = z
  .object({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    reward: nodeSchema,
    /** Per-sample deadline. */
    timeout_ms: z.number().int().positive().max(3_600_000).optional(),
    seed: z.number().int().optional(),
    /** Modules that register rewards; loaded in the main thread and in every worker. */
    plugins: z.array(z.string()).optional(),
  })
  .strict();

export type SpecFile = z.infer<typeof specFileSchema>;
