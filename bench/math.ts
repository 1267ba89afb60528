/**
 * bench:math — the `math` reward (answer extraction + equivalence) on the labelled corpus of issue 16
 * (test/verifiers/math/corpus/<kind>.jsonl: gold answers as datasets ship them, responses as models write
 * them, 2 316 cases by defect kind, 340 of them adversarial).
 * Reported, all measured in this run:
 * - quality: precision and recall per kind and overall, every false positive by id;
 * - throughput of the pure reward in this thread (one core), beside a BASELINE measured in the same run on
 *   the same samples: a naive grader (last \boxed{} by brace matching, then string comparison after
 *   stripping spaces: the shape of the MATH/DAPO string graders). The ratio to it is what stays comparable
 *   on a shared, loaded machine, where the absolute rate moves with the load;
 * - every pathological input (power towers, 10 000-deep nesting, 1 MB responses) against its budget;
 * - the same samples through the worker pool (`Runtime({ threads: 2 })` + `Scorer`), with latencies.
 * Usage: npm run bench:math [-- --samples 20000 --seconds 4]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import type { RewardContext, Sample } from '../src/core/types.js';
import { parseSpec, Runtime, Scorer } from '../src/index.js';
import { math, mathEquivalent } from '../src/verifiers/math/index.js';
import type { CorpusCase } from '../test/verifiers/math/corpus/generate.js';
import { answers } from '../test/verifiers/math/corpus.js';
import { PATHOLOGICAL } from '../test/verifiers/math/pathological.js';
import { wrap } from '../test/verifiers/math/responses.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('samples', 20_000);
const SECONDS = arg('seconds', 4);
/** A pathological input must be answered within this (the worker pool's deadline is the backstop). */
const BUDGET_MS = 50;

interface Labelled extends Sample {
  expected: boolean;
  id: string;
  kind: string;
}

const CORPUS_DIR = new URL('../test/verifiers/math/corpus/', import.meta.url);
function corpusSamples(): Labelled[] {
  const out: Labelled[] = [];
  for (const f of readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    for (const line of readFileSync(new URL(f, CORPUS_DIR), 'utf8').split('\n').filter(Boolean)) {
      const c = JSON.parse(line) as CorpusCase;
      out.push({ response: c.response, reference: c.gold, expected: c.expected, id: c.id, kind: c.kind });
    }
  }
  return out;
}

/** The baseline grader: last \boxed{…} (brace matching), then string equality without spaces. */
function naiveGrader(s: Sample): number {
  const text = s.response as string;
  const at = text.lastIndexOf('\\boxed{');
  if (at < 0) return 0;
  let depth = 0;
  for (let i = at + 6; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) {
      const norm = (x: string) => x.replace(/\s+/g, '').replace(/^\$|\$$/g, '');
      return norm(text.slice(at + 7, i)) === norm(String(s.reference)) ? 1 : 0;
    }
  }
  return 0;
}

/** CPU seconds this process (all its threads) used since `from`: robust to other work on a shared machine. */
const cpuSeconds = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
};
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

function latencyLine(label: string, perSecond: number, lat: number[], perCpuSecond: number, extra = '') {
  lat.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(40)} ${perSecond.toFixed(0).padStart(7)} /s wall ${perCpuSecond.toFixed(0).padStart(7)} /cpu-s   p50 ${fmt(pct(lat, 0.5)).padStart(8)}   p99 ${fmt(pct(lat, 0.99)).padStart(8)}   max ${fmt(lat.at(-1)!).padStart(9)}${extra}`,
  );
}

const corpus = corpusSamples();
const samples: Labelled[] = Array.from({ length: N }, (_, i) => corpus[i % corpus.length]!);
const bytes = samples.reduce((s, x) => s + (x.response as string).length, 0) / samples.length;
const ctx: RewardContext = {
  deadline: Number.MAX_SAFE_INTEGER,
  signal: new AbortController().signal,
  seed: 0,
};
const fn = math.create(math.args.parse({}));

console.log(
  `bench:math: ${corpus.length} labelled cases (issue 16 corpus) cycled to ${N} samples, mean response ${bytes.toFixed(0)} B`,
);
console.log(
  `machine: ${availableParallelism()} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}\n`,
);

// Quality on the corpus, per kind (the same labels test/verifiers/math/kinds.test.ts checks).
{
  const byKind = new Map<string, { tp: number; fp: number; fn: number; tn: number }>();
  const falsePositives: string[] = [];
  for (const s of corpus) {
    const out = fn(s, ctx);
    const got = out.status === 'ok' && out.score === 1;
    const k = byKind.get(s.kind) ?? { tp: 0, fp: 0, fn: 0, tn: 0 };
    if (got && s.expected) k.tp++;
    else if (got) {
      k.fp++;
      falsePositives.push(s.id);
    } else if (s.expected) k.fn++;
    else k.tn++;
    byKind.set(s.kind, k);
  }
  const ratio = (a: number, b: number) => (b === 0 ? '   n/a' : (a / b).toFixed(4));
  const line = (name: string, k: { tp: number; fp: number; fn: number; tn: number }) =>
    `${name.padEnd(24)} ${String(k.tp + k.fp + k.fn + k.tn).padStart(5)}   precision ${ratio(k.tp, k.tp + k.fp)}   recall ${ratio(k.tp, k.tp + k.fn)}   accuracy ${ratio(k.tp + k.tn, k.tp + k.fp + k.fn + k.tn)}`;
  const total = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const [kind, k] of [...byKind].sort()) {
    console.log(line(kind, k));
    for (const f of ['tp', 'fp', 'fn', 'tn'] as const) total[f] += k[f];
  }
  console.log(line('overall', total));
  console.log(`false positives: ${falsePositives.length ? falsePositives.join(', ') : 'none'}\n`);
}

// 1. Single thread: the pure reward and the naive baseline, alternating rounds so both see the same load.
/** The older corpus's answers wrapped in 1–4 KB of reasoning (long responses cost the extractor more). */
const long: Labelled[] = Object.values(answers)
  .flat()
  .map(([gold, pred, expected], i) => ({
    response: wrap(pred, i),
    reference: gold,
    expected,
    id: `long-${i}`,
    kind: 'long',
  }));

function round(call: (s: Labelled) => unknown, seconds: number, from: Labelled[] = samples) {
  const lat: number[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  let k = 0;
  while (performance.now() - start < seconds * 1000) {
    const s = from[k++ % from.length]!;
    const t = performance.now();
    call(s);
    lat.push(performance.now() - t);
  }
  return {
    lat,
    perSecond: lat.length / ((performance.now() - start) / 1000),
    perCpu: lat.length / cpuSeconds(cpu),
  };
}
{
  for (let i = 0; i < Math.min(3000, N); i++) {
    fn(samples[i]!, ctx);
    naiveGrader(samples[i]!);
  }
  const reward: ReturnType<typeof round>[] = [];
  const naive: ReturnType<typeof round>[] = [];
  for (let r = 0; r < 4; r++) {
    reward.push(round((s) => fn(s, ctx), SECONDS / 4));
    naive.push(round(naiveGrader, SECONDS / 8));
  }
  const merge = (rs: ReturnType<typeof round>[]) => ({
    lat: rs.flatMap((r) => r.lat),
    perSecond: rs.reduce((a, r) => a + r.perSecond, 0) / rs.length,
    perCpu: rs.reduce((a, r) => a + r.perCpu, 0) / rs.length,
  });
  const m = merge(reward);
  const b = merge(naive);
  latencyLine('single thread, math reward', m.perSecond, m.lat, m.perCpu, `   (target ≥ 7000/s)`);
  latencyLine('baseline: naive last-box string grader', b.perSecond, b.lat, b.perCpu);
  const l = round((s) => fn(s, ctx), SECONDS / 4, long);
  latencyLine('single thread, math reward, 1–4 KB', l.perSecond, l.lat, l.perCpu);
  console.log(
    `${''.padEnd(40)} ratio math / baseline: ${(m.perCpu / b.perCpu).toFixed(4)} per cpu-s (same run, same samples)`,
  );
}
{
  const pairs = corpus.slice(0, 600).map((s) => [String(s.reference), s.response as string] as const);
  let next = 0;
  const r = round(() => {
    const [gold, pred] = pairs[next++ % pairs.length]!;
    return mathEquivalent(gold, pred.slice(-200));
  }, SECONDS / 4);
  latencyLine('single thread, mathEquivalent only', r.perSecond, r.lat, r.perCpu);
}

// Pathological inputs: answers (power towers, (10^{100000})!, 10 000-deep nesting…) in both orders, and
// megabyte responses built against the extractor; each must come back within BUDGET_MS.
{
  const MB = 1_000_000;
  const responses: [string, string][] = [
    ['1 MB of "$"', '$'.repeat(MB)],
    ['1 MB of backslashes', '\\'.repeat(MB)],
    ['1 MB of "1,"', '1,'.repeat(MB / 2)],
    ['1 MB of "is "', 'is '.repeat(MB / 3)],
    ['1 MB of unclosed \\boxed{', '\\boxed{'.repeat(MB / 7)],
    ['1 MB of unclosed <think>', `<think>${'a'.repeat(MB)}`],
    ['1 MB of "**"', '**'.repeat(MB / 2)],
    ['1 MB of "The answer is "', 'The answer is '.repeat(MB / 14)],
    ['1 MB of "\\frac{1}{"', '\\frac{1}{'.repeat(MB / 9)],
    ['1 MB of "$1 for "', '$1 for '.repeat(MB / 7)],
    ['1 MB of digits', '7'.repeat(MB)],
  ];
  const timed: [number, string][] = [];
  for (const [a, b] of PATHOLOGICAL) {
    for (const [gold, pred] of [
      [a, b],
      [b, a],
    ] as const) {
      const t = performance.now();
      const r = fn({ response: `The answer is $\\boxed{${pred}}$.`, reference: gold }, ctx);
      timed.push([performance.now() - t, `answer ${JSON.stringify(pred.slice(0, 24))} (${r.status})`]);
    }
  }
  for (const [name, response] of responses) {
    const t = performance.now();
    const r = fn({ response, reference: '7' }, ctx);
    timed.push([performance.now() - t, `response ${name} (${r.status})`]);
  }
  timed.sort((x, y) => y[0] - x[0]);
  const over = timed.filter(([ms]) => ms > BUDGET_MS);
  console.log(
    `\npathological inputs: ${timed.length}, budget ${BUDGET_MS} ms each; over budget: ${over.length ? over.map(([ms, w]) => `${w} ${fmt(ms)}`).join(', ') : 'none'}`,
  );
  for (const [ms, what] of timed.slice(0, 5)) console.log(`  slowest: ${fmt(ms).padStart(9)}  ${what}`);
}

// 2. Through the worker pool: batches of 512 samples, per-sample time as measured inside the worker.
{
  const rt = new Runtime({ threads: 2 });
  const scorer = new Scorer(parseSpec({ reward: { use: 'math' } }), rt);
  await scorer.score(samples.slice(0, 1024)); // warm the workers
  const lat: number[] = [];
  const batchLat: number[] = [];
  const cpu = process.cpuUsage();
  const start = performance.now();
  let done = 0;
  for (let at = 0; at < N; at += 512) {
    const batch = samples.slice(at, at + 512);
    const t = performance.now();
    const out = await scorer.score(batch);
    batchLat.push(performance.now() - t);
    for (const r of out) lat.push(r.ms ?? 0);
    done += batch.length;
  }
  const perSecond = done / ((performance.now() - start) / 1000);
  console.log('');
  latencyLine('worker pool, 2 threads (in-worker)', perSecond, lat, done / cpuSeconds(cpu));
  batchLat.sort((a, b) => a - b);
  console.log(
    `${''.padEnd(40)} batch of 512: p50 ${fmt(pct(batchLat, 0.5))}, max ${fmt(batchLat.at(-1)!)} (queueing, transfer and scoring)`,
  );
  await rt.close();
}
console.log(
  `\nload average now ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}. On a shared, loaded machine the wall rate includes waiting for a core; /cpu-s does not.`,
);
