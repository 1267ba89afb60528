import { z } from 'zod';
import { nodeBase } from '../../core/combinators/compose.js';
import { partValue } from '../../core/combinators/parts.js';
import { type CompiledNode, type Item, type RunContext, runNode } from '../../core/engine/node.js';
import { round3 } from '../../core/result.js';
import { registerNodeKind, type SpecNode } from '../../core/spec/kinds.js';
import { commonFields, nodeSchema } from '../../core/spec/schema.js';
import type { RewardResult } from '../../core/types.js';
import { inputError, valueOrFailure } from './common.js';

const NO_STEP = 'needs the training step (give `step` with the request, or --step on the command line)';

/** A node whose children depend on the training step: it cannot run without one. */
function stepNode(
  base: ReturnType<typeof nodeBase>,
  children: CompiledNode[],
  run: (
    step: number,
    items: Item[],
    ctx: RunContext,
    sync: boolean,
  ) => Promise<RewardResult[]> | RewardResult[],
): CompiledNode {
  const compiled: CompiledNode = { ...base, cpu: children.every((c) => c.cpu) };
  const missing = () => inputError(base.name, `${base.name} ${NO_STEP}`);
  if (compiled.cpu) {
    compiled.runSync = (item, ctx) => {
      const started = performance.now();
      const result =
        ctx.step === undefined ? missing() : (run(ctx.step, [item], ctx, true) as RewardResult[])[0]!;
      return { ...result, ms: round3(performance.now() - started) };
    };
  }
  compiled.run = async (items, ctx) => {
    const started = performance.now();
    const results = ctx.step === undefined ? items.map(missing) : await run(ctx.step, items, ctx, false);
    const ms = round3(performance.now() - started);
    return results.map((r) => ({ ...r, ms }));
  };
  return compiled;
}

const runChild = (child: CompiledNode, items: Item[], ctx: RunContext, sync: boolean) =>
  sync ? items.map((it) => child.runSync!(it, ctx)) : runNode(child, items, ctx);

const entrySchema = z.object({ until_step: z.number().optional(), node: nodeSchema }).strict();

/**
 * A piecewise schedule over training steps (e.g. Atom-Searcher: process reward early, outcome reward
 * later): the entry used is the first whose `until_step` is above the step; past the last `until_step` the
 * last entry stays in force. Only the entry in force runs.
 */
registerNodeKind({
  key: 'schedule',
  description:
    '{ schedule: [{ until_step?, node }, ...] }: the first entry with step < until_step (the last one after)',
  schema: z
    .object({ schedule: z.array(entrySchema).min(1), ...commonFields })
    .strict()
    .superRefine((v, ctx) => {
      v.schedule.forEach((e, i) => {
        const prev = v.schedule[i - 1]?.until_step;
        if (i < v.schedule.length - 1 && e.until_step === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['schedule', i, 'until_step'],
            message: 'only the last entry may omit until_step',
          });
        } else if (e.until_step !== undefined && prev !== undefined && e.until_step <= prev) {
          ctx.addIssue({
            code: 'custom',
            path: ['schedule', i, 'until_step'],
            message: 'until_step must increase',
          });
        }
      });
    }),
  build(node, b) {
    const entries = (node.body.schedule as { until_step?: number; node: SpecNode }[]).map((e) => ({
      until: e.until_step ?? Number.POSITIVE_INFINITY,
      child: b.child(e.node),
    }));
    const base = nodeBase(node, 'schedule');
    const pick = (step: number) => entries.find((e) => step < e.until) ?? entries.at(-1)!;
    return stepNode(
      base,
      entries.map((e) => e.child),
      (step, items, ctx, sync) => {
        const { child } = pick(step);
        const wrap = (results: RewardResult[]) =>
          results.map((r) => {
            const v = valueOrFailure(base.name, child, r, [r]);
            return typeof v === 'number'
              ? {
                  name: base.name,
                  status: 'ok' as const,
                  score: v,
                  reason: `step ${step}: ${child.name}`,
                  components: [r],
                }
              : v;
          });
        const results = runChild(child, items, ctx, sync);
        return Array.isArray(results) ? wrap(results) : results.then(wrap);
      },
    );
  },
});

/** Weight of the second node at a step: 0 before from_step, 1 after to_step, linear between. */
export function blendWeight(step: number, from: number, to: number): number {
  if (step <= from) return 0;
  if (step >= to) return 1;
  return (step - from) / (to - from);
}

/**
 * A linear blend over training steps: (1 − w)·first + w·second with w = clamp((step − from)/(to − from)).
 * Both nodes run (both show in components); a failure counts only where its weight is not zero.
 */
registerNodeKind({
  key: 'blend',
  description:
    '{ blend: [first, second], from_step, to_step }: (1 − w)·first + w·second, w rising linearly over the steps',
  schema: z
    .object({
      blend: z.tuple([nodeSchema, nodeSchema]),
      from_step: z.number(),
      to_step: z.number(),
      ...commonFields,
    })
    .strict()
    .refine((v) => v.to_step > v.from_step, {
      message: 'to_step must be greater than from_step',
      path: ['to_step'],
    }),
  build(node, b) {
    const [first, second] = (node.body.blend as SpecNode[]).map((c) => b.child(c)) as [
      CompiledNode,
      CompiledNode,
    ];
    const base = nodeBase(node, 'blend');
    const from = node.body.from_step as number;
    const to = node.body.to_step as number;
    const combine = (w: number, a: RewardResult, c: RewardResult): RewardResult => {
      const components = [a, c];
      let score = 0;
      for (const [child, r, weight] of [
        [first, a, 1 - w],
        [second, c, w],
      ] as const) {
        if (weight === 0) continue;
        const v = partValue(child, r);
        if ('propagate' in v || 'omit' in v)
          return valueOrFailure(base.name, child, r, components) as RewardResult;
        score += weight * v.value;
      }
      return { name: base.name, status: 'ok', score, detail: { weight: w }, components };
    };
    return stepNode(base, [first, second], (step, items, ctx, sync) => {
      const w = blendWeight(step, from, to);
      if (sync) {
        return items.map((it) => combine(w, first.runSync!(it, ctx), second.runSync!(it, ctx)));
      }
      return Promise.all([runNode(first, items, ctx), runNode(second, items, ctx)]).then(([ra, rb]) =>
        items.map((_, i) => combine(w, ra[i]!, rb[i]!)),
      );
    });
  },
});
