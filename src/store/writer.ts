/**
 * The run store's writer thread: owns the SQLite connection and writes each group of batches it receives in
 * one transaction, with the per-step aggregates they add to (src/store/aggregates.ts), so disk time
 * (inserts, fsync, WAL checkpoints) never runs on the server's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type AuditRow, aggregator } from './aggregates.js';
import { type RetentionOptions, retention } from './retention.js';
import { type BatchHead, openDatabase } from './schema.js';

/** A batch as it travels to the writer: its shared fields, its sample count, its samples as JSON. */
export type BatchMessage = [...BatchHead, n: number, samples: string];

export type WriterMessage =
  | { type: 'batches'; batches: BatchMessage[]; n: number }
  | { type: 'audits'; rows: AuditRow[] }
  | { type: 'run'; run: string; startedAt: string; info: string }
  | { type: 'close' };

const data = workerData as { path: string; retention?: RetentionOptions; aggregates?: boolean };
const db = openDatabase(data.path);
const agg = aggregator(db);
const prune = retention(db, data.retention ?? {});
/** Retention runs at most this often (ms): its size query is cheap, but not free. */
const PRUNE_EVERY_MS = 1000;
let prunedAt = 0;
function pruneNow(): void {
  prunedAt = Date.now();
  try {
    const pruned = prune();
    if (pruned > 0) parentPort!.postMessage({ type: 'pruned', pruned });
  } catch (err) {
    parentPort!.postMessage({ type: 'failed', n: 0, error: `retention: ${(err as Error).message}` });
  }
}

const insert = db.prepare(
  'INSERT INTO batches (ts, run, step, spec, route, latency_ms, n, samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
);
const insertRun = db.prepare('INSERT OR IGNORE INTO runs (run, started_at, info) VALUES (?, ?, ?)');
const writeBatches = db.transaction((batches: BatchMessage[]) => {
  const ts = Date.now();
  for (const batch of batches) insert.run(ts, ...batch);
  if (data.aggregates !== false) agg.add(batches);
});

parentPort!.on('message', (msg: WriterMessage) => {
  if (msg.type === 'batches') {
    try {
      writeBatches(msg.batches);
      parentPort!.postMessage({ type: 'written', n: msg.n });
    } catch (err) {
      parentPort!.postMessage({ type: 'failed', n: msg.n, error: (err as Error).message });
      return;
    }
    if (Date.now() - prunedAt >= PRUNE_EVERY_MS) pruneNow();
  } else if (msg.type === 'audits') {
    try {
      db.transaction(() => agg.addAudits(msg.rows))();
    } catch (err) {
      parentPort!.postMessage({ type: 'failed', n: 0, error: (err as Error).message });
    }
  } else if (msg.type === 'run') {
    // a full disk must not kill the writer (and with it every later row)
    try {
      insertRun.run(msg.run, msg.startedAt, msg.info);
    } catch (err) {
      parentPort!.postMessage({ type: 'failed', n: 0, error: (err as Error).message });
    }
  } else {
    // The last writes may have come within PRUNE_EVERY_MS of a prune: leave the store within its bounds.
    pruneNow();
    db.close();
    parentPort!.postMessage({ type: 'closed' });
  }
});
