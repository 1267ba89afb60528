import { compileNode, createEnv } from './engine/compile.js';
import { type CompiledNode, type CpuExecutor, inThreadExecutor, runNode } from './engine/node.js';
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
    const timeoutMs = opts.timeoutMs ?? this.spec.timeoutMs;
    const items = samples.map((sample) => ({ sample, timeoutMs }));
    try {
      return await runNode(this.root, items, {
        seed: opts.seed ?? this.spec.seed,
        cpu: this.runtime.cpu,
        env: this.runtime.env,
        ...(opts.step !== undefined && { step: opts.step }),
        ...(opts.signal !== undefined && { signal: opts.signal }),
      });
    } catch (err) {
      // A bug in a combinator must not take the batch down: every sample reports it.
      const reason = `internal error: ${errorMessage(err)}`;
      return samples.map(() => failure(this.root.name, 'error', reason));
    }
  }
}
