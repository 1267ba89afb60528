import type { RewardResult, Sample } from '../types.js';

/** One chunk of samples sent to a worker, all scored by the same CPU subtree. */
export interface ChunkTask {
  /** The subtree as written in the spec (JSON text); workers compile it once and cache it by this text. */
  spec: string;
  samples: Sample[];
  deadlines: number[];
  seed: number;
  step?: number;
  /** Float64Array [index of the sample in progress, Date.now() when it started]: read by the watchdog. */
  progress: SharedArrayBuffer;
}

export type ChunkResult = RewardResult[];

export const PROGRESS_INDEX = 0;
export const PROGRESS_STARTED = 1;
