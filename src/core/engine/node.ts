import type { RewardEnv } from '../reward.js';
import type { RewardResult, Sample } from '../types.js';

/**
 * A sample on its way through the tree, with its time budget. The budget counts from the moment the
 * sample's work starts (not from when it was queued), so one sample that hangs costs its own budget
 * and never makes the samples queued behind it miss theirs.
 */
export interface Item {
  sample: Sample;
  timeoutMs: number;
  /** Absolute deadline, set when a CPU subtree starts on this sample (shared by the leaves inside it). */
  deadline?: number;
}

/** The absolute deadline of work starting now on this item. */
export const deadlineOf = (item: Item): number => item.deadline ?? Date.now() + item.timeoutMs;

/** Runs synchronous CPU subtrees: the worker pool in production, in-thread in a worker or a benchmark. */
export interface CpuExecutor {
  run(node: CompiledNode, items: Item[], ctx: RunContext): Promise<RewardResult[]>;
}

export interface RunContext {
  seed: number;
  step?: number;
  /** Aborted when the caller gives up (client disconnected, server shutting down). */
  signal?: AbortSignal;
  cpu: CpuExecutor;
  env: RewardEnv;
}

/** How a failed part counts in its parent: left out (`null`), as 0, or as a given number. */
export type ErrorSubstitute = null | 'zero' | number;

/** A spec node compiled into something that runs. */
export interface CompiledNode {
  /** Label in results and logs (the reward name, the combinator key, or the node's `name`). */
  name: string;
  /** The node as written in the spec, so a worker thread can rebuild a CPU subtree. */
  spec: unknown;
  /** True when the whole subtree is synchronous CPU work: it then runs in the worker pool via `runSync`. */
  cpu: boolean;
  /** Multiplier used by `weighted` and `gate` parents. */
  weight: number;
  /** Present when the spec says how this node's failure counts in its parent. */
  onError?: ErrorSubstitute;
  /** Logged in components but never combined into the parent's score (`metric`). */
  excluded?: boolean;
  /**
   * The nodes whose results this node reports as its `components`, in order, when that set is fixed by
   * the spec (combinators); absent where a node's components depend on the sample (rubric criteria,
   * steps). Gives every sample of a spec the same component names (see `componentPaths`).
   */
  parts?: readonly CompiledNode[];
  runSync?(item: Item, ctx: RunContext): RewardResult;
  run?(items: Item[], ctx: RunContext): Promise<RewardResult[]>;
}

/** Run any node on items: CPU subtrees go to the executor (worker pool), the rest run here. */
export function runNode(node: CompiledNode, items: Item[], ctx: RunContext): Promise<RewardResult[]> {
  if (items.length === 0) return Promise.resolve([]);
  if (node.cpu) return ctx.cpu.run(node, items, ctx);
  if (!node.run) throw new Error(`node "${node.name}" can neither run synchronously nor asynchronously`);
  return node.run(items, ctx);
}

/** Runs CPU subtrees in the calling thread: used inside workers and for single-thread benchmarks. */
export const inThreadExecutor: CpuExecutor = {
  async run(node, items, ctx) {
    return items.map((item) => node.runSync!({ ...item, deadline: deadlineOf(item) }, ctx));
  },
};
