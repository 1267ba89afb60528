/**
 * A SQL engine process: answers QueryRequests from its parent, one at a time, over IPC. It exists because
 * a query running inside SQLite (native code) or PGlite cannot be interrupted by terminating a worker
 * thread: only killing a process ends it. The parent kills this process at a query's deadline and starts
 * another; memory is capped by the parent (RLIMIT_DATA), so a huge `randomblob` fails here, not there.
 */
import { Worker } from 'node:worker_threads';
import { runQuery } from './execute.js';
import type { QueryRequest } from './protocol.js';

// If the parent dies while a query runs, this thread is stuck in native code and never sees the IPC channel
// close; a watchdog thread notices the orphaning and ends the process.
const watchdog = new Worker(
  `const parent = process.ppid;
   setInterval(() => { if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL'); }, 500);`,
  { eval: true },
);
watchdog.unref();

process.on('message', (req: QueryRequest) => {
  runQuery(req, () => process.send!({ started: req.id })).then(
    (res) => process.send!(res),
    (err: unknown) =>
      process.send!({ id: req.id, ok: false, error: `engine: ${(err as Error).message ?? err}` }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
