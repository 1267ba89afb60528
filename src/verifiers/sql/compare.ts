/**
 * Execution accuracy: comparing the rows a predicted query returned with the gold query's. Pure.
 *
 * - `spider` (test-suite-sql-eval, `result_eq`): equal when both are empty; otherwise the same number of
 *   rows and columns, and some permutation of the predicted columns makes the rows equal as a multiset, or
 *   as a list when the gold query has ORDER BY. Values compare as Python does (1 = 1.0, NULL = NULL).
 * - `bird` (BIRD's `execute_sql`): `set(predicted) == set(gold)`: rows as tuples in column order,
 *   duplicates and row order ignored.
 * - `strict`: the same columns in the same order and the same rows in the same order.
 * Partial credit: `row_f1` (rows as a multiset, in column order) and `column_f1` (each column as the
 * multiset of its values, columns matched one to one).
 */

export type Cell = null | number | bigint | string | boolean | Uint8Array | Date | object;
export type Row = readonly Cell[];

export interface ResultSet {
  columns: string[];
  rows: Row[];
}

export type MatchMode = 'spider' | 'bird' | 'strict';

export interface CompareOptions {
  mode: MatchMode;
  /** Compare numbers rounded to this many decimals (default: exactly). */
  decimals?: number;
}

/** A key that is equal for equal values: numbers, bigints and booleans by value, text, bytes, dates. */
export function cellKey(v: Cell, decimals?: number): string {
  if (v === null || v === undefined) return 'N';
  if (typeof v === 'boolean') return v ? 'n1' : 'n0';
  if (typeof v === 'bigint') return `n${v}`;
  if (typeof v === 'number') {
    const x = decimals === undefined ? v : Math.round(v * 10 ** decimals) / 10 ** decimals;
    return `n${Object.is(x, -0) ? 0 : x}`;
  }
  if (typeof v === 'string') return `s${v}`;
  if (v instanceof Uint8Array) return `x${Buffer.from(v).toString('hex')}`;
  if (v instanceof Date) return `t${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()}`;
  return `j${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))}`;
}

/** Bytes a value holds for the result-size cap (text and blobs by length, anything else 8). */
export const cellBytes = (v: unknown): number =>
  typeof v === 'string' ? v.length : v instanceof Uint8Array ? v.byteLength : 8;

type Keyed = string[][];

const keyRows = (rows: readonly Row[], decimals?: number): Keyed =>
  rows.map((r) => r.map((c) => cellKey(c, decimals)));

const rowKey = (r: readonly string[]) => JSON.stringify(r);

function counts(keys: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

function sameCounts(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, n] of a) if (b.get(k) !== n) return false;
  return true;
}

/** Does the gold query order its rows? Spider's rule (`'order by' in gold.lower()`), any whitespace. */
export function hasOrderBy(sql: string): boolean {
  return sql.toLowerCase().split(/\s+/).join(' ').includes('order by');
}

/** The multiset of one column's values, as a comparable string. */
function columnSignature(rows: Keyed, j: number): string {
  return rows
    .map((r) => r[j]!)
    .sort()
    .join('\u0000');
}

/** The most column permutations tried before giving up (identical columns make n! equivalent ones). */
const MAX_PERMUTATIONS = 2000;

/**
 * Spider's `result_eq`: search the permutations of predicted columns that could match (a gold column can
 * only be matched by a predicted column holding the same multiset of values), then compare the rows.
 */
function spiderEqual(gold: Keyed, pred: Keyed, orderMatters: boolean): boolean {
  if (gold.length === 0 && pred.length === 0) return true;
  if (gold.length !== pred.length) return false;
  const n = gold[0]!.length;
  if (pred[0]!.length !== n) return false;
  const goldSig = Array.from({ length: n }, (_, j) => columnSignature(gold, j));
  const predSig = Array.from({ length: n }, (_, j) => columnSignature(pred, j));
  const candidates = goldSig.map((g) => predSig.flatMap((p, k) => (p === g ? [k] : [])));
  // Predicted columns equal row by row are interchangeable: trying one of them at each position is enough.
  const vector = Array.from({ length: n }, (_, k) => pred.map((r) => r[k]!).join('\u0000'));
  if (candidates.some((c) => c.length === 0)) return false;
  const goldRows = gold.map(rowKey);
  const goldCounts = orderMatters ? undefined : counts(goldRows);
  const perm: number[] = [];
  const used = new Array<boolean>(n).fill(false);
  let tries = 0;
  const matches = (): boolean => {
    const permuted = pred.map((r) => rowKey(perm.map((k) => r[k]!)));
    if (orderMatters) return permuted.every((r, i) => r === goldRows[i]);
    return sameCounts(goldCounts!, counts(permuted));
  };
  const search = (j: number): boolean => {
    if (j === n) return ++tries <= MAX_PERMUTATIONS && matches();
    const tried = new Set<string>();
    for (const k of candidates[j]!) {
      if (used[k] || tried.has(vector[k]!)) continue;
      tried.add(vector[k]!);
      used[k] = true;
      perm.push(k);
      if (search(j + 1)) return true;
      perm.pop();
      used[k] = false;
      if (tries > MAX_PERMUTATIONS) return false;
    }
    return false;
  };
  return search(0);
}

function birdEqual(gold: Keyed, pred: Keyed): boolean {
  const g = new Set(gold.map(rowKey));
  const p = new Set(pred.map(rowKey));
  return g.size === p.size && [...g].every((k) => p.has(k));
}

function strictEqual(gold: ResultSet, pred: ResultSet, g: Keyed, p: Keyed): boolean {
  if (gold.columns.length !== pred.columns.length) return false;
  return g.length === p.length && g.every((r, i) => rowKey(r) === rowKey(p[i]!));
}

/** Execution match of `pred` against `gold` (`goldSql` decides Spider's order sensitivity). */
export function resultsMatch(gold: ResultSet, pred: ResultSet, goldSql: string, o: CompareOptions): boolean {
  const g = keyRows(gold.rows, o.decimals);
  const p = keyRows(pred.rows, o.decimals);
  if (o.mode === 'bird') return birdEqual(g, p);
  if (o.mode === 'strict') return strictEqual(gold, pred, g, p);
  return spiderEqual(g, p, hasOrderBy(goldSql));
}

const f1 = (matched: number, predicted: number, gold: number): number => {
  if (predicted === 0 && gold === 0) return 1;
  if (matched === 0) return 0;
  const precision = matched / predicted;
  const recall = matched / gold;
  return (2 * precision * recall) / (precision + recall);
};

/** Size of the multiset intersection of two lists of keys. */
function overlap(a: string[], b: string[]): number {
  const left = counts(a);
  let n = 0;
  for (const k of b) {
    const c = left.get(k) ?? 0;
    if (c > 0) {
      n++;
      left.set(k, c - 1);
    }
  }
  return n;
}

/** F1 of predicted rows against gold rows, both as multisets of rows in column order. */
export function rowF1(gold: ResultSet, pred: ResultSet, decimals?: number): number {
  const g = keyRows(gold.rows, decimals).map(rowKey);
  const p = keyRows(pred.rows, decimals).map(rowKey);
  return f1(overlap(g, p), p.length, g.length);
}

/** F1 of predicted columns against gold columns, a column being the multiset of its values. */
export function columnF1(gold: ResultSet, pred: ResultSet, decimals?: number): number {
  const g = keyRows(gold.rows, decimals);
  const p = keyRows(pred.rows, decimals);
  const gs = gold.columns.map((_, j) => columnSignature(g, j));
  const ps = pred.columns.map((_, j) => columnSignature(p, j));
  return f1(overlap(gs, ps), ps.length, gs.length);
}
