import type { EncodedResults } from '../encoded.js';
import type { RewardResult, Sample } from '../types.js';

/** One chunk of samples sent to a worker, all scored by the same CPU subtree. */
export interface ChunkTask {
  /** The subtree as written in the spec (JSON text); workers compile it once and cache it by this text. */
  spec: string;
  samples: Sample[];
  /** Per-sample time budget in ms, counted from when the worker starts that sample. */
  budgets: number[];
  seed: number;
  step?: number;
  /** Send the results back encoded (src/core/encoded.ts) instead of as objects. */
  encode?: boolean;
  /**
   * Shared with the main thread: Int32 [next unclaimed sample], then Float64 [sample in progress,
   * Date.now() when it started]. The worker claims samples one by one with Atomics.add; the main thread
   * can steal the unclaimed rest with Atomics.exchange, so no sample is ever run by both or by neither.
   */
  control: SharedArrayBuffer;
}

/** Results of the samples this worker claimed, in order: a prefix of the chunk when the rest was stolen. */
export type ChunkResult = RewardResult[] | EncodedResults;

export const CONTROL_BYTES = 24;
export const controlViews = (buffer: SharedArrayBuffer) => ({
  next: new Int32Array(buffer, 0, 1),
  progress: new Float64Array(buffer, 8, 2),
});
