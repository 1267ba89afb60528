import type { FastifyBaseLogger } from 'fastify';
import type { RunStore } from '../store/run-store.js';

/** Failed writes logged at most this often: a full disk fails every flush, 4 a second. */
const LOG_EVERY_MS = 10_000;

/**
 * Log the run store's failed writes (rows lost, the database's message), the first at once and then one
 * line per LOG_EVERY_MS with the rows lost since the last line.
 */
export function logStoreFailures(store: RunStore, log: FastifyBaseLogger, now = Date.now): void {
  let lastLogged = Number.NEGATIVE_INFINITY;
  let unlogged = 0;
  store.onFailure((error, rows) => {
    unlogged += rows;
    if (now() - lastLogged < LOG_EVERY_MS) return;
    log.error(
      { error, rowsLost: unlogged, failedRows: store.failed },
      'run store: write failed; scored samples are not being recorded (disk full?)',
    );
    lastLogged = now();
    unlogged = 0;
  });
}

/**
 * The run store as `/health` shows it: whether it writes, and what it lost. Never its path: `/health`
 * answers without auth, and where the server keeps its files is not for anyone who can reach the port.
 */
export function storeHealth(store: RunStore | undefined) {
  if (!store) return null;
  return {
    healthy: store.healthy,
    failedRows: store.failed,
    droppedRows: store.dropped,
    ...(!store.healthy && store.lastError !== undefined && { lastError: store.lastError }),
  };
}
