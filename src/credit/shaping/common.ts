/** Helpers shared by the shaping node kinds. */
import { partValue } from '../../core/combinators/parts.js';
import type { CompiledNode } from '../../core/engine/node.js';
import type { RewardResult, Sample } from '../../core/types.js';

/** The child's value, or the result this node reports when the child has none (its failure passes through). */
export function valueOrFailure(
  name: string,
  child: CompiledNode,
  result: RewardResult,
  components: RewardResult[],
): number | RewardResult {
  const v = partValue(child, result);
  if ('value' in v) return v.value;
  const status =
    result.status === 'skipped' && 'omit' in v ? 'skipped' : result.status === 'ok' ? 'error' : result.status;
  return {
    name,
    status,
    score: null,
    reason: `${child.name} ${result.status}: ${result.reason ?? 'no reason given'}`,
    components,
  };
}

/** A sample built from another (a step, a reference response): same prompt and reference, no group, so a
 * group reward never mixes derived samples with the rollouts they came from. */
export function derivedSample(sample: Sample, response: string, meta: Record<string, unknown>): Sample {
  const { group: _group, steps: _steps, logprobs: _logprobs, ...rest } = sample;
  return { ...rest, response, meta: { ...sample.meta, ...meta } };
}

/** A failed result whose cause is the input, not a child (a missing reference response, no training step). */
export const inputError = (name: string, reason: string): RewardResult => ({
  name,
  status: 'error',
  score: null,
  reason,
});
