/**
 * bench:linear — every extractor and guard that reads model output (test/fixtures/adversarial.ts), on each
 * adversarial shape at 1 MB, against a linear baseline measured in this run on the same characters (one
 * pass summing their codes). Printed per extractor: the shape it is slowest on, its time, the baseline's,
 * their ratio, and the growth from 512 KB to 1 MB (about 2 when linear, 4 when quadratic).
 * Usage: npm run bench:linear [-- --size 1048576 --repeat 3]
 */
import { adversarialInputs, EXTRACTORS, MB, plainScan } from '../test/fixtures/adversarial.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SIZE = arg('size', MB);
const REPEAT = arg('repeat', 3);

/** Best of REPEAT runs, in ms: the least disturbed by other processes on a shared machine. */
function best(fn: () => unknown): number {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < REPEAT; r++) {
    const started = performance.now();
    fn();
    min = Math.min(min, performance.now() - started);
  }
  return min;
}

const full = adversarialInputs(SIZE);
const half = new Map(adversarialInputs(SIZE / 2));
const baseline = new Map(full.map(([shape, text]) => [shape, best(() => plainScan(text))]));

console.log(`bench:linear — ${EXTRACTORS.length} extractors × ${full.length} shapes at ${SIZE} characters`);
console.log(
  `baseline (plain scan of the same characters): ${[...baseline.values()].reduce((a, b) => a + b, 0) / baseline.size} ms mean\n`,
);
console.log(
  `${'extractor'.padEnd(34)} ${'slowest on'.padEnd(32)} ${'ms'.padStart(8)} ${'base ms'.padStart(8)} ${'ratio'.padStart(7)} ${'×2 size'.padStart(8)}`,
);
let worstRatio = 0;
let worstGrowth = 0;
for (const [name, extract] of EXTRACTORS) {
  let slow = { shape: '', ms: -1, ratio: 0, growth: 0 };
  for (const [shape, text] of full) {
    const ms = best(() => extract(text));
    const ratio = ms / baseline.get(shape)!;
    if (ratio > slow.ratio) {
      const small = best(() => extract(half.get(shape)!));
      slow = { shape, ms, ratio, growth: ms / Math.max(small, 0.01) };
    }
  }
  worstRatio = Math.max(worstRatio, slow.ratio);
  if (slow.ms > 5) worstGrowth = Math.max(worstGrowth, slow.growth); // below 5 ms the growth is noise
  console.log(
    `${name.padEnd(34)} ${slow.shape.padEnd(32)} ${slow.ms.toFixed(1).padStart(8)} ${baseline.get(slow.shape)!.toFixed(2).padStart(8)} ${slow.ratio.toFixed(0).padStart(7)} ${slow.growth.toFixed(2).padStart(8)}`,
  );
}
console.log(
  `\nworst ratio to the baseline: ${worstRatio.toFixed(0)}×; worst growth when the size doubles (cases over 5 ms): ${worstGrowth.toFixed(2)}×`,
);
