import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { EncodedResults } from '../core/encoded.js';
import { STATUSES } from '../core/types.js';
import { BatchedHistogram } from './batched-histogram.js';

export interface MetricsSources {
  queueDepth(): number;
  inFlight(): number;
  pool(): { utilization: number; queueSize: number; threads: number; terminatedWorkers: number } | undefined;
  cache(): { hits: number; misses: number; size: number };
  store():
    | { pending: number; written: number; dropped: number; failed: number; healthy: boolean }
    | undefined;
}

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The server's Prometheus metrics, in a registry of its own (several servers may share a process in tests). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'assay_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['route', 'code'],
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: 'assay_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['route'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly samples = new Counter({
    name: 'assay_samples_total',
    help: 'Scored samples by spec and result status',
    labelNames: ['spec', 'status'],
    registers: [this.registry],
  });
  readonly rewardSeconds = new BatchedHistogram(
    'assay_reward_duration_seconds',
    'Time spent per reward (top-level result and its direct components), by reward name',
    'reward',
    LATENCY_BUCKETS,
    this.registry,
  );
  readonly rejected = new Counter({
    name: 'assay_rejected_total',
    help: 'Requests answered 429 because the queue was full',
    registers: [this.registry],
  });

  readonly connectionsRefused = new Counter({
    name: 'assay_connections_refused_total',
    help: 'Connections answered 503 because the connection limit was reached',
    registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    const r = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'assay_process_' });
    gauge(r, 'assay_queue_depth', 'Samples admitted and not yet answered', sources.queueDepth);
    gauge(r, 'assay_requests_in_flight', 'Scoring requests being processed', sources.inFlight);
    gauge(
      r,
      'assay_pool_utilization',
      'Worker pool utilization (0..1)',
      () => sources.pool()?.utilization ?? 0,
    );
    gauge(r, 'assay_pool_queue_size', 'Chunks waiting for a worker', () => sources.pool()?.queueSize ?? 0);
    gauge(r, 'assay_pool_threads', 'Worker threads', () => sources.pool()?.threads ?? 0);
    gauge(
      r,
      'assay_pool_workers_terminated',
      'Workers terminated for a deadline or a crash, since start',
      () => sources.pool()?.terminatedWorkers ?? 0,
    );
    gauge(r, 'assay_cache_hits', 'Result cache hits since start', () => sources.cache().hits);
    gauge(r, 'assay_cache_misses', 'Result cache misses since start', () => sources.cache().misses);
    gauge(r, 'assay_cache_entries', 'Results held in the cache', () => sources.cache().size);
    gauge(
      r,
      'assay_store_pending_rows',
      'Rows waiting to be written to the run store',
      () => sources.store()?.pending ?? 0,
    );
    gauge(
      r,
      'assay_store_written_rows',
      'Rows written to the run store since start',
      () => sources.store()?.written ?? 0,
    );
    gauge(
      r,
      'assay_store_failed_rows',
      'Rows that could not be written to the run store (disk full, I/O error, writer died)',
      () => sources.store()?.failed ?? 0,
    );
    gauge(
      r,
      'assay_store_healthy',
      '1 while the run store writes, 0 from a failed write until the next one succeeds',
      () => (sources.store()?.healthy === false ? 0 : 1),
    );
    gauge(
      r,
      'assay_store_dropped_rows',
      'Rows dropped because the store fell behind',
      () => sources.store()?.dropped ?? 0,
    );
  }

  /** Count a request's results by status and add its reward timings: a few calls a request, not a sample. */
  observeResults(spec: string, results: Pick<EncodedResults, 'status' | 'timings'>): void {
    const counts = new Array<number>(STATUSES.length).fill(0);
    for (const code of results.status) counts[code]!++;
    counts.forEach((n, code) => {
      if (n > 0) this.samples.inc({ spec, status: STATUSES[code]! }, n);
    });
    for (const [reward, ms] of Object.entries(results.timings))
      this.rewardSeconds.observeMany(reward, ms, 1 / 1000);
  }
}

function gauge(registers: Registry[], name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers,
    collect() {
      this.set(read());
    },
  });
}
