import { addTimings, allocEncoded, copyEncoded, type EncodedResults, encodeResults } from '../encoded.js';
import type { RewardResult, Sample } from '../types.js';
import { endedSample, SampleTimeout } from './failures.js';
import { PROGRESS_BYTES, type TextPart, type TextSpec, type TextTask } from './task.js';

/** A batch given as text (a request body): see `TextTask` in task.ts. */
export interface TextBatch {
  text: string;
  /** Entries in the batch, as the caller counted them. */
  count: number;
  /** URL of the module that reads the text in a worker (exports `read`, a `TextReader`). */
  reader: string;
  hints: Record<string, unknown>;
  /** CPU specs the text may name; `name` is the root reward's name, for failures made here. */
  specs: Record<string, TextSpec & { name: string }>;
  defaultSpec: string;
}

export type TextBatchResults = {
  spec: string;
  /** The reader's `meta`, as it returned it. */
  meta: unknown;
  /** The entries that have a result, ascending. */
  indices: number[];
} & (
  | {
      /** The results of `indices`, in the same order. */
      results: EncodedResults;
    }
  | {
      /** What the reader's `finish` made of the whole batch, in the one worker that scored all of it. */
      finished: unknown;
    }
);

/** Something the pool's watchdog looks at every tick. */
export interface Watched {
  watch(now: number): void;
}

/** What a text batch needs from the pool that runs it. */
export interface PoolAccess {
  threads: number;
  /** Tasks now running or waiting in the pool. */
  busy(): number;
  /** Run a task, counted as busy while it runs. */
  run<T>(task: unknown, signal: AbortSignal): Promise<T>;
  /** Have the watchdog look at `w` until the returned function is called. */
  watch(w: Watched): () => void;
  terminated(): void;
}

/** Fewest entries worth a worker reading the whole text for. */
const MIN_ENTRIES_PER_WORKER = 32;
/** Bytes of text copies a batch may have in workers at once (apart from replacements of ended workers). */
const TEXT_COPIES_BYTES = 64 * 2 ** 20;
/** A sample running longer than this brings another worker in for the unclaimed entries. */
const HELP_AFTER_MS = 20;

/**
 * Score a text batch in the pool. Idle workers join in (each reads the text; all claim from one
 * counter), and a sample that runs long brings in another worker, so one request uses the pool like a
 * chunked batch without this thread ever building its samples. Deadlines are kept as for chunks: the
 * watchdog aborts a worker whose sample passes its budget, which ends that worker; the sample is
 * reported `timeout` (a crash: `error`), and the entries the worker had finished are scored again.
 * Undefined when the workers give the batch back (the text cannot be read there): the caller then
 * takes its ordinary path. Rejects when a worker fails outside any sample, which is a bug or a broken
 * installation rather than anything the input did.
 */
export async function runTextBatch(
  pool: PoolAccess,
  batch: TextBatch,
): Promise<TextBatchResults | undefined> {
  const { count } = batch;
  if (count === 0) return undefined;
  const control = new SharedArrayBuffer(4);
  const next = new Int32Array(control);
  const parts: TextPart[] = [];
  const failed = new Map<number, RewardResult>();
  const echoed = new Map<number, Sample>();
  const running = new Set<Promise<void>>();
  let gaveBack = false;
  let failedOutside: { err: unknown } | undefined;
  /** Workers started to claim entries (not counting replacements of ended ones). */
  let claimers = 0;
  // Each worker holds its own copy of the text: a very large one gets fewer workers at once.
  const copies = Math.max(1, Math.floor(TEXT_COPIES_BYTES / Math.max(1, batch.text.length)));
  const maxClaimers = Math.min(pool.threads, copies);
  const specs = Object.fromEntries(
    Object.entries(batch.specs).map(([k, { node, timeoutMs, seed }]) => [k, { node, timeoutMs, seed }]),
  );

  const spawn = (only?: number[], echo?: number[]) => {
    const progress = new SharedArrayBuffer(PROGRESS_BYTES);
    const view = new Float64Array(progress);
    view[0] = -1;
    const controller = new AbortController();
    const task: TextTask = {
      kind: 'text',
      text: batch.text,
      count,
      reader: batch.reader,
      hints: batch.hints,
      specs,
      defaultSpec: batch.defaultSpec,
      control,
      progress,
      ...(only && { only }),
      ...(echo && { echo }),
    };
    const untrack = pool.watch({
      watch(now) {
        const started = view[1]!;
        if (started === 0 || controller.signal.aborted) return;
        if (now - started > HELP_AFTER_MS && claimers < maxClaimers && Atomics.load(next, 0) < count) {
          claimers++;
          spawn();
        }
        if (now - started > view[2]!) controller.abort(new SampleTimeout(view[0]!));
      },
    });
    const done = pool.run<TextPart | null>(task, controller.signal).then(
      (part) => {
        if (part === null) {
          gaveBack = true;
          return;
        }
        parts.push(part);
        (echo ?? []).forEach((index, j) => {
          echoed.set(index, part.echoed[j]!);
        });
      },
      (err: unknown) => {
        const index = view[0]!;
        // Ended outside a sample (the reader failed to load, say): nothing to blame, so the batch fails.
        if (view[1] === 0 || index < 0) {
          failedOutside ??= { err };
          return;
        }
        pool.terminated();
        failed.set(index, endedSample('', controller.signal.reason, err, view[2]!));
        if (Atomics.load(next, 0) < count) spawn();
      },
    );
    const tracked = done.finally(() => {
      untrack();
      running.delete(tracked);
    });
    running.add(tracked);
  };

  const idle = pool.threads - pool.busy();
  claimers = Math.max(1, Math.min(idle, maxClaimers, Math.ceil(count / MIN_ENTRIES_PER_WORKER)));
  for (let i = 0; i < claimers; i++) spawn();
  for (;;) {
    while (running.size > 0) await Promise.race(running);
    if (failedOutside) throw failedOutside.err;
    if (gaveBack) return undefined;
    // Entries claimed by a worker that then ended were lost with it (all but the one it ended on).
    const covered = new Uint8Array(count);
    for (const part of parts) {
      for (const i of part.indices) covered[i] = 1;
      for (const i of part.absent) covered[i] = 1;
    }
    for (const i of failed.keys()) covered[i] = 1;
    const missing: number[] = [];
    covered.forEach((c, i) => {
      if (c === 0) missing.push(i);
    });
    const echo = [...failed.keys()].filter((i) => !echoed.has(i));
    if (missing.length === 0 && echo.length === 0 && parts.length > 0) break;
    spawn(missing, echo);
  }
  return merge(batch, parts, failed, echoed);
}

/** All parts' results, and the failures made here, in entry order. */
function merge(
  batch: TextBatch,
  parts: TextPart[],
  failed: Map<number, RewardResult>,
  echoed: Map<number, Sample>,
): TextBatchResults {
  // The common case: one worker scored every entry (helpers that joined found none left), so no failure
  // was made here and its results are in entry order, finished by the reader or as they are.
  const whole = parts.find((p) => p.indices.length + p.absent.length === batch.count);
  if (whole) {
    const { spec, meta, indices } = whole;
    return 'finished' in whole
      ? { spec, meta, indices, finished: whole.finished }
      : { spec, meta, indices, results: whole.results };
  }
  const { spec, meta } = parts[0]!;
  const name = batch.specs[spec]?.name ?? spec;
  const from: [EncodedResults, number][] = new Array(batch.count);
  for (const part of parts) {
    // Only a part that holds every entry is finished, and that was handled above.
    if (!('results' in part)) throw new Error('a finished part of a text batch that others took part in');
    part.indices.forEach((index, j) => {
      from[index] = [part.results, j];
    });
  }
  for (const [index, result] of failed) {
    from[index] = [encodeResults([{ ...result, name }], [echoed.get(index)!]), 0];
  }
  const indices: number[] = [];
  from.forEach((_, index) => {
    indices.push(index); // forEach skips the holes: entries with no result (invalid ones)
  });
  const results = allocEncoded(indices.length);
  indices.forEach((index, k) => {
    const [source, j] = from[index]!;
    copyEncoded(results, k, source, j);
  });
  for (const part of parts) if ('results' in part) addTimings(results, part.results);
  return { spec, meta, indices, results };
}
