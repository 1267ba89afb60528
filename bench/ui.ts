/**
 * bench:ui — the dashboard's queries on a large store: fills a run store through the real writer thread
 * (batches + per-step aggregates), then times each query the pages make. The baseline, measured in the same
 * run, is a scan of every sample through the `samples` view, which is what the page would cost without
 * the aggregates.
 *
 *   npm run bench:ui                       # 256k samples: 400 steps of 10 requests of 64
 *   npm run bench:ui -- --steps 2000       # 1.28M samples
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleRecord } from '../src/core/encoded.js';
import type { RewardResult } from '../src/core/types.js';
import { RunStore } from '../src/store/run-store.js';
import { StoreReader } from '../src/ui/queries.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(argv[i + 1]);
};
const STEPS = arg('steps', 400);
const REQUESTS = 10;
const BATCH = 64;
const file = join(mkdtempSync(join(tmpdir(), 'assay-bench-ui-')), 'runs.sqlite');

const result = (score: number): RewardResult => ({
  name: 'gate',
  status: 'ok',
  score,
  components: [
    {
      name: 'exact_match',
      status: 'ok',
      score: score >= 1 ? 1 : 0,
      reason: 'exact match',
      detail: { extracted: '42' },
    },
    { name: 'format.tags', status: 'ok', score: 1, reason: 'format ok' },
  ],
});
const text = 'Let us think step by step. '.repeat(12);

const t0 = performance.now();
const store = new RunStore(file, { maxBuffered: 10_000_000 });
store.startRun('big', { specs: ['gate'] });
for (let step = 0; step < STEPS; step++) {
  for (let r = 0; r < REQUESTS; r++) {
    const records = Array.from({ length: BATCH }, (_, i) =>
      JSON.stringify(
        sampleRecord(
          {
            id: `${step}-${r}-${i}`,
            source: i % 3 ? 'math' : 'code',
            group: `${step}-${r}-${i >> 3}`,
            prompt: 'Q?',
            response: `${text}<answer>${i % 5}</answer>`,
            reference: '42',
          },
          result(((i * 7 + step) % 5) / 2),
        ),
      ),
    );
    store.recordBatch(['big', step, 'gate', 'score', 10 + (i32(step, r) % 90)], records);
  }
  if (step % 50 === 49) await store.drain();
}
await store.close();
const samples = STEPS * REQUESTS * BATCH;
const fillS = (performance.now() - t0) / 1000;
console.log(
  `bench:ui — ${samples.toLocaleString()} samples in ${STEPS} steps; filled through the writer thread in ${fillS.toFixed(1)} s (${Math.round(samples / fillS).toLocaleString()} samples/s, aggregates included)`,
);

function i32(a: number, b: number): number {
  return (a * 31 + b * 17) >>> 0;
}

const reader = new StoreReader(file);
const time = (label: string, fn: () => unknown, reps = 5) => {
  fn();
  const t = performance.now();
  for (let i = 0; i < reps; i++) fn();
  console.log(`${label.padEnd(52)} ${((performance.now() - t) / reps).toFixed(2).padStart(9)} ms`);
};
time('runs list', () => reader.runs());
time('run page: every step (curves, first load)', () => reader.steps('big'));
time('live poll: last step onwards', () => reader.steps('big', STEPS - 1));
time('signal gauges: last step', () => reader.lastStep('big'));
time('sample browser: newest 50', () => reader.samplesPage('big'));
time('sample browser: one step, source code, score >= 1', () =>
  reader.samplesPage('big', { step: STEPS >> 1, source: 'code', minScore: 1 }),
);
time('sample browser: text matching nothing (16 windows of 64 batches)', () =>
  reader.samplesPage('big', { q: 'no such text' }),
);
const id = reader.samples('big', { step: 3 })[0]!.id;
time('sample page with its group', () => reader.sample(id));
time(
  'baseline: per-step means by scanning the samples view',
  () => reader.db.prepare("SELECT step, avg(score) FROM samples WHERE run = 'big' GROUP BY step").all(),
  1,
);
reader.close();
