import Database from 'better-sqlite3';

/**
 * One row per recorded batch (the samples of one request): what the request shares (run, step, spec,
 * route, latency) once, and its samples as one JSON array. Inserting a row per sample cost about as much
 * CPU as scoring a cheap sample; a row per batch costs a fraction of a microsecond per sample. The
 * `samples` view gives the row-per-sample table that queries want, in recording order.
 */
// The samples of a batch are `SampleRecord`s (src/core/encoded.ts), read by position in this view.
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  run TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  info TEXT
);
CREATE TABLE IF NOT EXISTS batches (
  id INTEGER PRIMARY KEY,
  run TEXT NOT NULL,
  ts INTEGER NOT NULL,
  step INTEGER,
  spec TEXT NOT NULL,
  route TEXT NOT NULL,
  latency_ms REAL,
  n INTEGER NOT NULL,
  samples TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_run_step ON batches (run, step);
CREATE VIEW IF NOT EXISTS samples AS
SELECT
  (b.id << 32) + s.key AS id, b.run, b.ts, b.step, b.spec, b.route,
  s.value ->> 0 AS sample_id, s.value ->> 1 AS source, s.value ->> 2 AS grp, s.value ->> 3 AS name,
  s.value ->> 4 AS status, s.value ->> 5 AS score, s.value ->> 6 AS reason, s.value ->> 7 AS components,
  b.latency_ms
FROM batches b, json_each(b.samples) s;
`;

/** What the samples of one batch share, in the column order of the batch insert. */
export type BatchHead = [run: string, step: number | null, spec: string, route: string, latencyMs: number];
/** Open (creating if needed) a run store database in WAL mode. */
export function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // WAL with synchronous=NORMAL survives process crashes; only an OS crash can lose the last flush.
  db.pragma('synchronous = NORMAL');
  // A store from before batches kept a table named `samples`: keep its rows under another name.
  const old = db.prepare("SELECT type FROM sqlite_master WHERE name = 'samples'").get() as
    | { type: string }
    | undefined;
  if (old?.type === 'table') db.exec('ALTER TABLE samples RENAME TO samples_v1');
  db.exec(SCHEMA);
  return db;
}
