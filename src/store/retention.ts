import type Database from 'better-sqlite3';

/** How a run store bounds its size: raw samples are pruned oldest first; aggregates are always kept. */
export interface RetentionOptions {
  /** Bytes of live pages the database may hold; beyond it the oldest batches of samples are deleted. */
  maxBytes?: number | undefined;
  /** Samples kept per run; beyond it the run's oldest batches are deleted. */
  maxSamplesPerRun?: number | undefined;
}

/**
 * Returns `check()`, which the writer thread calls after a write: when the store holds more than allowed,
 * it deletes the oldest raw batches (SQLite reuses their pages, so the file stops growing) and returns the
 * number of samples pruned. The per-step aggregates (src/store/aggregates.ts) are not touched, so curves
 * keep their full history.
 */
export function retention(db: Database.Database, opts: RetentionOptions): () => number {
  const { maxBytes, maxSamplesPerRun } = opts;
  if (maxBytes === undefined && maxSamplesPerRun === undefined) return () => 0;
  const liveBytes = (): number => {
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * (db.pragma('page_size', { simple: true }) as number);
  };
  const oldest = db.prepare('SELECT id, n FROM batches ORDER BY id LIMIT ?');
  const del = db.prepare('DELETE FROM batches WHERE id <= ?');
  const perRun = db.prepare('SELECT run, sum(n) AS n FROM batches GROUP BY run HAVING sum(n) > ?');
  const oldestOfRun = db.prepare('SELECT id, n FROM batches WHERE run = ? ORDER BY id');
  const delOfRun = db.prepare('DELETE FROM batches WHERE run = ? AND id <= ?');
  return () => {
    let pruned = 0;
    if (maxSamplesPerRun !== undefined) {
      for (const { run, n } of perRun.all(maxSamplesPerRun) as { run: string; n: number }[]) {
        let excess = n - maxSamplesPerRun;
        let last = -1;
        for (const b of oldestOfRun.iterate(run) as IterableIterator<{ id: number; n: number }>) {
          if (excess <= 0) break;
          excess -= b.n;
          pruned += b.n;
          last = b.id;
        }
        if (last >= 0) delOfRun.run(run, last);
      }
    }
    if (maxBytes !== undefined) {
      // Delete a tenth of the batches at a time until live pages fit in 90% of the limit.
      for (let round = 0; round < 20 && liveBytes() > maxBytes * 0.9; round++) {
        const count = (db.prepare('SELECT count(*) AS c FROM batches').get() as { c: number }).c;
        if (count === 0) break;
        const rows = oldest.all(Math.max(1, Math.ceil(count / 10))) as { id: number; n: number }[];
        for (const r of rows) pruned += r.n;
        del.run(rows.at(-1)!.id);
      }
    }
    return pruned;
  };
}
