import Database from 'better-sqlite3';

export const SCHEMA = `
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

/** Column order of a row tuple as it travels to the writer thread (`ts` is added there). */
export const ROW_COLUMNS = [
  'run',
  'step',
  'spec',
  'route',
  'sample_id',
  'source',
  'grp',
  'name',
  'status',
  'score',
  'reason',
  'components',
  'latency_ms',
] as const;

export type RowTuple = (string | number | null)[];

/** Open (creating if needed) a run store database in WAL mode. */
export function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // WAL with synchronous=NORMAL survives process crashes; only an OS crash can lose the last flush.
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return db;
}
