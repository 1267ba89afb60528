import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { RewardResult } from '../core/types.js';

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
  /** How often buffered rows are written, in ms. */
  flushMs?: number;
  /** Rows kept in memory at most when the disk falls behind; beyond it rows are dropped and counted. */
  maxBuffered?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  run TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  info TEXT
);
CREATE TABLE IF NOT EXISTS samples (
  id INTEGER PRIMARY KEY,
  run TEXT NOT NULL,
  ts INTEGER NOT NULL,
  step INTEGER,
  spec TEXT NOT NULL,
  route TEXT NOT NULL,
  sample_id TEXT,
  source TEXT,
  grp TEXT,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  score REAL,
  reason TEXT,
  components TEXT,
  latency_ms REAL
);
CREATE INDEX IF NOT EXISTS samples_run_step ON samples (run, step);
`;

/**
 * The embedded run store: every scored sample, in SQLite (WAL). Recording only appends to a buffer;
 * rows are written in one transaction per flush, off the request path, so scoring never waits on disk.
 */
export class RunStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly insertRun: Database.Statement;
  private readonly writeMany: (rows: ScoredRow[]) => void;
  private buffer: ScoredRow[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly maxBuffered: number;
  private closed = false;
  written = 0;
  dropped = 0;

  constructor(
    readonly path: string,
    opts: RunStoreOptions = {},
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // WAL with synchronous=NORMAL survives process crashes; only an OS crash can lose the last flush.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      `INSERT INTO samples (run, ts, step, spec, route, sample_id, source, grp, name, status, score, reason, components, latency_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertRun = this.db.prepare('INSERT OR IGNORE INTO runs (run, started_at, info) VALUES (?, ?, ?)');
    this.writeMany = this.db.transaction((rows: ScoredRow[]) => {
      const ts = Date.now();
      for (const r of rows) {
        const res = r.result;
        this.insert.run(
          r.run,
          ts,
          r.step ?? null,
          r.spec,
          r.route,
          r.sampleId ?? null,
          r.source ?? null,
          r.group ?? null,
          res.name,
          res.status,
          res.score,
          res.reason ?? null,
          res.components ? JSON.stringify(componentScores(res.components)) : null,
          r.latencyMs,
        );
      }
    });
    this.maxBuffered = opts.maxBuffered ?? 200_000;
    this.timer = setInterval(() => this.flush(), opts.flushMs ?? 250);
    this.timer.unref();
  }

  startRun(run: string, info: Record<string, unknown> = {}): void {
    this.insertRun.run(run, new Date().toISOString(), JSON.stringify(info));
  }

  /** Queue rows for the next flush; never touches the disk. */
  record(rows: ScoredRow[]): void {
    if (this.closed) return;
    const room = this.maxBuffered - this.buffer.length;
    if (room < rows.length) this.dropped += rows.length - Math.max(0, room);
    if (room > 0) for (const r of room >= rows.length ? rows : rows.slice(0, room)) this.buffer.push(r);
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Write every buffered row in one transaction. */
  flush(): void {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    this.writeMany(rows);
    this.written += rows.length;
  }

  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.flush();
    this.closed = true;
    this.db.close();
  }
}

/** Components as `{name: score}` (nested parts as `parent.child`), the shape per-component charts want. */
export function componentScores(components: RewardResult[], prefix = ''): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const c of components) {
    let key = prefix + c.name;
    // Two parts with the same name (two exact_match parts with different args) keep both values.
    for (let n = 2; key in out; n++) key = `${prefix}${c.name}#${n}`;
    out[key] = c.score;
    if (c.components) Object.assign(out, componentScores(c.components, `${key}.`));
  }
  return out;
}
