import { z } from 'zod';
import { composeNode, nodeBase } from '../../core/combinators/compose.js';
import { collectParts, propagatedFailure } from '../../core/combinators/parts.js';
import { registerNodeKind, type SpecNode } from '../../core/spec/kinds.js';
import { commonFields, nodeSchema } from '../../core/spec/schema.js';
import type { RewardResult } from '../../core/types.js';
import { mean, median, std } from '../stats.js';

export const ENSEMBLE_AGGREGATES = ['mean', 'median', 'min', 'mean_minus_std', 'robust'] as const;
type Aggregate = (typeof ENSEMBLE_AGGREGATES)[number];

/**
 * Reward-model ensembles against over-optimization. mean, median, min, and mean − k·std (the population
 * std of the members) follow Eisenstein et al. 2023, "Helping or Herding? Reward Model Ensembles Mitigate
 * but do not Eliminate Reward Hacking"; robust = λ·mean + (1 − λ)·min follows Yan et al. 2024,
 * "Reward-Robust RLHF in LLMs".
 */
export function ensembleScore(values: number[], aggregate: Aggregate, k = 1, lambda = 0.5): number {
  switch (aggregate) {
    case 'mean':
      return mean(values);
    case 'median':
      return median(values);
    case 'min':
      return Math.min(...values);
    case 'mean_minus_std':
      return mean(values) - k * std(values, 'population');
    case 'robust':
      return lambda * mean(values) + (1 - lambda) * Math.min(...values);
  }
}

registerNodeKind({
  key: 'ensemble',
  description:
    '{ ensemble: [nodes], aggregate?: mean|median|min|mean_minus_std|robust, k?: 1, lambda?: 0.5 }',
  schema: z
    .object({
      ensemble: z.array(nodeSchema).min(1),
      aggregate: z.enum(ENSEMBLE_AGGREGATES).optional(),
      k: z.number().nonnegative().optional(),
      lambda: z.number().min(0).max(1).optional(),
      ...commonFields,
    })
    .strict(),
  build(node, b) {
    const members = (node.body.ensemble as SpecNode[]).map((c) => b.child(c));
    const base = nodeBase(node, 'ensemble');
    const aggregate = (node.body.aggregate as Aggregate | undefined) ?? 'mean';
    const k = (node.body.k as number | undefined) ?? 1;
    const lambda = (node.body.lambda as number | undefined) ?? 0.5;
    return composeNode(base, members, (results) => {
      const parts = collectParts(members, results);
      if (parts.failure) return propagatedFailure(base.name, parts.failure, results);
      if (parts.values.length === 0) {
        return {
          name: base.name,
          status: 'error',
          score: null,
          reason: 'no ensemble member could be scored',
          components: results,
        } satisfies RewardResult;
      }
      const values = parts.values.map((p) => p.value);
      return {
        name: base.name,
        status: 'ok',
        score: ensembleScore(values, aggregate, k, lambda),
        components: results,
      };
    });
  },
});
