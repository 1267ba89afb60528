/** Messages between the main thread and a SQL engine process (see engines.ts and child.ts). */
import type { ResultSet } from './compare.js';
import type { Dialect } from './scan.js';

/** Where a database comes from: a file (already resolved under the data root) or a SQL script. */
export type DbSource = { kind: 'file'; path: string } | { kind: 'script'; sql: string; key: string };

export interface QueryRequest {
  id: number;
  /** `run`: execute and return rows; `prepare`: parse and plan only (syntax reward). */
  op: 'run' | 'prepare';
  dialect: Dialect;
  db: DbSource;
  sql: string;
  /** Rows beyond this end the query (the result is reported truncated). */
  maxRows: number;
  /** Text and blob bytes beyond this end the query. */
  maxBytes: number;
  /** Run on a fresh copy of the file made for this query, deleted after (SQLite files only). */
  freshCopy?: boolean;
}

export type QueryResponse =
  | ({ id: number; ok: true; truncated?: 'rows' | 'bytes' } & ResultSet)
  | { id: number; ok: false; error: string; refused?: boolean };
