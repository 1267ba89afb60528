/**
 * The run store's writer thread: owns the SQLite connection and writes each group of batches it receives in
 * one transaction, so disk time (inserts, fsync, WAL checkpoints) never runs on the server's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BatchHead, openDatabase } from './schema.js';

/** A batch as it travels to the writer: its shared fields, its sample count, its samples as JSON. */
export type BatchMessage = [...BatchHead, n: number, samples: string];

export type WriterMessage =
  | { type: 'batches'; batches: BatchMessage[]; n: number }
  | { type: 'run'; run: string; startedAt: string; info: string }
  | { type: 'close' };

const db = openDatabase((workerData as { path: string }).path);
const insert = db.prepare(
  'INSERT INTO batches (ts, run, step, spec, route, latency_ms, n, samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
);
const insertRun = db.prepare('INSERT OR IGNORE INTO runs (run, started_at, info) VALUES (?, ?, ?)');
const writeBatches = db.transaction((batches: BatchMessage[]) => {
  const ts = Date.now();
  for (const batch of batches) insert.run(ts, ...batch);
});

parentPort!.on('message', (msg: WriterMessage) => {
  if (msg.type === 'batches') {
    try {
      writeBatches(msg.batches);
      parentPort!.postMessage({ type: 'written', n: msg.n });
    } catch (err) {
      parentPort!.postMessage({ type: 'failed', n: msg.n, error: (err as Error).message });
    }
  } else if (msg.type === 'run') {
    // a full disk must not kill the writer (and with it every later row)
    try {
      insertRun.run(msg.run, msg.startedAt, msg.info);
    } catch (err) {
      parentPort!.postMessage({ type: 'failed', n: 0, error: (err as Error).message });
    }
  } else {
    db.close();
    parentPort!.postMessage({ type: 'closed' });
  }
});
