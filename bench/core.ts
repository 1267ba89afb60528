/**
 * bench:core — 100k exact_match samples through the real CLI (`node bin/assay.js score`, built code,
 * worker pool, JSONL in and out), next to the pure exact_match core called in a loop in this process
 * (the ceiling: no parsing, no pool, no output), measured in the same run on the same machine.
 * Usage: npm run bench:core [-- --samples 100000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import '../src/builtins.js';
import { getReward } from '../src/core/registry.js';
import type { CpuReward } from '../src/core/reward.js';
import type { Sample } from '../src/core/types.js';
import { exactItem } from './exact-item.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('samples', 100_000);
const ROOT = resolve(import.meta.dirname, '..');

/** Deterministic mix: tagged, boxed and bare answers; half right, some multi-reference, realistic lengths. */
function makeSamples(n: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const { answer, given, reasoning } = exactItem(i);
    const response =
      i % 3 === 0
        ? `<think>${reasoning}</think><answer>${given}</answer>`
        : i % 3 === 1
          ? `${reasoning} so \\boxed{${given}}`
          : given;
    out.push({
      id: `s${i}`,
      response,
      reference: i % 5 === 0 ? [answer, 'other'] : answer,
      source: `src${i % 3}`,
    });
  }
  return out;
}

const samples = makeSamples(N);
const dir = mkdtempSync(join(tmpdir(), 'assay-bench-core-'));
const input = join(dir, 'in.jsonl');
const output = join(dir, 'out.jsonl');
const spec = join(dir, 'spec.yaml');
writeFileSync(input, `${samples.map((s) => JSON.stringify(s)).join('\n')}\n`);
writeFileSync(spec, 'reward: { use: exact_match }\n');

// Baseline: the pure core in a loop, one thread.
const def = getReward('exact_match') as CpuReward;
const fn = def.create(def.args.parse({}));
const ctx = { deadline: Number.MAX_SAFE_INTEGER, signal: new AbortController().signal, seed: 0 };
let hits = 0;
for (let i = 0; i < 2000; i++) fn(samples[i]!, ctx); // warm-up
const t0 = performance.now();
for (const s of samples) {
  const o = fn(s, ctx);
  if ('score' in o && o.score === 1) hits++;
}
const pureSec = (performance.now() - t0) / 1000;

// The CLI, as a user runs it (built code; `npm run build` runs before this script).
const t1 = performance.now();
const r = spawnSync(
  process.execPath,
  [join(ROOT, 'bin/assay.js'), 'score', '--spec', spec, '--input', input, '--output', output],
  {
    encoding: 'utf8',
  },
);
const cliSec = (performance.now() - t1) / 1000;
if (r.status !== 0) {
  console.error(r.stderr);
  process.exit(1);
}
const reported = Number(/throughput: (\d+) samples\/s/.exec(r.stderr)?.[1]);

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(
  `bench:core — ${fmt(N)} exact_match samples, ${availableParallelism()} cores, node ${process.version}`,
);
console.log(
  `input ${(statSync(input).size / 1e6).toFixed(1)} MB, output ${(statSync(output).size / 1e6).toFixed(1)} MB; ${hits} correct`,
);
console.log(`baseline  pure exact_match loop, 1 thread, in-process : ${fmt(N / pureSec)} samples/s`);
console.log(
  `assay score CLI (process start to exit, incl. startup)  : ${fmt(N / cliSec)} samples/s (${cliSec.toFixed(2)} s)`,
);
console.log(`assay score CLI (its own summary: read, score, write)   : ${fmt(reported)} samples/s`);
console.log(
  `ratio CLI end-to-end / pure loop: ${(N / cliSec / (N / pureSec)).toFixed(2)}   target: >= 50,000 samples/s end-to-end`,
);
