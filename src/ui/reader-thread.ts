/**
 * The dashboard's reader thread: owns a read-only connection to the run store and answers the routes'
 * queries, so that no SQLite read (a long run's curves, a sample page's JSON) runs on the event loop that
 * serves scoring requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StoreReader } from './queries.js';

/** A query: the `StoreReader` method and its arguments. */
export interface ReaderCall {
  id: number;
  method: 'runs' | 'steps' | 'lastStep' | 'samplesPage' | 'sample';
  args: unknown[];
}

let reader: StoreReader | undefined;
parentPort!.on('message', (call: ReaderCall) => {
  try {
    reader ??= new StoreReader((workerData as { path: string }).path);
    const result = (reader[call.method] as (...a: unknown[]) => unknown)(...call.args);
    parentPort!.postMessage({ id: call.id, result });
  } catch (err) {
    parentPort!.postMessage({ id: call.id, error: (err as Error).message });
  }
});
