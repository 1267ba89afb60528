import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { componentScores } from '../../src/core/encoded.js';
import type { RewardResult } from '../../src/core/types.js';
import { RunStore, type ScoredRow } from '../../src/store/run-store.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'assay-store-')), 'nested', 'runs.sqlite');

const row = (score: number | null, extra: Partial<ScoredRow> = {}): ScoredRow => ({
  run: 'r1',
  spec: 'default',
  route: 'score',
  latencyMs: 2.5,
  result:
    score === null
      ? { name: 'm', status: 'error', score: null, reason: 'bad reference' }
      : { name: 'm', status: 'ok', score, components: [{ name: 'part', status: 'ok', score }] },
  ...extra,
});

const count = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('RunStore', () => {
  it('creates the database at once, buffers rows, and writes them in WAL mode from its writer thread', async () => {
    const path = file();
    const store = new RunStore(path, { flushMs: 60_000 });
    expect(count(path)).toBe(0); // schema exists before any row
    store.startRun('r1', { specs: ['default'] });
    store.record([row(1, { step: 3, source: 'math', group: 'g', sampleId: 'a' }), row(null)]);
    expect(store.pending).toBe(2);
    expect(count(path)).toBe(0);
    await store.drain();
    expect(store.pending).toBe(0);
    expect(store.written).toBe(2);
    expect(count(path)).toBe(2);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const rows = db
      .prepare(
        'SELECT step, source, grp, sample_id, status, score, reason, components, latency_ms FROM samples ORDER BY id',
      )
      .all();
    expect(rows).toEqual([
      {
        step: 3,
        source: 'math',
        grp: 'g',
        sample_id: 'a',
        status: 'ok',
        score: 1,
        reason: null,
        components: '{"part":1}',
        latency_ms: 2.5,
      },
      {
        step: null,
        source: null,
        grp: null,
        sample_id: null,
        status: 'error',
        score: null,
        reason: 'bad reference',
        components: null,
        latency_ms: 2.5,
      },
    ]);
    expect(db.prepare('SELECT run, info FROM runs').get()).toEqual({
      run: 'r1',
      info: '{"specs":["default"]}',
    });
    db.close();
  });

  it('flushes on its own timer', async () => {
    const path = file();
    const store = new RunStore(path, { flushMs: 20 });
    store.record([row(0.5)]);
    for (let i = 0; i < 300 && count(path) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(count(path)).toBe(1);
    await store.close();
  });

  it('drops and counts rows beyond its bound instead of growing without limit', async () => {
    const store = new RunStore(file(), { flushMs: 60_000, maxBuffered: 3 });
    store.record([row(1), row(1)]);
    store.record([row(1), row(1), row(1)]);
    expect(store.pending).toBe(3);
    expect(store.dropped).toBe(2);
    await store.close();
    expect(store.written).toBe(3);
  });

  it('takes a batch joined in a worker whole, or drops it whole when there is no room for all of it', async () => {
    const path = file();
    const store = new RunStore(path, { flushMs: 60_000, maxBuffered: 3 });
    const rec = (id: string) => JSON.stringify([id, 'math', null, 'm', 'ok', 1, null, null]);
    store.recordJoined(['r1', 4, 'default', 'score', 1.5], 2, `[${rec('a')},${rec('b')}]`);
    store.recordJoined(['r1', 4, 'default', 'score', 1.5], 2, `[${rec('c')},${rec('d')}]`);
    store.recordJoined(['r1', 5, 'default', 'score', 1.5], 1, `[${rec('e')}]`);
    expect([store.pending, store.dropped]).toEqual([3, 2]);
    await store.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT sample_id, step, source, score FROM samples ORDER BY id').all();
    db.close();
    expect(rows).toEqual([
      { sample_id: 'a', step: 4, source: 'math', score: 1 },
      { sample_id: 'b', step: 4, source: 'math', score: 1 },
      { sample_id: 'e', step: 5, source: 'math', score: 1 },
    ]);
  });

  it('writes what is left on close and ignores records after it', async () => {
    const path = file();
    const store = new RunStore(path, { flushMs: 60_000 });
    store.record([row(1), row(0)]);
    await store.close();
    store.record([row(1)]);
    expect(store.pending).toBe(0);
    expect(count(path)).toBe(2);
  });

  it('stores a batch per request and reads back per sample, in order, across requests that differ', async () => {
    const path = file();
    const store = new RunStore(path, { flushMs: 60_000 });
    store.record([row(1, { step: 1, sampleId: 'a' }), row(0, { step: 2, sampleId: 'b' })]);
    store.record([row(0.5, { step: 1, sampleId: 'c', route: 'groups' })]);
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM batches').get()).toEqual({ n: 3 });
      expect(db.prepare('SELECT sample_id, step, route, score FROM samples ORDER BY id').all()).toEqual([
        { sample_id: 'a', step: 1, route: 'score', score: 1 },
        { sample_id: 'b', step: 2, route: 'score', score: 0 },
        { sample_id: 'c', step: 1, route: 'groups', score: 0.5 },
      ]);
      expect(db.prepare('SELECT count(*) AS n FROM samples WHERE run = ? AND step = ?').get('r1', 1)).toEqual(
        {
          n: 2,
        },
      );
    } finally {
      db.close();
    }
  });

  it('keeps the rows of a store from before batches, as samples_v1', async () => {
    const path = file();
    await new RunStore(path).close(); // creates the directory
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    const old = new Database(path);
    old.exec(
      "CREATE TABLE samples (id INTEGER PRIMARY KEY, run TEXT, score REAL); INSERT INTO samples VALUES (1, 'r0', 1);",
    );
    old.close();
    const store = new RunStore(path, { flushMs: 60_000 });
    store.record([row(0)]);
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT run, score FROM samples_v1').all()).toEqual([{ run: 'r0', score: 1 }]);
      expect(db.prepare('SELECT run, score FROM samples').all()).toEqual([{ run: 'r1', score: 0 }]);
    } finally {
      db.close();
    }
  });

  it('fails at once, naming the problem, when the file cannot be a database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-store-'));
    expect(() => new RunStore(dir)).toThrow();
  });
});

describe('componentScores', () => {
  it('flattens nested components and keeps same-named parts apart', () => {
    const leaf = (name: string, score: number | null): RewardResult => ({
      name,
      score,
      status: score === null ? 'error' : 'ok',
    });
    const components: RewardResult[] = [
      leaf('exact_match', 1),
      { ...leaf('gate', 0.5), components: [leaf('format.tags', 1), leaf('length', null)] },
      leaf('exact_match', 0),
    ];
    expect(componentScores(components)).toEqual({
      exact_match: 1,
      gate: 0.5,
      'gate.format.tags': 1,
      'gate.length': null,
      'exact_match#2': 0,
    });
  });
});
