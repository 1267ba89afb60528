import { randomUUID } from 'node:crypto';
import { decodeResults, type EncodedResults, encodeResults } from '../core/encoded.js';
import type { Runtime, Scorer } from '../core/scorer.js';
import type { RewardResult, Sample } from '../core/types.js';
import type { RunStore } from '../store/run-store.js';
import { Admission } from './admission.js';
import { isDeterministic, ResultCache } from './cache.js';
import { ServerMetrics } from './metrics.js';

export interface ServiceOptions {
  /** Samples admitted at once (running or queued for the pool); beyond it requests get 429. */
  maxPendingSamples?: number;
  /** Results kept by the content-addressed cache (deterministic specs only); 0 turns it off. */
  cacheEntries?: number;
  store?: RunStore;
  /** Run id recorded in the store for requests that do not name one. */
  run?: string;
}

export interface ScoreRequest {
  spec?: string | undefined;
  samples: Sample[];
  step?: number | undefined;
  timeoutMs?: number | undefined;
  run?: string | undefined;
  route: string;
  signal?: AbortSignal;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface LoadedScorer {
  scorer: Scorer;
  /** Set when every part is deterministic, so results may come from the cache. */
  cacheKey?: string;
}

/**
 * What every route calls: picks the spec, applies the bounded queue, serves deterministic results from the
 * cache, scores the rest through the core `Scorer`, and records results in the metrics and the run store.
 */
export class ScoringService {
  readonly specs = new Map<string, LoadedScorer>();
  readonly defaultSpec: string;
  readonly admission: Admission;
  readonly cache: ResultCache;
  readonly metrics: ServerMetrics;
  readonly store: RunStore | undefined;
  readonly run: string;

  constructor(
    readonly runtime: Runtime,
    scorers: Scorer[],
    opts: ServiceOptions = {},
  ) {
    if (scorers.length === 0) throw new Error('at least one spec is required');
    for (const scorer of scorers) {
      const name = scorer.spec.name;
      if (this.specs.has(name))
        throw new Error(`two specs are named "${name}"; give one a different "name:"`);
      const cacheKey = isDeterministic(scorer.spec.rawReward)
        ? JSON.stringify([name, scorer.spec.rawReward, scorer.spec.seed])
        : undefined;
      this.specs.set(name, { scorer, ...(cacheKey !== undefined && { cacheKey }) });
    }
    this.defaultSpec = scorers[0]!.spec.name;
    this.admission = new Admission(opts.maxPendingSamples ?? 20_000);
    this.cache = new ResultCache(opts.cacheEntries ?? 100_000);
    this.store = opts.store;
    this.run =
      opts.run ?? `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    this.store?.startRun(this.run, { specs: [...this.specs.keys()], pid: process.pid });
    this.metrics = new ServerMetrics({
      queueDepth: () => this.admission.pending,
      inFlight: () => this.admission.inFlight,
      pool: () => runtime.pool?.stats(),
      cache: () => ({ hits: this.cache.hits, misses: this.cache.misses, size: this.cache.size }),
      store: () =>
        this.store && {
          pending: this.store.pending,
          written: this.store.written,
          dropped: this.store.dropped,
          failed: this.store.failed,
        },
    });
  }

  scorerFor(name: string | undefined): LoadedScorer {
    const loaded = this.specs.get(name ?? this.defaultSpec);
    if (!loaded)
      throw new HttpError(400, `spec: no spec named "${name}"; loaded: ${[...this.specs.keys()].join(', ')}`);
    return loaded;
  }

  /** Take room for `n` items of work in the bounded queue, or throw 429; call the returned function when done. */
  enter(n: number): () => void {
    if (!this.admission.tryEnter(n)) {
      this.metrics.rejected.inc();
      throw new HttpError(429, `queue full (${this.admission.pending} samples pending); retry later`, {
        'retry-after': '1',
      });
    }
    return () => this.admission.leave(n);
  }

  /**
   * Results in the order of `req.samples`, encoded (src/core/encoded.ts), recorded in the metrics and the
   * run store. Throws HttpError 429 when the queue is full.
   */
  async score(req: ScoreRequest): Promise<EncodedResults> {
    const { scorer, cacheKey } = this.scorerFor(req.spec);
    const n = req.samples.length;
    if (n === 0) return encodeResults([], []);
    const release = this.enter(n);
    const started = performance.now();
    try {
      const results = await this.scoreCached(scorer, cacheKey, req);
      const latencyMs = performance.now() - started;
      this.metrics.observeResults(scorer.spec.name, results);
      this.store?.recordBatch(
        [req.run ?? this.run, req.step ?? null, scorer.spec.name, req.route, latencyMs],
        results.records,
      );
      return results;
    } finally {
      release();
    }
  }

  /** `score`, with the results as objects (for routes that compute with them). */
  async scoreResults(req: ScoreRequest): Promise<RewardResult[]> {
    return decodeResults(await this.score(req));
  }

  private async scoreCached(
    scorer: Scorer,
    cacheKey: string | undefined,
    req: ScoreRequest,
  ): Promise<EncodedResults> {
    const opts = {
      ...(req.step !== undefined && { step: req.step }),
      ...(req.timeoutMs !== undefined && { timeoutMs: req.timeoutMs }),
      ...(req.signal !== undefined && { signal: req.signal }),
    };
    if (cacheKey === undefined || this.cache.maxEntries <= 0) return scorer.scoreEncoded(req.samples, opts);
    const n = req.samples.length;
    const keys = req.samples.map((s) => this.cache.key(cacheKey, s, req.step));
    const hits = keys.map((k) => this.cache.get(k));
    const missing = hits.flatMap((r, i) => (r === undefined ? [i] : []));
    if (missing.length === n) {
      const fresh = await scorer.scoreEncoded(req.samples, opts);
      for (const [i, key] of keys.entries()) this.remember(key, fresh, i);
      return fresh;
    }
    // Cache hits carry no reward timings: they took no reward time.
    const out: EncodedResults = {
      json: new Array(n),
      status: new Uint8Array(n),
      records: new Array(n),
      clean: new Uint8Array(n).fill(1),
      timings: {},
    };
    hits.forEach((hit, i) => {
      if (hit === undefined) return;
      out.json[i] = hit.json;
      out.status[i] = hit.status;
      out.records[i] = hit.record;
    });
    if (missing.length > 0) {
      const fresh = await scorer.scoreEncoded(
        missing.map((i) => req.samples[i]!),
        opts,
      );
      missing.forEach((at, j) => {
        out.json[at] = fresh.json[j]!;
        out.status[at] = fresh.status[j]!;
        out.records[at] = fresh.records[j]!;
        out.clean[at] = fresh.clean[j]!;
        this.remember(keys[at]!, fresh, j);
      });
      out.timings = fresh.timings;
    }
    return out;
  }

  private remember(key: string, results: EncodedResults, i: number): void {
    if (results.clean[i] !== 1) return;
    this.cache.set(key, { json: results.json[i]!, status: results.status[i]!, record: results.records[i]! });
  }

  async close(): Promise<void> {
    await this.store?.close();
    await this.runtime.close();
  }
}
