import { z } from 'zod';
import { type NodeKind, registerNodeKind } from '../spec/kinds.js';
import { commonFields, nodeSchema } from '../spec/schema.js';
import type { RewardResult } from '../types.js';
import { composeNode, nodeBase } from './compose.js';
import { collectParts, propagatedFailure } from './parts.js';

type Combine = (parts: { weight: number; value: number }[]) => number;

/** Σ wᵢ·rᵢ, mean, min, max and product over the parts that count (metrics and left-out parts excluded). */
const combiners: Record<string, { description: string; combine: Combine }> = {
  weighted: {
    description: 'Σ wᵢ·rᵢ over the parts (weights default 1)',
    combine: (p) => p.reduce((s, x) => s + x.weight * x.value, 0),
  },
  mean: { description: 'mean of the parts', combine: (p) => p.reduce((s, x) => s + x.value, 0) / p.length },
  min: { description: 'smallest part', combine: (p) => Math.min(...p.map((x) => x.value)) },
  max: { description: 'largest part', combine: (p) => Math.max(...p.map((x) => x.value)) },
  product: { description: 'product of the parts', combine: (p) => p.reduce((s, x) => s * x.value, 1) },
};

function naryKind(key: string, description: string, combine: Combine): NodeKind {
  return {
    key,
    description: `{ ${key}: [nodes] }: ${description}`,
    schema: z.object({ [key]: z.array(nodeSchema).min(1), ...commonFields }).strict(),
    build(node, b) {
      const children = (node.body[key] as Parameters<typeof b.child>[0][]).map((c) => b.child(c));
      const base = nodeBase(node, key);
      return composeNode(base, children, (results) => {
        const components = results;
        const parts = collectParts(children, results);
        if (parts.failure) return propagatedFailure(base.name, parts.failure, components);
        if (parts.values.length === 0) {
          const allSkipped = results.every((r) => r.status === 'skipped');
          return {
            name: base.name,
            status: allSkipped ? 'skipped' : 'error',
            score: null,
            reason: allSkipped
              ? 'every part was skipped'
              : `no part could be scored (${results.map((r) => `${r.name}: ${r.reason ?? r.status}`).join('; ')})`,
            components,
          } satisfies RewardResult;
        }
        const score = combine(parts.values.map((p) => ({ weight: p.node.weight, value: p.value })));
        return { name: base.name, status: 'ok', score, components };
      });
    },
  };
}

for (const [key, { description, combine }] of Object.entries(combiners)) {
  registerNodeKind(naryKind(key, description, combine));
}
