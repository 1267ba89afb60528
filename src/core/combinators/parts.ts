import type { CompiledNode } from '../engine/node.js';
import type { RewardResult } from '../types.js';

export interface Parts {
  /** Values of the parts that count, with their nodes. */
  values: { node: CompiledNode; value: number }[];
  /** The first part whose failure propagates (no `onError` on it). */
  failure?: { index: number; node: CompiledNode; result: RewardResult };
  /** How many parts were left out (skipped, or failed with `onError: null`). */
  omitted: number;
}

/** The value a part contributes, or why it contributes none. */
export function partValue(
  node: CompiledNode,
  result: RewardResult,
): { value: number } | { omit: true } | { propagate: true } {
  if (result.status === 'ok' && result.score !== null) return { value: result.score };
  if (result.status === 'skipped') return { omit: true };
  if (node.onError === undefined) return { propagate: true };
  if (node.onError === null) return { omit: true };
  return { value: node.onError === 'zero' ? 0 : node.onError };
}

/** Sort children's results into values, omissions and the failure that propagates. Metrics are ignored. */
export function collectParts(children: CompiledNode[], results: RewardResult[]): Parts {
  const parts: Parts = { values: [], omitted: 0 };
  children.forEach((node, index) => {
    if (node.excluded) return;
    const result = results[index]!;
    const v = partValue(node, result);
    if ('value' in v) parts.values.push({ node, value: v.value });
    else if ('omit' in v) parts.omitted++;
    else if (!parts.failure) parts.failure = { index, node, result };
  });
  return parts;
}

/** The result of a combinator whose part failed: same status, a reason naming the part, no score. */
export function propagatedFailure(
  name: string,
  failure: NonNullable<Parts['failure']>,
  components: RewardResult[],
): RewardResult {
  const { index, node, result } = failure;
  return {
    name,
    status: result.status === 'ok' ? 'error' : result.status,
    score: null,
    reason: `part ${index} (${node.name}) ${result.status}: ${result.reason ?? 'no reason given'}`,
    components,
  };
}
