import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { concatEncoded, type EncodedResults, encodeResults, meanMs } from '../encoded.js';
import type { CompiledNode, CpuExecutor, Item, RunContext } from '../engine/node.js';
import { errorMessage, failure } from '../result.js';
import type { RewardResult } from '../types.js';
import { endedSample, SampleTimeout } from './failures.js';
import { type ChunkTask, CONTROL_BYTES, controlViews } from './task.js';
import {
  type PoolAccess,
  runTextBatch,
  type TextBatch,
  type TextBatchResults,
  type Watched,
} from './text-batch.js';

export interface CpuPoolOptions {
  threads?: number;
  /** Plugin modules every worker imports before scoring. */
  plugins?: string[];
  /** Heap cap per worker: a reward that allocates without bound ends its worker, not the process. */
  maxHeapMb?: number;
  /** Most samples per message to a worker; default adapts to the batch. */
  chunkSize?: number;
}

/** How results come back from workers: as objects, or encoded for a server (src/core/encoded.ts). */
interface ResultForm<R> {
  encode: boolean;
  concat(parts: R[]): R;
  /** Results made on this thread (failures) in this form. */
  from(results: RewardResult[], items: Item[]): R;
  meanMs(results: R, name: string): number | undefined;
}

const OBJECTS: ResultForm<RewardResult[]> = {
  encode: false,
  concat: (parts) => parts.flat(),
  from: (results) => results,
  meanMs(results) {
    let total = 0;
    let counted = 0;
    for (const r of results) {
      if (r.ms === undefined) continue;
      total += r.ms;
      counted++;
    }
    return counted === 0 ? undefined : total / counted;
  },
};

const ENCODED: ResultForm<EncodedResults> = {
  encode: true,
  concat: concatEncoded,
  from: (results, items) =>
    encodeResults(
      results,
      items.map((it) => it.sample),
    ),
  meanMs,
};

interface ActiveChunk<R = unknown> {
  form: ResultForm<R>;
  name: string;
  spec: string;
  ctx: RunContext;
  items: Item[];
  budgets: number[];
  next: Int32Array;
  progress: Float64Array;
  controller: AbortController;
  /** The unclaimed tail taken to another worker, if any, and where it starts. */
  stolen?: Promise<R>;
  stolenFrom?: number;
}

const WATCHDOG_MS = 10;
/** A sample running longer than this lets the samples queued behind it move to another worker. */
const STEAL_AFTER_MS = 20;
const MAX_CHUNK = 256;
/** Work per chunk worth one message round trip (about 20 µs each way), once a reward's cost is known. */
const CHUNK_TARGET_MS = 2;

const here = new URL(import.meta.url);
const fromSource = here.pathname.endsWith('.ts');

/**
 * The worker-thread pool for CPU-bound rewards (piscina). Samples travel in chunks: one message per chunk
 * keeps cheap rewards at tens of thousands per second. Each sample still has its own deadline: the worker
 * claims samples one at a time and publishes which one runs since when. A watchdog then
 * - moves the unclaimed rest of a chunk to another worker when one sample is slow (work stealing), and
 * - aborts the chunk when a sample passes its deadline, which makes piscina terminate and replace the
 *   worker; that sample is reported `timeout` and the samples it had finished are scored again.
 * This is hand-written because piscina only knows whole-task aborts and has no per-item deadlines.
 */
export class CpuPool implements CpuExecutor {
  readonly piscina: Piscina;
  private readonly active = new Set<ActiveChunk>();
  private readonly watched = new Set<Watched>();
  /** Tasks given to piscina and not yet settled. */
  private inFlight = 0;
  /** What text batches use of the pool. */
  private readonly access: PoolAccess;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly chunkSize: number | undefined;
  /** Running mean of the time one sample takes, per reward spec, from the results' `ms`. */
  private readonly sampleMs = new Map<string, number>();
  terminatedWorkers = 0;

  constructor(opts: CpuPoolOptions = {}) {
    const threads = Math.max(1, opts.threads ?? availableParallelism());
    this.chunkSize = opts.chunkSize;
    this.piscina = new Piscina({
      filename: new URL(fromSource ? './worker-dev.mjs' : './worker.js', here).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      workerData: { plugins: opts.plugins ?? [] },
      resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 1024 },
    });
    this.access = {
      threads,
      busy: () => this.inFlight,
      run: (task, signal) => this.dispatch(task, signal),
      watch: (w) => {
        this.watched.add(w);
        this.startWatchdog();
        return () => {
          this.watched.delete(w);
          this.stopWatchdogWhenIdle();
        };
      },
      terminated: () => {
        this.terminatedWorkers++;
      },
    };
    // A worker killed by the watchdog or by its heap cap surfaces as a rejected task, handled per chunk.
    this.piscina.on('error', () => {});
  }

  run(node: CompiledNode, items: Item[], ctx: RunContext): Promise<RewardResult[]> {
    return this.runIn(OBJECTS, node, items, ctx);
  }

  /** Like `run`, with the results encoded in the workers (src/core/encoded.ts). */
  runEncoded(node: CompiledNode, items: Item[], ctx: RunContext): Promise<EncodedResults> {
    return this.runIn(ENCODED, node, items, ctx);
  }

  /**
   * Score a batch that a worker reads from text (src/core/pool/text-batch.ts); undefined when the
   * workers give it back.
   */
  runText(batch: TextBatch): Promise<TextBatchResults | undefined> {
    return runTextBatch(this.access, batch);
  }

  private async dispatch<T>(task: unknown, signal: AbortSignal): Promise<T> {
    this.inFlight++;
    try {
      return (await this.piscina.run(task, { signal })) as T;
    } finally {
      this.inFlight--;
    }
  }

  private async runIn<R>(
    form: ResultForm<R>,
    node: CompiledNode,
    items: Item[],
    ctx: RunContext,
  ): Promise<R> {
    const spec = JSON.stringify(node.spec);
    const size = this.chunkSize ?? this.chunkFor(spec, items.length);
    const chunks: Promise<R>[] = [];
    for (let i = 0; i < items.length; i += size)
      chunks.push(this.runChunk(form, node.name, spec, items.slice(i, i + size), ctx));
    return form.concat(await Promise.all(chunks));
  }

  /**
   * Samples per message: four chunks per thread balance the load, but a cheap reward (microseconds a
   * sample) would then spend more time in messages than in scoring, so once its cost is known a chunk
   * holds about CHUNK_TARGET_MS of work, still split so that every thread gets some.
   */
  private chunkFor(spec: string, n: number): number {
    const threads = this.piscina.options.maxThreads;
    const balanced = Math.ceil(n / (threads * 4));
    const ms = this.sampleMs.get(spec);
    const amortized = ms === undefined ? 1 : Math.ceil(CHUNK_TARGET_MS / Math.max(ms, 1e-3));
    return Math.max(1, Math.min(MAX_CHUNK, Math.ceil(n / threads), Math.max(balanced, amortized)));
  }

  private learnCost(spec: string, mean: number | undefined): void {
    if (mean === undefined) return;
    const before = this.sampleMs.get(spec);
    this.sampleMs.set(spec, before === undefined ? mean : 0.8 * before + 0.2 * mean);
  }

  private async runChunk<R>(
    form: ResultForm<R>,
    name: string,
    spec: string,
    items: Item[],
    ctx: RunContext,
  ): Promise<R> {
    if (items.length === 0) return form.from([], []);
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const { next, progress } = controlViews(control);
    progress[0] = -1;
    const now = Date.now();
    const budgets = items.map((it) =>
      it.deadline !== undefined ? Math.max(0, it.deadline - now) : it.timeoutMs,
    );
    const chunk: ActiveChunk<R> = {
      form,
      name,
      spec,
      ctx,
      items,
      budgets,
      next,
      progress,
      controller: new AbortController(),
    };
    const task: ChunkTask = {
      spec,
      samples: items.map((it) => it.sample),
      budgets,
      seed: ctx.seed,
      control,
      ...(ctx.step !== undefined && { step: ctx.step }),
      ...(form.encode && { encode: true }),
    };
    this.track(chunk);
    try {
      const done = await this.dispatch<R>(task, chunk.controller.signal);
      this.learnCost(spec, form.meanMs(done, name));
      return chunk.stolen ? form.concat([done, await chunk.stolen]) : done;
    } catch (err) {
      const reason = chunk.controller.signal.reason;
      const index = progress[0]!;
      if (index < 0) {
        // Failed before scoring any sample (the spec could not be compiled in the worker): every sample errs.
        const message = `could not run in a worker: ${errorMessage(err)}`;
        return form.from(
          items.map(() => failure(name, 'error', message)),
          items,
        );
      }
      this.terminatedWorkers++;
      const claimed = chunk.stolenFrom ?? Math.min(Atomics.exchange(next, 0, items.length), items.length);
      const culprit = endedSample(name, reason, err, budgets[index]!);
      // Finished samples are scored again (CPU rewards are deterministic); unclaimed ones run elsewhere.
      const [before, after, stolen] = await Promise.all([
        this.runChunk(form, name, spec, items.slice(0, index), ctx),
        this.runChunk(form, name, spec, items.slice(index + 1, claimed), ctx),
        chunk.stolen ?? this.runChunk(form, name, spec, items.slice(claimed), ctx),
      ]);
      return form.concat([before, form.from([culprit], [items[index]!]), after, stolen]);
    } finally {
      this.untrack(chunk);
    }
  }

  private track<R>(chunk: ActiveChunk<R>): void {
    this.active.add(chunk);
    this.startWatchdog();
  }

  private untrack<R>(chunk: ActiveChunk<R>): void {
    this.active.delete(chunk);
    this.stopWatchdogWhenIdle();
  }

  private startWatchdog(): void {
    if (!this.watchdog) {
      this.watchdog = setInterval(() => this.watch(), WATCHDOG_MS);
      this.watchdog.unref();
    }
  }

  private stopWatchdogWhenIdle(): void {
    if (this.active.size === 0 && this.watched.size === 0 && this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
  }

  private watch(): void {
    const now = Date.now();
    for (const w of this.watched) w.watch(now);
    for (const chunk of this.active) {
      const index = chunk.progress[0]!;
      const started = chunk.progress[1]!;
      if (index < 0 || started === 0 || chunk.controller.signal.aborted) continue;
      if (
        !chunk.stolen &&
        now - started > STEAL_AFTER_MS &&
        Atomics.load(chunk.next, 0) < chunk.items.length
      ) {
        const from = Atomics.exchange(chunk.next, 0, chunk.items.length);
        if (from < chunk.items.length) {
          chunk.stolenFrom = from;
          chunk.stolen = this.runChunk(
            chunk.form,
            chunk.name,
            chunk.spec,
            chunk.items.slice(from),
            chunk.ctx,
          );
        }
      }
      if (now - started > chunk.budgets[index]!) chunk.controller.abort(new SampleTimeout(index));
    }
  }

  stats() {
    return {
      threads: this.piscina.threads.length,
      queueSize: this.piscina.queueSize,
      utilization: this.piscina.utilization,
      completed: this.piscina.completed,
      terminatedWorkers: this.terminatedWorkers,
    };
  }

  async close(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    await this.piscina.destroy();
  }
}
