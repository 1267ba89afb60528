import type { z } from 'zod';
import type { CompiledNode } from './engine/node.js';
import type { Outcome, RewardContext, RewardResult, Sample } from './types.js';

/**
 * Shared services a reward may use, handed to `create` once when a spec is compiled.
 * Capabilities add their services here (sandbox pool, judge clients…) through `services`.
 */
export interface RewardEnv {
  /** Compile a nested spec node (for rewards that wrap others, such as rubric checks). */
  compile(node: unknown, path?: string): CompiledNode;
  /** Run a compiled node on samples from inside a reward (CPU subtrees still go to the worker pool). */
  run(node: CompiledNode, samples: Sample[], ctx: RewardContext): Promise<RewardResult[]>;
  /** Long-lived shared objects, keyed by capability ("sandbox", "judges"…), created lazily. */
  service<T>(key: string, make: () => T): T;
}

interface RewardBase<A> {
  name: string;
  /** One line: what it scores and what `reference` it expects. */
  description: string;
  /** Validated when the spec is loaded; errors name the path (`reward.weighted[0].args.max`). */
  args: z.ZodType<A>;
  /** True when the same input always gives the same output (so results may be cached). */
  deterministic?: boolean;
}

/** CPU-bound, synchronous: runs in the worker-thread pool, where a hang is ended by terminating the worker. */
export interface CpuReward<A = unknown> extends RewardBase<A> {
  mode: 'cpu';
  create(args: A): (sample: Sample, ctx: RewardContext) => Outcome;
}

/** I/O-bound (model calls, sandboxed processes): runs on the main thread, raced against its deadline. */
export interface AsyncReward<A = unknown> extends RewardBase<A> {
  mode: 'async';
  create(args: A, env: RewardEnv): (sample: Sample, ctx: RewardContext) => Promise<Outcome>;
}

/** Scores the rollouts of one prompt together (pairwise tournaments, pass-rate-weighted tests…). */
export interface GroupReward<A = unknown> extends RewardBase<A> {
  mode: 'group';
  create(args: A, env: RewardEnv): (samples: Sample[], ctx: RewardContext) => Promise<Outcome[]>;
}

export type RewardDefinition<A = unknown> = CpuReward<A> | AsyncReward<A> | GroupReward<A>;
