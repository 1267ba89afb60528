/**
 * Postgres queries through PGlite (Postgres compiled to WebAssembly, in this engine process; no server, no
 * network: its wasm ships in the npm package). One instance per database script, kept while the process
 * lives; every query runs in a READ ONLY transaction that is rolled back, so a query can neither write
 * nor leave a temp table, a setting or a sequence step for the next.
 */
import type { PGlite } from '@electric-sql/pglite';
import { cellBytes, type Row } from './compare.js';
import type { QueryRequest, QueryResponse } from './protocol.js';
import { scanSql } from './scan.js';

/** PGlite instances by script key; each holds a whole Postgres, so only a few are kept. */
const MAX_INSTANCES = 2;
const instances = new Map<string, Promise<PGlite>>();

async function open(sql: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  await db.exec(sql);
  return db;
}

function instanceFor(key: string, sql: string): Promise<PGlite> {
  const existing = instances.get(key);
  if (existing) return existing;
  if (instances.size >= MAX_INSTANCES) {
    const [oldKey, old] = instances.entries().next().value as [string, Promise<PGlite>];
    instances.delete(oldKey);
    old.then((db) => db.close()).catch(() => {});
  }
  const made = open(sql);
  instances.set(key, made);
  made.catch(() => instances.delete(key));
  return made;
}

/**
 * The query with its terminating `;` removed, wrapped so Postgres stops after `limit` rows (PGlite returns
 * whole results, so the row cap must be in the query). The newline keeps a trailing `--` comment closed.
 */
export function limitedQuery(sql: string, limit: number): string {
  const end = scanSql(sql, 'postgres').terminator;
  const body = end === undefined ? sql : sql.slice(0, end);
  return `SELECT * FROM (\n${body}\n) AS assay_q LIMIT ${limit}`;
}

/** Postgres' NUMERIC type id: PGlite returns its values as text. */
const NUMERIC_OID = 1700;

/**
 * NUMERIC values as numbers, so `sum(price)` (numeric) equals the same total computed in float8, as
 * Python's `Decimal('30.50') == 30.5` makes them equal in the reference evaluators.
 */
function decimalsAsNumbers(rows: unknown[][], fields: { dataTypeID: number }[]): Row[] {
  const numeric = fields.flatMap((f, j) => (f.dataTypeID === NUMERIC_OID ? [j] : []));
  if (numeric.length === 0) return rows as Row[];
  for (const row of rows) {
    for (const j of numeric) {
      const v = row[j];
      if (typeof v === 'string' && Number.isFinite(Number(v))) row[j] = Number(v);
    }
  }
  return rows as Row[];
}

export async function runPostgres(req: QueryRequest, started: () => void): Promise<QueryResponse> {
  if (req.db.kind !== 'script')
    return { id: req.id, ok: false, error: 'a postgres database is a SQL script ({sql} or a .sql file)' };
  let db: PGlite;
  try {
    db = await instanceFor(req.db.key, req.db.sql);
  } catch (err) {
    return { id: req.id, ok: false, error: `cannot load the database: ${(err as Error).message}` };
  }
  started();
  await db.exec('BEGIN TRANSACTION READ ONLY');
  try {
    if (req.op === 'prepare') {
      const d = await db.describeQuery(req.sql);
      return { id: req.id, ok: true, columns: d.resultFields.map((f) => f.name), rows: [] };
    }
    const res = await db.query<unknown[]>(limitedQuery(req.sql, req.maxRows + 1), [], { rowMode: 'array' });
    const columns = res.fields.map((f) => f.name);
    const rows = decimalsAsNumbers(res.rows as unknown[][], res.fields);
    if (rows.length > req.maxRows)
      return { id: req.id, ok: true, columns, rows: rows.slice(0, req.maxRows), truncated: 'rows' };
    let bytes = 0;
    for (const row of rows) for (const v of row) bytes += cellBytes(v);
    if (bytes > req.maxBytes) return { id: req.id, ok: true, columns, rows: [], truncated: 'bytes' };
    return { id: req.id, ok: true, columns, rows };
  } catch (err) {
    return { id: req.id, ok: false, error: (err as Error).message };
  } finally {
    await db.exec('ROLLBACK');
  }
}
