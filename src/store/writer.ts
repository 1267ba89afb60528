/**
 * The run store's writer thread: owns the SQLite connection and writes each batch of rows it receives in
 * one transaction, so disk time (inserts, fsync, WAL checkpoints) never runs on the server's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, ROW_COLUMNS, type RowTuple } from './schema.js';

export type WriterMessage =
  | { type: 'rows'; rows: RowTuple[] }
  | { type: 'run'; run: string; startedAt: string; info: string }
  | { type: 'close' };

const db = openDatabase((workerData as { path: string }).path);
const insert = db.prepare(
  `INSERT INTO samples (ts, ${ROW_COLUMNS.join(', ')}) VALUES (?, ${ROW_COLUMNS.map(() => '?').join(', ')})`,
);
const insertRun = db.prepare('INSERT OR IGNORE INTO runs (run, started_at, info) VALUES (?, ?, ?)');
const writeRows = db.transaction((rows: RowTuple[]) => {
  const ts = Date.now();
  for (const row of rows) insert.run(ts, ...row);
});

parentPort!.on('message', (msg: WriterMessage) => {
  if (msg.type === 'rows') {
    try {
      writeRows(msg.rows);
      parentPort!.postMessage({ type: 'written', n: msg.rows.length });
    } catch (err) {
      parentPort!.postMessage({ type: 'failed', n: msg.rows.length, error: (err as Error).message });
    }
  } else if (msg.type === 'run') {
    insertRun.run(msg.run, msg.startedAt, msg.info);
  } else {
    db.close();
    parentPort!.postMessage({ type: 'closed' });
  }
});
