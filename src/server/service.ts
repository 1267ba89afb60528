import { randomUUID } from 'node:crypto';
import { componentPaths } from '../core/components.js';
import { nestingError } from '../core/depth.js';
import {
  addTimings,
  allocEncoded,
  copyEncoded,
  decodeResults,
  type EncodedResults,
  encodeResults,
} from '../core/encoded.js';
import type { TextSpec } from '../core/pool/task.js';
import { errorMessage } from '../core/result.js';
import type { Runtime, Scorer } from '../core/scorer.js';
import type { OnErrorPolicy, RewardResult, Sample } from '../core/types.js';
import type { RunStore } from '../store/run-store.js';
import type { BatchHead } from '../store/schema.js';
import { Admission } from './admission.js';
import { Auditor } from './audit.js';
import { isDeterministic, ResultCache } from './cache.js';
import { HttpError } from './http-error.js';
import { failedCount, ServerMetrics } from './metrics.js';
import type { FinishedScore, ScoreBodyMeta } from './offload/read-score-body.js';
import { scanBody } from './offload/scan-body.js';
import { invalidResult, type ScoreHeaders, scoreResponse } from './request.js';

export interface ServiceOptions {
  /** Samples admitted at once (running or queued for the pool); beyond it requests get 429. */
  maxPendingSamples?: number;
  /** Results kept by the content-addressed cache (deterministic specs only); 0 turns it off. */
  cacheEntries?: number;
  store?: RunStore;
  /** Run id recorded in the store for requests that do not name one. */
  run?: string;
  /** A stricter spec re-scoring a seeded share (`rate`, default 2%) of samples, recorded in the store. */
  audit?: { scorer: Scorer; rate?: number | undefined } | undefined;
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

const here = new URL(import.meta.url);
/** The module workers read `/v1/score` bodies with (TypeScript when running from source). */
const BODY_READER = new URL(`./offload/read-score-body.${here.pathname.endsWith('.ts') ? 'ts' : 'js'}`, here)
  .href;

interface LoadedScorer {
  scorer: Scorer;
  /** The component names every result of the spec reports (`componentPaths`), for trainers' logs. */
  components: string[];
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
  /** Re-scores a share of samples with the audit spec; needs the store. */
  readonly auditor: Auditor | undefined;
  /**
   * Specs a worker may score straight from a request body: CPU work throughout, and not served from the
   * cache (whose keys are made here, from parsed samples). Undefined when there is none.
   */
  private readonly bodySpecs: Record<string, TextSpec & { name: string }> | undefined;
  /** Requests whose body the workers read and scored (the rest took the ordinary path). */
  bodiesScoredInWorkers = 0;

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
      this.specs.set(name, {
        scorer,
        components: componentPaths(scorer.root),
        ...(cacheKey !== undefined && { cacheKey }),
      });
    }
    this.defaultSpec = scorers[0]!.spec.name;
    this.admission = new Admission(opts.maxPendingSamples ?? 20_000);
    this.cache = new ResultCache(opts.cacheEntries ?? 100_000);
    this.store = opts.store;
    this.auditor =
      opts.audit && opts.store
        ? new Auditor(opts.audit.scorer, opts.store, opts.audit.rate, opts.audit.scorer.spec.seed)
        : undefined;
    const bodySpecs = [...this.specs.values()].filter(
      ({ scorer, cacheKey }) => scorer.root.cpu && (cacheKey === undefined || this.cache.maxEntries <= 0),
    );
    this.bodySpecs =
      runtime.pool && bodySpecs.length > 0
        ? Object.fromEntries(
            bodySpecs.map(({ scorer }) => [
              scorer.spec.name,
              {
                node: JSON.stringify(scorer.root.spec),
                name: scorer.root.name,
                timeoutMs: scorer.spec.timeoutMs,
                seed: scorer.spec.seed,
              },
            ]),
          )
        : undefined;
    this.run =
      opts.run ?? `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
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
          healthy: this.store.healthy,
        },
    });
  }

  /** Record the run in the store: once the server listens, so a server that failed to start leaves no row. */
  startRun(): void {
    this.store?.startRun(this.run, { specs: [...this.specs.keys()], pid: process.pid });
  }

  scorerFor(name: string | undefined): LoadedScorer {
    const loaded = this.specs.get(name ?? this.defaultSpec);
    if (!loaded)
      throw new HttpError(400, `spec: no spec named "${name}"; loaded: ${[...this.specs.keys()].join(', ')}`);
    return loaded;
  }

  /**
   * Count the failed samples a numeric onError policy reports as a number (verl and OpenRLHF cannot take
   * null, so their adapters default to 0), and say so in the log: a failure must stay visible.
   */
  noteScoredFailures(
    route: string,
    spec: string,
    policy: OnErrorPolicy,
    failed: number,
    warn: (message: string) => void,
  ): void {
    if (failed === 0 || policy === 'null' || policy === 'drop') return;
    this.metrics.failuresScored.inc({ route, spec }, failed);
    warn(
      `${failed} failed sample(s) of spec "${spec}" reported as ${policy === 'zero' ? 0 : policy} (onError); status kept, counted in assay_failures_scored_total`,
    );
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
      const results = await this.scoreNestedApart(scorer, cacheKey, req);
      this.record(scorer.spec.name, results, req, performance.now() - started);
      this.auditor?.audit(req.run ?? this.run, req.step, req.samples, (i) => JSON.parse(results.json[i]!));
      return results;
    } finally {
      release();
    }
  }

  /**
   * Score a `/v1/score` body in the workers, which parse and check it themselves, and return the response
   * body: this thread only counts its samples (for the bounded queue) and, when the workers shared the
   * batch, joins their results. Undefined when the body must take the ordinary path: no spec qualifies,
   * the body is not a well-formed request (the ordinary path then words the 400), or it names a spec
   * that does not qualify.
   */
  async scoreBody(
    text: string,
    headers: ScoreHeaders,
    warn: (message: string) => void,
  ): Promise<string | undefined> {
    const pool = this.runtime.pool;
    // Audits need the samples as objects on this thread: with an audit spec, bodies take the ordinary path.
    if (!pool || !this.bodySpecs || this.auditor) return undefined;
    const scan = scanBody(text);
    if (!scan || scan.count === 0) return undefined;
    // A spec the workers do not take must not wait in their queue only to be given back.
    if (scan.spec === null || !Object.hasOwn(this.bodySpecs, scan.spec ?? this.defaultSpec)) return undefined;
    const { count } = scan;
    const release = this.enter(count);
    const started = performance.now();
    try {
      let done: Awaited<ReturnType<typeof pool.runText>>;
      try {
        done = await pool.runText({
          text,
          count,
          reader: BODY_READER,
          hints: { ...headers },
          specs: this.bodySpecs,
          defaultSpec: this.defaultSpec,
        });
      } catch (err) {
        // Not the request's fault: serve it the ordinary way, and say so in the log.
        warn(`reading the body in a worker failed (${errorMessage(err)}); scored on the ordinary path`);
        return undefined;
      }
      if (!done) return undefined;
      const meta = done.meta as ScoreBodyMeta;
      this.bodiesScoredInWorkers++;
      const req = { run: meta.run, step: meta.step, route: 'score' };
      const latencyMs = performance.now() - started;
      if ('finished' in done) {
        const finished = done.finished as FinishedScore;
        this.metrics.observeResults(done.spec, finished);
        this.noteScoredFailures(
          'score',
          done.spec,
          meta.policy,
          failedCount(finished.status) + meta.invalid.length,
          warn,
        );
        this.store?.recordJoined(this.headOf(done.spec, req, latencyMs), finished.n, finished.records);
        return finished.body;
      }
      this.record(done.spec, done.results, req, latencyMs);
      this.noteScoredFailures(
        'score',
        done.spec,
        meta.policy,
        failedCount(done.results.status) + meta.invalid.length,
        warn,
      );
      const total = done.indices.length + meta.invalid.length;
      return scoreResponse(done.spec, done.indices, meta.invalid, done.results, meta.policy, total);
    } finally {
      release();
    }
  }

  private record(
    spec: string,
    results: EncodedResults,
    req: Pick<ScoreRequest, 'run' | 'step' | 'route'>,
    latencyMs: number,
  ): void {
    this.metrics.observeResults(spec, results);
    this.store?.recordBatch(this.headOf(spec, req, latencyMs), results.records);
  }

  private headOf(
    spec: string,
    req: Pick<ScoreRequest, 'run' | 'step' | 'route'>,
    latencyMs: number,
  ): BatchHead {
    return [req.run ?? this.run, req.step ?? null, spec, req.route, latencyMs];
  }

  /** `score`, with the results as objects (for routes that compute with them). */
  async scoreResults(req: ScoreRequest): Promise<RewardResult[]> {
    return decodeResults(await this.score(req));
  }

  /**
   * `scoreCached`, with samples nested too deep for the recursive walks ahead (cache key, worker transfer)
   * reported as invalid in their place: routes that build samples themselves (OpenRLHF's labels) reach here
   * without `parseSample`, which refuses them elsewhere.
   */
  private async scoreNestedApart(
    scorer: Scorer,
    cacheKey: string | undefined,
    req: ScoreRequest,
  ): Promise<EncodedResults> {
    const errors = req.samples.map((s) => nestingError(s));
    if (errors.every((e) => e === undefined)) return this.scoreCached(scorer, cacheKey, req);
    const keep = errors.flatMap((e, i) => (e === undefined ? [i] : []));
    const fresh =
      keep.length > 0
        ? await this.scoreCached(scorer, cacheKey, { ...req, samples: keep.map((i) => req.samples[i]!) })
        : undefined;
    const out = allocEncoded(req.samples.length);
    keep.forEach((at, j) => {
      copyEncoded(out, at, fresh!, j);
    });
    errors.forEach((e, i) => {
      if (e !== undefined) copyEncoded(out, i, encodeResults([invalidResult([e])], [req.samples[i]!]), 0);
    });
    if (fresh) addTimings(out, fresh);
    return out;
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
    const out = allocEncoded(n);
    out.clean.fill(1);
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
        copyEncoded(out, at, fresh, j);
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
    await this.auditor?.drain();
    await this.store?.close();
    await this.runtime.close();
  }
}
