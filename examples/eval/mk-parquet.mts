// Writes rewardbench2.parquet from rewardbench2.jsonl (how it was made; run: npx tsx examples/eval/mk-parquet.mts).
import { readFileSync, writeFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';

const here = (name: string) => new URL(name, import.meta.url).pathname;
const rows = readFileSync(here('rewardbench2.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const col = (name: string) => rows.map((r) => r[name]);
const int64 = (name: string) => rows.map((r) => BigInt(r[name] as number));
const buffer = parquetWriteBuffer({
  columnData: [
    { name: 'id', data: col('id') },
    { name: 'subset', data: col('subset') },
    { name: 'prompt', data: col('prompt') },
    { name: 'chosen', data: col('chosen') },
    { name: 'rejected', data: col('rejected') },
    { name: 'num_correct', data: int64('num_correct'), type: 'INT64' },
    { name: 'total_completions', data: int64('total_completions'), type: 'INT64' },
  ],
});
writeFileSync(here('rewardbench2.parquet'), new Uint8Array(buffer));
