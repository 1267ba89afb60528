import { z } from 'zod';
import { nodeBase } from '../../core/combinators/compose.js';
import { partValue } from '../../core/combinators/parts.js';
import { type CompiledNode, type Item, type RunContext, runNode } from '../../core/engine/node.js';
import { round3 } from '../../core/result.js';
import { responseText } from '../../core/sample.js';
import { registerNodeKind, type SpecNode } from '../../core/spec/kinds.js';
import { commonFields, nodeSchema } from '../../core/spec/schema.js';
import type { RewardResult, Sample } from '../../core/types.js';
import { STEP_AGGREGATES, type StepAggregate, stepAggregates } from '../steps.js';
import { derivedSample } from './common.js';
import { SPLIT_RULES, type SplitRule, splitSteps } from './split.js';

export { STEP_AGGREGATES } from '../steps.js';

const aggregates = stepAggregates;

/**
 * The step samples of one sample: the step is the response; the steps before it (for a PRM that needs the
 * prefix) and the position are in meta (`step_index`, `step_count`, `previous_steps`).
 */
export function stepSamples(sample: Sample, rule: SplitRule): Sample[] {
  const steps = sample.steps ?? splitSteps(responseText(sample), rule);
  return steps.map((step, k) =>
    derivedSample(sample, step, {
      step_index: k,
      step_count: steps.length,
      previous_steps: steps.slice(0, k),
    }),
  );
}

interface Options {
  name: string;
  child: CompiledNode;
  aggregate: StepAggregate;
  empty: number;
}

/** Aggregate one sample's step results; a failed step fails the sample unless the child says otherwise. */
function aggregateSteps(o: Options, results: RewardResult[]): RewardResult {
  const components = results.map((r, k) => ({ ...r, name: `${o.child.name}[${k}]` }));
  if (results.length === 0) {
    return {
      name: o.name,
      status: 'ok',
      score: o.empty,
      reason: 'no steps found',
      detail: { step_scores: [], steps: 0 },
    };
  }
  const scores: (number | null)[] = [];
  for (let k = 0; k < results.length; k++) {
    const v = partValue(o.child, results[k]!);
    if ('propagate' in v) {
      const r = results[k]!;
      return {
        name: o.name,
        status: r.status === 'ok' ? 'error' : r.status,
        score: null,
        reason: `step ${k} (${o.child.name}) ${r.status}: ${r.reason ?? 'no reason given'}`,
        components,
      };
    }
    scores.push('value' in v ? v.value : null);
  }
  const values = scores.filter((s): s is number => s !== null);
  if (values.length === 0)
    return { name: o.name, status: 'skipped', score: null, reason: 'every step was left out', components };
  return {
    name: o.name,
    status: 'ok',
    score: stepAggregates[o.aggregate](values),
    detail: { step_scores: scores, steps: results.length },
    components,
  };
}

registerNodeKind({
  key: 'steps',
  description:
    '{ steps: node, aggregate?: min|mean|last|product|sum, split?: auto|step_markers|blank_lines|lines }: the node on each step, aggregated',
  schema: z
    .object({
      steps: nodeSchema,
      aggregate: z.enum(STEP_AGGREGATES).optional(),
      split: z.enum(SPLIT_RULES).optional(),
      /** Score of a response with no steps at all (default 0). */
      empty: z.number().optional(),
      ...commonFields,
    })
    .strict(),
  build(node, b) {
    const child = b.child(node.body.steps as SpecNode);
    const base = nodeBase(node, 'steps');
    const rule = (node.body.split as SplitRule | undefined) ?? 'auto';
    const o: Options = {
      name: base.name,
      child,
      aggregate: (node.body.aggregate as StepAggregate | undefined) ?? 'min',
      empty: (node.body.empty as number | undefined) ?? 0,
    };
    const compiled: CompiledNode = { ...base, cpu: child.cpu };
    if (child.cpu) {
      compiled.runSync = (item: Item, ctx: RunContext) => {
        const started = performance.now();
        const results = stepSamples(item.sample, rule).map((sample) =>
          child.runSync!({ ...item, sample }, ctx),
        );
        return { ...aggregateSteps(o, results), ms: round3(performance.now() - started) };
      };
    }
    compiled.run = async (items: Item[], ctx: RunContext) => {
      const started = performance.now();
      const perItem = items.map((item) =>
        stepSamples(item.sample, rule).map((sample) => ({ ...item, sample })),
      );
      const flat = await runNode(child, perItem.flat(), ctx);
      const ms = round3(performance.now() - started);
      let at = 0;
      return perItem.map((steps) => {
        const results = flat.slice(at, at + steps.length);
        at += steps.length;
        return { ...aggregateSteps(o, results), ms };
      });
    };
    return compiled;
  },
});
