import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sampleRecord } from '../core/encoded.js';
import type { RewardResult } from '../core/types.js';
import type { AuditRow } from './aggregates.js';
import type { RetentionOptions } from './retention.js';
import { type BatchHead, openDatabase } from './schema.js';
import type { BatchMessage, WriterMessage } from './writer.js';

/** One scored sample as the store keeps it. */
export interface ScoredRow {
  run: string;
  step?: number;
  spec: string;
  route: string;
  sampleId?: string;
  source?: string;
  group?: string;
  result: RewardResult;
  /** Request latency, shared by the samples of one request. */
  latencyMs: number;
}

export interface RunStoreOptions {
  /** How often buffered rows are sent to the writer thread, in ms. */
  flushMs?: number;
  /** Rows held (buffered or being written) at most when the disk falls behind; beyond it rows are dropped and counted. */
  maxBuffered?: number;
  /** Size bounds: the oldest raw samples are pruned beyond them, per-step aggregates kept. */
  retention?: RetentionOptions;
  /** Keep the per-step aggregates the dashboard reads (default true; false only to measure their cost). */
  aggregates?: boolean;
}

/** What a failed write reports: the database's message and the rows lost with it. */
export type StoreFailureListener = (error: string, rows: number) => void;

const here = new URL(import.meta.url);
/**
 * Samples that make the buffer go to the writer before its timer: under load records then leave this
 * thread within milliseconds, before they could outlive a young-generation GC and be copied into the old
 * generation, whose collections cost the HTTP thread more than the extra messages do.
 */
const FLUSH_SAMPLES = 1024;
const fromSource = here.pathname.endsWith('.ts');

/**
 * The embedded run store: every scored sample, in SQLite (WAL). Recording only appends to a buffer; a timer
 * hands the buffer to a writer thread that owns the database and writes each batch in one transaction, so
 * neither inserts nor fsyncs ever run on the event loop that serves requests.
 */
export class RunStore {
  private readonly worker: Worker;
  private buffer: BatchMessage[] = [];
  /** Samples in `buffer`. */
  private buffered = 0;
  private inWriter = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBuffered: number;
  private closing: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  private dead = false;
  written = 0;
  dropped = 0;
  /** Rows that could not be written (the write failed, or the writer thread died). */
  failed = 0;
  /** Samples deleted by retention since start. */
  pruned = 0;
  lastError: string | undefined;
  /** False from a failed write until the next one succeeds (and for good once the writer died). */
  healthy = true;
  private readonly failureListeners: StoreFailureListener[] = [];

  constructor(
    readonly path: string,
    opts: RunStoreOptions = {},
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    // Open once here so that a bad path or a corrupt file fails at startup, with its message.
    openDatabase(path).close();
    this.worker = new Worker(new URL(fromSource ? './writer-dev.mjs' : './writer.js', here), {
      workerData: { path, retention: opts.retention ?? {}, aggregates: opts.aggregates ?? true },
    });
    this.worker.on('message', (msg: { type: string; n?: number; error?: string; pruned?: number }) => {
      if (msg.type === 'pruned') this.pruned += msg.pruned!;
      if (msg.type === 'written') {
        this.written += msg.n!;
        this.healthy = true;
      }
      if (msg.type === 'failed') this.fail(msg.error ?? 'unknown error', msg.n!);
      if (msg.n !== undefined) this.inWriter -= msg.n;
      if (this.inWriter === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
    this.worker.on('error', (err) => {
      this.lastError = err.message;
    });
    // A writer that died takes its unwritten rows with it: count them, and never leave drain() waiting.
    this.worker.on('exit', () => {
      const lost = this.inWriter + this.buffered;
      if (this.closing) this.failed += lost;
      else this.fail(`the writer thread exited (${this.lastError ?? 'no error reported'})`, lost);
      this.inWriter = 0;
      this.buffer = [];
      this.buffered = 0;
      this.dead = true;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
    this.maxBuffered = opts.maxBuffered ?? 200_000;
    this.timer = setInterval(() => this.flush(), opts.flushMs ?? 250);
    this.timer.unref();
  }

  /** Called on every failed write (to log it): the store itself only counts. */
  onFailure(listener: StoreFailureListener): void {
    this.failureListeners.push(listener);
  }

  private fail(error: string, rows: number): void {
    this.failed += rows;
    this.lastError = error;
    this.healthy = false;
    for (const listener of this.failureListeners) listener(error, rows);
  }

  startRun(run: string, info: Record<string, unknown> = {}): void {
    this.post({ type: 'run', run, startedAt: new Date().toISOString(), info: JSON.stringify(info) });
  }

  /** Send sampled audit verdicts to the writer thread (few: a seeded share of each step). */
  recordAudits(rows: AuditRow[]): void {
    if (this.closing || this.dead || rows.length === 0) return;
    this.post({ type: 'audits', rows });
  }

  /** Queue rows for the writer thread; never touches the disk. */
  record(rows: ScoredRow[]): void {
    // Rows of one request share run, step, spec, route and latency: one batch per run of equal heads.
    let start = 0;
    for (let i = 1; i <= rows.length; i++) {
      if (i < rows.length && sameHead(rows[i]!, rows[start]!)) continue;
      const part = rows.slice(start, i);
      this.recordBatch(
        headOf(part[0]!),
        part.map((r) =>
          JSON.stringify(sampleRecord({ id: r.sampleId, source: r.source, group: r.group }, r.result)),
        ),
      );
      start = i;
    }
  }

  /**
   * Queue the samples of one request, each as the JSON text of its `SampleRecord` (src/core/encoded.ts),
   * as the worker threads that scored them made it; never touches the disk.
   */
  recordBatch(head: BatchHead, records: string[]): void {
    if (this.dead) this.failed += records.length;
    if (this.closing || this.dead || records.length === 0) return;
    const room = this.room();
    if (room < records.length) this.dropped += records.length - room;
    const kept = records.length > room ? records.slice(0, room) : records;
    if (kept.length > 0) this.queue(head, kept.length, `[${kept.join(',')}]`);
  }

  /**
   * Queue the samples of one request already joined into one JSON array of `n` `SampleRecord`s (by the
   * worker that scored them); never touches the disk. Joined text cannot be cut, so when the buffer has
   * no room for all of them, all of them are dropped.
   */
  recordJoined(head: BatchHead, n: number, records: string): void {
    if (this.dead) this.failed += n;
    if (this.closing || this.dead || n === 0) return;
    if (this.room() < n) this.dropped += n;
    else this.queue(head, n, records);
  }

  private room(): number {
    return Math.max(0, this.maxBuffered - this.buffered - this.inWriter);
  }

  private queue(head: BatchHead, n: number, records: string): void {
    this.buffer.push([...head, n, records]);
    this.buffered += n;
    if (this.buffered >= FLUSH_SAMPLES) this.flush();
  }

  /** Rows recorded and not yet written. */
  get pending(): number {
    return this.buffered + this.inWriter;
  }

  /** Hand every buffered row to the writer thread. */
  flush(): void {
    if (this.buffered === 0) return;
    const batches = this.buffer;
    const n = this.buffered;
    this.buffer = [];
    this.buffered = 0;
    this.inWriter += n;
    this.post({ type: 'batches', batches, n });
  }

  /** Resolves once every row recorded so far is written. */
  drain(): Promise<void> {
    this.flush();
    if (this.inWriter === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Write what is left, then close the database and the writer thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      await this.drain();
      if (this.dead) return;
      const closed = new Promise<void>((resolve) => {
        const onMessage = (msg: { type: string }) => {
          if (msg.type === 'closed') resolve();
        };
        this.worker.on('message', onMessage);
        this.worker.once('exit', () => resolve());
      });
      this.post({ type: 'close' });
      await closed;
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private post(msg: WriterMessage): void {
    this.worker.postMessage(msg);
  }
}

const headOf = (r: ScoredRow): BatchHead => [r.run, r.step ?? null, r.spec, r.route, r.latencyMs];

const sameHead = (a: ScoredRow, b: ScoredRow): boolean =>
  a.run === b.run &&
  a.step === b.step &&
  a.spec === b.spec &&
  a.route === b.route &&
  a.latencyMs === b.latencyMs;
