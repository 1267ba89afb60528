import type { CompiledNode, Item, RunContext } from '../engine/node.js';
import { runNode } from '../engine/node.js';
import { round3 } from '../result.js';
import type { SpecNode } from '../spec/kinds.js';
import type { RewardResult } from '../types.js';

/** The fields every compiled node takes from its spec: label, weight, error handling. */
export function nodeBase(node: SpecNode, defaultName: string) {
  const { name, weight, onError } = node.body;
  return {
    name: name ?? defaultName,
    spec: node.raw,
    weight: weight ?? 1,
    ...(onError !== undefined && { onError }),
  };
}

/**
 * A node whose result is a pure function of its children's results on the same sample. Runs in a worker
 * when every child is CPU work; otherwise here, children in parallel, each child on the whole batch.
 */
export function composeNode(
  base: ReturnType<typeof nodeBase> & {
    excluded?: boolean;
    /** Nodes reported as components (default: `children`); present but undefined when they vary. */
    parts?: readonly CompiledNode[] | undefined;
  },
  children: CompiledNode[],
  combine: (results: RewardResult[], item: Item) => RewardResult,
): CompiledNode {
  const { parts = 'parts' in base ? undefined : children, ...rest } = base;
  const node: CompiledNode = { ...rest, cpu: children.every((c) => c.cpu), ...(parts && { parts }) };
  if (node.cpu) {
    node.runSync = (item: Item, ctx: RunContext) => {
      const started = performance.now();
      const result = combine(
        children.map((c) => c.runSync!(item, ctx)),
        item,
      );
      result.ms = round3(performance.now() - started);
      return result;
    };
  }
  node.run = async (items: Item[], ctx: RunContext) => {
    const started = performance.now();
    const perChild = await Promise.all(children.map((c) => runNode(c, items, ctx)));
    const ms = round3(performance.now() - started);
    return items.map((item, i) => {
      const result = combine(
        perChild.map((rs) => rs[i]!),
        item,
      );
      result.ms = ms;
      return result;
    });
  };
  return node;
}
