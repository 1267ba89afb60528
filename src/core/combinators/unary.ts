import { z } from 'zod';
import type { CompiledNode } from '../engine/node.js';
import { registerNodeKind, type SpecNode } from '../spec/kinds.js';
import { commonFields, nodeSchema } from '../spec/schema.js';
import type { RewardResult } from '../types.js';
import { composeNode, nodeBase } from './compose.js';
import { partValue } from './parts.js';

/** Apply `f` to the child's value; a failure passes through with its status unless the child says otherwise. */
function mapChild(
  name: string,
  child: CompiledNode,
  result: RewardResult,
  f: (x: number) => number,
): RewardResult {
  const v = partValue(child, result);
  if ('value' in v) return { name, status: 'ok', score: f(v.value), components: [result] };
  const status =
    'omit' in v && result.status === 'skipped' ? 'skipped' : result.status === 'ok' ? 'error' : result.status;
  return {
    name,
    status,
    score: null,
    reason: `${child.name} ${result.status}: ${result.reason ?? ''}`.trim(),
    components: [result],
  };
}

registerNodeKind({
  key: 'clip',
  description: '{ clip: node, min?, max? }: the child clamped to [min, max]',
  schema: z
    .object({ clip: nodeSchema, min: z.number().optional(), max: z.number().optional(), ...commonFields })
    .strict()
    .refine((v) => v.min === undefined || v.max === undefined || v.min <= v.max, {
      message: 'min must be ≤ max',
      path: ['min'],
    }),
  build(node, b) {
    const child = b.child(node.body.clip as SpecNode);
    const lo = (node.body.min as number | undefined) ?? Number.NEGATIVE_INFINITY;
    const hi = (node.body.max as number | undefined) ?? Number.POSITIVE_INFINITY;
    const base = nodeBase(node, 'clip');
    return composeNode(base, [child], ([r]) =>
      mapChild(base.name, child, r!, (x) => Math.min(hi, Math.max(lo, x))),
    );
  },
});

registerNodeKind({
  key: 'affine',
  description: '{ affine: node, scale?: 1, shift?: 0 }: scale·child + shift',
  schema: z
    .object({
      affine: nodeSchema,
      scale: z.number().optional(),
      shift: z.number().optional(),
      ...commonFields,
    })
    .strict(),
  build(node, b) {
    const child = b.child(node.body.affine as SpecNode);
    const scale = (node.body.scale as number | undefined) ?? 1;
    const shift = (node.body.shift as number | undefined) ?? 0;
    const base = nodeBase(node, 'affine');
    return composeNode(base, [child], ([r]) => mapChild(base.name, child, r!, (x) => scale * x + shift));
  },
});

registerNodeKind({
  key: 'metric',
  description: '{ metric: node }: computed and logged in components, never counted in the parent score',
  schema: z.object({ metric: nodeSchema, ...commonFields }).strict(),
  build(node, b) {
    const child = b.child(node.body.metric as SpecNode);
    // Its result is the child's own, so its components are the child's.
    const base = {
      ...nodeBase(node, child.name),
      excluded: true,
      parts: child.parts,
    };
    return composeNode(base, [child], ([r]) => ({ ...r!, name: base.name }));
  },
});
