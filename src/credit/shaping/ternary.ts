import { z } from 'zod';
import { composeNode, nodeBase } from '../../core/combinators/compose.js';
import { responseText } from '../../core/sample.js';
import { registerNodeKind, type SpecNode } from '../../core/spec/kinds.js';
import { commonFields, nodeSchema } from '../../core/spec/schema.js';
import { stripThinking } from '../../verifiers/text/extract.js';
import { valueOrFailure } from './common.js';

/** Phrases of an honest abstention (case-insensitive regular expressions), searched outside <think> blocks. */
export const DEFAULT_ABSTAIN = [
  "\\bI (?:don'?t|do not) know\\b",
  "\\bI(?:'m| am) not (?:sure|certain)\\b",
  "\\b(?:cannot|can not|can't) (?:be )?determined?\\b",
  '\\bunable to (?:answer|determine)\\b',
  '\\bnot enough information\\b',
];

const pattern = z.string().refine(
  (s) => {
    try {
      new RegExp(s, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

/**
 * TruthRL (Wei et al. 2025, "TruthRL: Incentivizing Truthful LLMs via Reinforcement Learning"): +1 for a
 * correct answer, 0 for an abstention, −1 for a wrong one, so that "I don't know" beats a hallucination.
 * The child decides correctness (score ≥ threshold); an abstention is decided from the response text and
 * scores 0 whatever the child says (the child still runs and shows in components).
 */
registerNodeKind({
  key: 'ternary',
  description:
    '{ ternary: node, abstain?: [regex], threshold?: 1 }: +1 correct, 0 abstained, −1 wrong (TruthRL)',
  schema: z
    .object({
      ternary: nodeSchema,
      abstain: z.array(pattern).optional(),
      threshold: z.number().optional(),
      ...commonFields,
    })
    .strict(),
  build(node, b) {
    const child = b.child(node.body.ternary as SpecNode);
    const base = nodeBase(node, 'ternary');
    const threshold = (node.body.threshold as number | undefined) ?? 1;
    const abstain = ((node.body.abstain as string[] | undefined) ?? DEFAULT_ABSTAIN).map(
      (p) => new RegExp(p, 'i'),
    );
    return composeNode(base, [child], ([r], item) => {
      const components = [r!];
      const text = stripThinking(responseText(item.sample));
      const matched = abstain.find((re) => re.test(text));
      if (matched)
        return {
          name: base.name,
          status: 'ok',
          score: 0,
          reason: `abstained (${matched.source})`,
          components,
        };
      const v = valueOrFailure(base.name, child, r!, components);
      if (typeof v !== 'number') return v;
      return v >= threshold
        ? { name: base.name, status: 'ok', score: 1, reason: 'correct', components }
        : { name: base.name, status: 'ok', score: -1, reason: 'wrong', components };
    });
  },
});
