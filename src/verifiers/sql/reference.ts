/**
 * The reference of a sql sample, as datasets ship it, resolved to a gold query and a database source:
 * - `{ gold, database?, dialect? }`: database a path under the data root, a name from `args.databases`,
 *   or `{ sql: "CREATE …; INSERT …" }` (a schema-plus-rows fixture);
 * - Spider rows `{ question, query, db_id }` and BIRD rows `{ question, SQL, db_id, evidence? }`: `db_id` is
 *   found as `<data_root>/<db_id>/<db_id>.sqlite` (both datasets' layout) or `<data_root>/<db_id>.sqlite`;
 * - a string: the gold query, on `args.database`.
 * No path may leave the data root (symlinks are resolved first).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { DbSource } from './protocol.js';
import type { Dialect } from './scan.js';

/** A database as a spec or reference names it. */
export type DatabaseSpec = string | { sql: string };

export interface ResolveOptions {
  dataRoot?: string;
  databases?: Record<string, DatabaseSpec>;
  database?: DatabaseSpec;
  dialect: Dialect;
}

export interface ResolvedReference {
  gold: string;
  db: DbSource;
  dialect: Dialect;
  /** What the database was called (for reasons and detail). */
  label: string;
}

type Resolved = { ok: true; ref: ResolvedReference } | { ok: false; error: string };

const scriptSource = (sql: string, label: string): DbSource => ({
  kind: 'script',
  sql,
  key: `${label}:${createHash('sha1').update(sql).digest('hex')}`,
});

/** A path under the data root, resolved through symlinks; an error names the escape or the absence. */
export function resolveUnderRoot(
  root: string | undefined,
  path: string,
): { path: string } | { error: string } {
  if (root === undefined) return { error: `database "${path}" is a path, but no data_root is configured` };
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return { error: `data_root ${root} does not exist` };
  }
  try {
    real = realpathSync(resolve(realRoot, path));
  } catch {
    return { error: `database "${path}" not found under the data root` };
  }
  const rel = relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    return { error: `database "${path}" is outside the data root` };
  if (!statSync(real).isFile()) return { error: `database "${path}" is not a file` };
  return { path: real };
}

function fromSpec(
  spec: DatabaseSpec,
  o: ResolveOptions,
): { db: DbSource; label: string } | { error: string } {
  if (typeof spec === 'object') return { db: scriptSource(spec.sql, 'inline'), label: 'inline script' };
  const named = o.databases?.[spec];
  if (named !== undefined) {
    if (typeof named === 'object') return { db: scriptSource(named.sql, spec), label: spec };
    return fromPath(named, o, spec);
  }
  return fromPath(spec, o, spec);
}

function fromPath(
  path: string,
  o: ResolveOptions,
  label: string,
): { db: DbSource; label: string } | { error: string } {
  const found = resolveUnderRoot(o.dataRoot, path);
  if ('error' in found) return found;
  if (found.path.endsWith('.sql'))
    return { db: scriptSource(readFileSync(found.path, 'utf8'), found.path), label };
  if (o.dialect === 'postgres') return { error: `database "${label}": postgres databases are .sql scripts` };
  return { db: { kind: 'file', path: found.path }, label };
}

const DB_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

function fromDbId(id: string, o: ResolveOptions): { db: DbSource; label: string } | { error: string } {
  if (!DB_ID.test(id) || id.includes('..'))
    return { error: `db_id ${JSON.stringify(id)} is not a database name` };
  if (o.databases?.[id] !== undefined) return fromSpec(id, o);
  if (o.dataRoot === undefined) return { error: `db_id "${id}" needs a data_root (or args.databases)` };
  const ext = o.dialect === 'postgres' ? ['.sql'] : ['.sqlite', '.db', '.sql'];
  for (const candidate of ext.flatMap((e) => [join(id, `${id}${e}`), `${id}${e}`])) {
    if (existsSync(resolve(o.dataRoot, candidate))) return fromPath(candidate, o, id);
  }
  return { error: `db_id "${id}": no ${id}/${id}${ext[0]} under the data root` };
}

const isDialect = (v: unknown): v is Dialect => v === 'sqlite' || v === 'postgres';

/** Resolve a sample's reference; errors say which field is wrong. */
export function resolveReference(reference: unknown, o: ResolveOptions): Resolved {
  if (typeof reference === 'string') {
    if (o.database === undefined)
      return { ok: false, error: 'reference is a query, but args.database is not set' };
    const where = fromSpec(o.database, o);
    if ('error' in where) return { ok: false, error: where.error };
    return { ok: true, ref: { gold: reference, dialect: o.dialect, ...where } };
  }
  if (typeof reference !== 'object' || reference === null || Array.isArray(reference))
    return {
      ok: false,
      error: 'expected {gold, database}, a Spider/BIRD row {query|SQL, db_id}, or a query string',
    };
  const r = reference as Record<string, unknown>;
  const gold = r.gold ?? r.query ?? r.SQL ?? r.sql;
  if (typeof gold !== 'string' || gold.trim() === '')
    return { ok: false, error: 'no gold query (gold, query or SQL)' };
  if (r.dialect !== undefined && !isDialect(r.dialect))
    return { ok: false, error: `dialect: expected sqlite or postgres, got ${JSON.stringify(r.dialect)}` };
  const dialect = (r.dialect as Dialect | undefined) ?? o.dialect;
  const opts = { ...o, dialect };
  let where: { db: DbSource; label: string } | { error: string };
  if (r.database !== undefined) {
    const d = r.database;
    const valid =
      typeof d === 'string' ||
      (typeof d === 'object' && d !== null && typeof (d as { sql?: unknown }).sql === 'string');
    if (!valid) return { ok: false, error: 'database: expected a path, a name or {sql}' };
    where = fromSpec(d as DatabaseSpec, opts);
  } else if (typeof r.db_id === 'string') where = fromDbId(r.db_id, opts);
  else if (o.database !== undefined) where = fromSpec(o.database, opts);
  else return { ok: false, error: 'no database (database or db_id), and args.database is not set' };
  if ('error' in where) return { ok: false, error: where.error };
  return { ok: true, ref: { gold, dialect, ...where } };
}
