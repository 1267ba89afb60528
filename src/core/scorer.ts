import { type EncodedResults, encodeResults } from './encoded.js';
import { compileNode, createEnv } from './engine/compile.js';
import {
  type CompiledNode,
  type CpuExecutor,
  type Item,
  inThreadExecutor,
  type RunContext,
  runNode,
} from './engine/node.js';
import { CpuPool, type CpuPoolOptions } from './pool/cpu-pool.js';
import { errorMessage, failure } from './result.js';
import type { RewardEnv } from './reward.js';
import type { LoadedSpec } from './spec/load.js';
import type { RewardResult, Sample } from './types.js';

export interface RuntimeOptions extends CpuPoolOptions {
  /** Run CPU rewards in the calling thread, without deadlines: only for benchmarks of the pure cores. */
  inThread?: boolean;
}

/** What every scorer shares: the CPU worker pool and the services rewards create (sandbox pool, judge clients). */
export class Runtime {
  readonly env: RewardEnv;
  readonly cpu: CpuExecutor;
  readonly pool: CpuPool | undefined;
  private readonly services = new Map<string, unknown>();

  constructor(opts: RuntimeOptions = {}) {
    this.pool = opts.inThread ? undefined : new CpuPool(opts);
    this.cpu = this.pool ?? inThreadExecutor;
    this.env = createEnv(this.services, () => this.cpu);
  }

  async close(): Promise<void> {
    await this.pool?.close();
    for (const service of this.services.values()) {
      const closable = service as { close?: () => unknown };
      if (typeof closable?.close === 'function') await closable.close();
    }
  }
}

export interface ScoreOptions {
  /** Per-sample time budget, counted from when the sample's work starts; defaults to the spec's `timeout_ms`. */
  timeoutMs?: number;
  step?: number;
  seed?: number;
  signal?: AbortSignal;
}

/** A spec compiled against a runtime: the one entry point the CLI, the server and library users call. */
export class Scorer {
  readonly root: CompiledNode;

  constructor(
    readonly spec: LoadedSpec,
    readonly runtime: Runtime,
  ) {
    this.root = compileNode(spec.reward, runtime.env);
  }

  /** Results in input order, one per sample; never throws for a sample's sake. */
  async score(samples: Sample[], opts: ScoreOptions = {}): Promise<RewardResult[]> {
    try {
      return await runNode(this.root, this.items(samples, opts), this.context(opts));
    } catch (err) {
      return this.internalError(samples, err);
    }
  }

  /**
   * The same results encoded (src/core/encoded.ts), for a server: a spec that is CPU work throughout is
   * encoded in the worker threads that score it; any other is encoded here.
   */
  async scoreEncoded(samples: Sample[], opts: ScoreOptions = {}): Promise<EncodedResults> {
    const pool = this.runtime.pool;
    if (!pool || !this.root.cpu || samples.length === 0)
      return encodeResults(await this.score(samples, opts), samples);
    try {
      return await pool.runEncoded(this.root, this.items(samples, opts), this.context(opts));
    } catch (err) {
      return encodeResults(this.internalError(samples, err), samples);
    }
  }

  private items(samples: Sample[], opts: ScoreOptions): Item[] {
    const timeoutMs = opts.timeoutMs ?? this.spec.timeoutMs;
    return samples.map((sample) => ({ sample, timeoutMs }));
  }

  private context(opts: ScoreOptions): RunContext {
    return {
      seed: opts.seed ?? this.spec.seed,
      cpu: this.runtime.cpu,
      env: this.runtime.env,
      ...(opts.step !== undefined && { step: opts.step }),
      ...(opts.signal !== undefined && { signal: opts.signal }),
    };
  }

  /** A bug in a combinator must not take the batch down: every sample reports it. */
  private internalError(samples: Sample[], err: unknown): RewardResult[] {
    const reason = `internal error: ${errorMessage(err)}`;
    return samples.map(() => failure(this.root.name, 'error', reason));
  }
}
