/**
 * Running one query inside a SQL engine process. SQLite: a read-only connection per database, kept for
 * the life of the process (isolated: only single read-only SELECT statements run on it, so no query can
 * leave state, such as a temp table, for the next). Postgres: one PGlite instance per database, each
 * query inside a READ ONLY transaction that is rolled back.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { cellBytes, type Row } from './compare.js';
import type { DbSource, QueryRequest, QueryResponse } from './protocol.js';
import { checkQuery, dqsAsString } from './scan.js';

const requireLazy = createRequire(import.meta.url);
type Database = BetterSqlite3.Database;
let SqliteDatabase: typeof BetterSqlite3 | undefined;
const sqliteCtor = () => {
  SqliteDatabase ??= requireLazy('better-sqlite3') as typeof BetterSqlite3;
  return SqliteDatabase;
};

/** Open databases by source key; a long-running engine process keeps at most this many. */
const MAX_OPEN = 32;
const sqliteDbs = new Map<string, Database>();

const sourceKey = (db: DbSource) => (db.kind === 'file' ? `f:${db.path}` : `s:${db.key}`);

function remember<T>(cache: Map<string, T>, key: string, value: T, close: (v: T) => void): T {
  if (cache.size >= MAX_OPEN) {
    const [oldKey, old] = cache.entries().next().value as [string, T];
    cache.delete(oldKey);
    close(old);
  }
  cache.set(key, value);
  return value;
}

/** A read-only SQLite connection: the file opened read-only, or the script run in memory then frozen. */
function openSqlite(src: DbSource): Database {
  const Ctor = sqliteCtor();
  if (src.kind === 'file') return new Ctor(src.path, { readonly: true, fileMustExist: true });
  const build = new Ctor(':memory:');
  try {
    build.exec(src.sql);
    return new Ctor(build.serialize(), { readonly: true });
  } finally {
    build.close();
  }
}

function sqliteFor(src: DbSource): Database {
  const key = sourceKey(src);
  const open = sqliteDbs.get(key);
  if (open) return open;
  return remember(sqliteDbs, key, openSqlite(src), (d) => d.close());
}

/** Collect rows up to the caps, stopping the query (not draining it) when one is passed. */
function collect(req: QueryRequest, columns: string[], rows: Iterable<Row>): QueryResponse {
  const out: Row[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (out.length >= req.maxRows) return { id: req.id, ok: true, columns, rows: out, truncated: 'rows' };
    for (const v of row) bytes += cellBytes(v);
    if (bytes > req.maxBytes) return { id: req.id, ok: true, columns, rows: out, truncated: 'bytes' };
    out.push(row);
  }
  return { id: req.id, ok: true, columns, rows: out };
}

const NO_SUCH_COLUMN = 'no such column: ';

/** The name in `no such column: "x" - should this be a string literal in single-quotes?` (or without the hint). */
function missingColumn(message: string): string {
  let name = message.slice(NO_SUCH_COLUMN.length);
  const hint = name.indexOf(' - should this be a string literal');
  if (hint >= 0) name = name.slice(0, hint);
  return name.length >= 2 && name.startsWith('"') && name.endsWith('"')
    ? name.slice(1, -1).replaceAll('""', '"')
    : name;
}

/** Prepare, reading an unresolved `"x"` as the string 'x' as SQLite with DQS does (see dqsAsString). */
function prepare(db: Database, sql: string): BetterSqlite3.Statement | string {
  let text = sql;
  for (let tries = 0; ; tries++) {
    try {
      return db.prepare(text);
    } catch (err) {
      const message = (err as Error).message;
      const rewritten =
        tries < 64 && message.startsWith(NO_SUCH_COLUMN)
          ? dqsAsString(text, missingColumn(message))
          : undefined;
      if (rewritten === undefined) return message;
      text = rewritten;
    }
  }
}

function runSqlite(req: QueryRequest, db: Database): QueryResponse {
  const stmt = prepare(db, req.sql);
  if (typeof stmt === 'string') return { id: req.id, ok: false, error: stmt };
  // SQLite's own verdict, after the scanner's: a statement that returns rows and writes nothing.
  if (!stmt.reader || !stmt.readonly)
    return { id: req.id, ok: false, refused: true, error: 'not a read-only query' };
  if (req.op === 'prepare')
    return { id: req.id, ok: true, columns: stmt.columns().map((c) => c.name), rows: [] };
  stmt.safeIntegers(true).raw(true);
  const columns = stmt.columns().map((c) => c.name);
  try {
    return collect(req, columns, stmt.iterate() as Iterable<Row>);
  } catch (err) {
    return { id: req.id, ok: false, error: (err as Error).message };
  }
}

/** SQLite on a copy of the file made for this query (what "a fresh copy per query" costs: see bench). */
function runSqliteFresh(req: QueryRequest, path: string, started: () => void): QueryResponse {
  const dir = mkdtempSync(join(tmpdir(), 'assay-sql-'));
  try {
    const copy = join(dir, 'db.sqlite');
    copyFileSync(path, copy);
    const db = new (sqliteCtor())(copy, { readonly: true, fileMustExist: true });
    try {
      started();
      return runSqlite(req, db);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Answer one request; never throws for a bad query (engine failures are `ok: false` with the message).
 * `started` is called once the database is open, when the query's own time begins.
 */
export async function runQuery(req: QueryRequest, started: () => void = () => {}): Promise<QueryResponse> {
  const refused = checkQuery(req.sql, req.dialect);
  if (refused) return { id: req.id, ok: false, refused: true, error: refused };
  if (req.dialect === 'postgres') {
    const { runPostgres } = await import('./postgres.js');
    return runPostgres(req, started);
  }
  let db: Database;
  try {
    if (req.freshCopy && req.db.kind === 'file') return runSqliteFresh(req, req.db.path, started);
    db = sqliteFor(req.db);
  } catch (err) {
    return { id: req.id, ok: false, error: `cannot open the database: ${(err as Error).message}` };
  }
  started();
  return runSqlite(req, db);
}
