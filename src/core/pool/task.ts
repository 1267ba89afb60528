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

/**
 * A batch whose samples a worker reads itself from text (a request body), so the thread that received
 * the text never builds them. Several workers may take part in one batch: each reads the whole text and
 * they claim samples from the shared counter in `control`, so an idle worker helps and a slow sample
 * holds up only the worker it runs on.
 */
export interface TextTask {
  kind: 'text';
  text: string;
  /** Entries expected in the batch (counted by the caller); a reader that finds another number gives the batch back. */
  count: number;
  /** URL of a `TextReaderModule`: its `read` turns the text into samples. */
  reader: string;
  /** What the caller already knows that the text may not say (header values, for a server). */
  hints: Record<string, unknown>;
  /** The specs the batch may name, by name, and the one used when it names none. */
  specs: Record<string, TextSpec>;
  defaultSpec: string;
  /** Int32 [next unclaimed entry], shared by every worker of the batch. */
  control: SharedArrayBuffer;
  /** This worker's Float64 [entry in progress, Date.now() when it started, its budget in ms]. */
  progress: SharedArrayBuffer;
  /** Entries to score before claiming (lost when a worker of the batch ended). */
  only?: number[];
  /** Entries whose samples to send back (for results made on the caller's thread). */
  echo?: number[];
}

export interface TextSpec {
  /** The CPU subtree as JSON text, as in `ChunkTask.spec`. */
  node: string;
  timeoutMs: number;
  seed: number;
}

/** What a reader makes of the text: a sample per entry (undefined where the entry is invalid). */
export interface TextRead {
  spec?: string | undefined;
  samples: (Sample | undefined)[];
  step?: number | undefined;
  timeoutMs?: number | undefined;
  /** Anything else the caller needs back, untouched (a server: the invalid entries, the onError policy…). */
  meta?: unknown;
}

/** Returns undefined when the text cannot be read here; the caller then handles it another way. */
export type TextReader = (text: string, hints: Record<string, unknown>) => TextRead | undefined;

/**
 * Makes, in the worker, what the caller sends on from the results of a batch that this worker scored
 * whole (`results[i]` is that of entry `indices[i]`: every valid entry, in entry order): a server's
 * response body and store rows, say. The caller's thread then receives one finished value instead of a
 * result per sample to join, and nothing is encoded twice.
 */
export type TextFinisher = (
  read: TextRead,
  spec: string,
  indices: readonly number[],
  results: RewardResult[],
) => unknown;

/** What the module named by `TextTask.reader` exports. */
export interface TextReaderModule {
  read: TextReader;
  finish?: TextFinisher;
}

/**
 * One worker's part of a text batch: which entries it scored, in claim order, and either their results
 * or, when it scored every entry and the reader finishes batches, the finished batch.
 */
export type TextPart = {
  spec: string;
  meta: unknown;
  indices: number[];
  /** Entries with no sample (invalid), which nobody scores. */
  absent: number[];
  /** The samples asked for by `echo`, in its order. */
  echoed: Sample[];
} & ({ results: EncodedResults } | { finished: unknown });

export const PROGRESS_BYTES = 24;
