import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { CompiledNode, CpuExecutor, Item, RunContext } from '../engine/node.js';
import { errorMessage, failure } from '../result.js';
import type { RewardResult } from '../types.js';
import { type ChunkTask, PROGRESS_INDEX, PROGRESS_STARTED } from './task.js';

export interface CpuPoolOptions {
  threads?: number;
  /** Plugin modules every worker imports before scoring. */
  plugins?: string[];
  /** Heap cap per worker: a reward that allocates without bound ends its worker, not the process. */
  maxHeapMb?: number;
  /** Samples per message to a worker; default adapts to the batch. */
  chunkSize?: number;
}

interface ActiveChunk {
  progress: Float64Array;
  deadlines: number[];
  controller: AbortController;
}

class ChunkTimeout extends Error {
  constructor(readonly index: number) {
    super(`chunk item ${index} passed its deadline`);
  }
}

const WATCHDOG_MS = 10;
const MAX_CHUNK = 256;

const here = new URL(import.meta.url);
const fromSource = here.pathname.endsWith('.ts');

/**
 * The worker-thread pool for CPU-bound rewards (piscina). Samples travel in chunks (one message per chunk
 * keeps cheap rewards at tens of thousands per second); each sample still has its own deadline: the worker
 * publishes which sample it is on, and a watchdog that sees one run past its deadline aborts the chunk,
 * which makes piscina terminate and replace the worker. That sample is reported `timeout`, the rest of the
 * chunk is resubmitted. Chunking and the watchdog are ours because piscina only knows whole-task aborts.
 */
export class CpuPool implements CpuExecutor {
  readonly piscina: Piscina;
  private readonly active = new Set<ActiveChunk>();
  private watchdog: NodeJS.Timeout | undefined;
  private readonly chunkSize: number | undefined;
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
    // A worker killed by the watchdog or by its heap cap surfaces as a rejected task, handled per chunk.
    this.piscina.on('error', () => {});
  }

  get threads(): number {
    return this.piscina.threads.length;
  }

  async run(node: CompiledNode, items: Item[], ctx: RunContext): Promise<RewardResult[]> {
    const spec = JSON.stringify(node.spec);
    const size = this.chunkSize ?? Math.min(MAX_CHUNK, Math.max(1, Math.ceil(items.length / (this.piscina.options.maxThreads * 4))));
    const chunks: Promise<RewardResult[]>[] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(this.runChunk(node.name, spec, items.slice(i, i + size), ctx));
    return (await Promise.all(chunks)).flat();
  }

  private async runChunk(name: string, spec: string, items: Item[], ctx: RunContext): Promise<RewardResult[]> {
    if (items.length === 0) return [];
    const progress = new Float64Array(new SharedArrayBuffer(16));
    progress[PROGRESS_INDEX] = -1;
    const chunk: ActiveChunk = { progress, deadlines: items.map((it) => it.deadline), controller: new AbortController() };
    const task: ChunkTask = {
      spec,
      samples: items.map((it) => it.sample),
      deadlines: chunk.deadlines,
      seed: ctx.seed,
      progress: progress.buffer as SharedArrayBuffer,
      ...(ctx.step !== undefined && { step: ctx.step }),
    };
    this.track(chunk);
    try {
      return (await this.piscina.run(task, { signal: chunk.controller.signal })) as RewardResult[];
    } catch (err) {
      const reason = chunk.controller.signal.reason;
      const index = progress[PROGRESS_INDEX]!;
      if (reason instanceof ChunkTimeout || index >= 0) {
        this.terminatedWorkers++;
        const at = reason instanceof ChunkTimeout ? reason.index : index;
        const culprit =
          reason instanceof ChunkTimeout
            ? failure(name, 'timeout', `deadline passed; worker terminated after ${Math.round(Date.now() - progress[PROGRESS_STARTED]!)} ms`)
            : failure(name, 'error', `worker crashed: ${describeCrash(err)}`);
        const [before, after] = await Promise.all([
          this.runChunk(name, spec, items.slice(0, at), ctx),
          this.runChunk(name, spec, items.slice(at + 1), ctx),
        ]);
        return [...before, culprit, ...after];
      }
      // Failed before scoring any sample (spec could not be compiled in the worker): every sample errs.
      const message = `could not run in a worker: ${errorMessage(err)}`;
      return items.map(() => failure(name, 'error', message));
    } finally {
      this.untrack(chunk);
    }
  }

  private track(chunk: ActiveChunk): void {
    this.active.add(chunk);
    if (!this.watchdog) {
      this.watchdog = setInterval(() => this.checkDeadlines(), WATCHDOG_MS);
      this.watchdog.unref();
    }
  }

  private untrack(chunk: ActiveChunk): void {
    this.active.delete(chunk);
    if (this.active.size === 0 && this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
  }

  private checkDeadlines(): void {
    const now = Date.now();
    for (const chunk of this.active) {
      const index = chunk.progress[PROGRESS_INDEX]!;
      const started = chunk.progress[PROGRESS_STARTED]!;
      if (index >= 0 && started > 0 && now > chunk.deadlines[index]! && !chunk.controller.signal.aborted) {
        chunk.controller.abort(new ChunkTimeout(index));
      }
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

function describeCrash(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'out of memory (heap cap reached)';
  return errorMessage(err);
}
