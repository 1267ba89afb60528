/**
 * Parquet, as Hugging Face publishes benchmark files: written here with hyparquet-writer (snappy, list
 * columns, int64), read back through `assay eval` into the same cases and the same report as the JSONL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { loadCases } from '../../src/eval/formats.js';
import { readRows } from '../../src/eval/read.js';
import { ROOT } from '../cli/run-cli.js';

const fixture = (name: string) => new URL(`../fixtures/eval/${name}`, import.meta.url).pathname;
const jsonl = fixture('rewardbench2.jsonl');
const rows = readFileSync(jsonl, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, unknown>);

function writeParquet(): string {
  const column = (name: string) => rows.map((r) => r[name]);
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: column('id') },
      { name: 'subset', data: column('subset') },
      { name: 'prompt', data: column('prompt') },
      { name: 'chosen', data: column('chosen') },
      { name: 'rejected', data: column('rejected') },
      { name: 'num_correct', data: rows.map((r) => BigInt(r.num_correct as number)), type: 'INT64' },
      {
        name: 'total_completions',
        data: rows.map((r) => BigInt(r.total_completions as number)),
        type: 'INT64',
      },
    ],
  });
  const file = join(mkdtempSync(join(tmpdir(), 'assay-parquet-')), 'test-00000-of-00001.parquet');
  writeFileSync(file, new Uint8Array(buffer));
  return file;
}

describe('Parquet input', () => {
  const file = writeParquet();

  it('reads into the same cases as the JSONL (list columns as lists, int64 as numbers)', async () => {
    const read = await readRows(file);
    expect(read.rows[0]).toMatchObject({ id: 'f-1', num_correct: 1, chosen: [expect.any(String)] });
    const fromParquet = loadCases(read.rows);
    const fromJsonl = loadCases((await readRows(jsonl)).rows);
    expect(fromParquet.format).toBe('best-of');
    expect(fromParquet.cases).toEqual(fromJsonl.cases);
  });

  it('assay eval gives the same report from either file', () => {
    const evalOf = (input: string) => {
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli/main.ts',
          'eval',
          '--spec',
          fixture('boxed.yaml'),
          '--input',
          input,
          '--json',
          '--concurrency',
          '1',
          '--bootstrap',
          '100',
          '--master-keys',
          '0',
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const a = evalOf(file);
    const b = evalOf(jsonl);
    expect(a.subsets).toEqual(b.subsets);
    expect(a.overall).toEqual(b.overall);
  });

  it('a file that is not Parquet after its magic bytes is refused, naming the file', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'assay-parquet-')), 'bad.parquet');
    writeFileSync(bad, 'PAR1 this is not a parquet file at all PAR1');
    await expect(readRows(bad)).rejects.toThrow(/bad\.parquet: could not read Parquet/);
  });
});
