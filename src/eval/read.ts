/**
 * Reading benchmark files into rows: JSONL, a JSON array (or `{data: [...]}` / `{rows: [...]}`), or Parquet
 * (through hyparquet: plain and snappy-compressed files, as Hugging Face publishes them). The I/O wrapper
 * around `loadCases`.
 */
import { open, readFile } from 'node:fs/promises';
import type { RowProblem } from './formats.js';

export interface ReadRows {
  rows: unknown[];
  /** Lines that were not JSON (JSONL only), by their 1-based line number. */
  problems: RowProblem[];
}

/** Parse JSONL text; a bad or blank line leaves a `null` in its place (a bad one is also a problem), so row numbers stay line numbers. */
export function parseJsonLines(text: string): ReadRows {
  const rows: unknown[] = [];
  const problems: RowProblem[] = [];
  const lines = text.split('\n');
  // A trailing newline is not a row.
  if (lines.at(-1)?.trim() === '') lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') {
      rows.push(null); // keeps row numbers equal to line numbers; loadCases skips it
      return;
    }
    try {
      rows.push(JSON.parse(line));
    } catch (err) {
      rows.push(null);
      problems.push({ row: i + 1, message: `not valid JSON: ${(err as Error).message}` });
    }
  });
  return { rows, problems };
}

/** Rows of a JSON document: an array, or the array under `data` or `rows`. */
export function jsonRows(text: string, file: string): unknown[] {
  const value: unknown = JSON.parse(text);
  if (Array.isArray(value)) return value;
  for (const key of ['data', 'rows', 'examples']) {
    const v = (value as Record<string, unknown> | null)?.[key];
    if (Array.isArray(v)) return v;
  }
  throw new Error(`${file}: expected a JSON array of rows (or an object with "data" or "rows")`);
}

async function isParquet(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return head.toString('latin1') === 'PAR1';
  } finally {
    await handle.close();
  }
}

/** Parquet rows as plain objects; BigInt columns (int64) become numbers when they fit. */
async function parquetRows(file: string): Promise<unknown[]> {
  const { asyncBufferFromFile, parquetReadObjects } = await import('hyparquet');
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
  } catch (err) {
    throw new Error(
      `${file}: could not read Parquet (${(err as Error).message}); plain and snappy-compressed files are supported`,
    );
  }
  return rows.map((row) => toPlain(row) as Record<string, unknown>);
}

function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint')
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : String(value);
  if (Array.isArray(value) || ArrayBuffer.isView(value))
    return Array.from(value as ArrayLike<unknown>, toPlain);
  if (typeof value === 'object' && value !== null && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  return value;
}

/** The rows of a benchmark file, by content: Parquet magic, a JSON array/object, else JSONL. */
export async function readRows(file: string): Promise<ReadRows> {
  if (file !== '-' && (await isParquet(file))) return { rows: await parquetRows(file), problems: [] };
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  const start = text.trimStart()[0];
  if (start === '[') return { rows: jsonRows(text, file), problems: [] };
  if (start === '{' && /\.json$/i.test(file)) return { rows: jsonRows(text, file), problems: [] };
  return parseJsonLines(text);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
