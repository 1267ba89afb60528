/**
 * bench:linear — every extractor and guard that reads model output (test/fixtures/adversarial.ts), on each
 * adversarial shape at 1 MB, against a linear baseline measured in this run on the same characters (one
 * pass summing their codes). Printed per extractor: the shape it is slowest on, its time, the baseline's,
 * their ratio, and how its time grows when the input doubles to 2 MB (about 2 when linear, 4 when quadratic;
 * measured past 1 MB because V8's regex replace has a step between 512 KB and 1 MB that is not a trend).
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
const double = new Map(adversarialInputs(SIZE * 2));
const baseline = new Map(full.map(([shape, text]) => [shape, best(() => plainScan(text))]));

console.log(`bench:linear — ${EXTRACTORS.length} extractors × ${full.length} shapes at ${SIZE} characters`);
console.log(
  `baseline (plain scan of the same characters): ${[...baseline.values()].reduce((a, b) => a + b, 0) / baseline.size} ms mean\n`,
);
console.log(
  `${'extractor'.padEnd(34)} ${'slowest on'.padEnd(32)} ${'ms'.padStart(8)} ${'base ms'.padStart(8)} ${'ratio'.padStart(7)} ${'×2 input'.padStart(8)}`,
);
let worstRatio = 0;
let worstGrowth = 0;
for (const [name, extract] of EXTRACTORS) {
  let slow = { shape: '', ms: -1, ratio: 0, growth: 0 };
  for (const [shape, text] of full) {
    const ms = best(() => extract(text));
    const ratio = ms / baseline.get(shape)!;
    if (ratio > slow.ratio) slow = { shape, ms, ratio, growth: 0 };
  }
  // the slowest shape again at both sizes, interleaved, so a burst of load on the machine hits both
  if (slow.shape) {
    let one = Number.POSITIVE_INFINITY;
    let two = Number.POSITIVE_INFINITY;
    const text = full.find(([shape]) => shape === slow.shape)![1];
    for (let r = 0; r < REPEAT; r++) {
      one = Math.min(
        one,
        best(() => extract(text)),
      );
      two = Math.min(
        two,
        best(() => extract(double.get(slow.shape)!)),
      );
    }
    slow.growth = two / Math.max(one, 0.01);
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

// The regular expressions the scanners replaced, for contrast, at 1/32 of the size (at 1 MB they take minutes).
const OLD: [string, string, (t: string) => unknown][] = [
  [
    'code fence regex (backreference, lazy)',
    'fence openers that never close',
    (t) => [
      ...t.matchAll(/(^|\n)[ \t]*(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n([\s\S]*?)\n[ \t]*\2[ \t]*(?=\n|$)/g),
    ],
  ],
  [
    '<think>[\\s\\S]*?</think> replace',
    'unclosed <think>',
    (t) => t.replace(/<think>[\s\S]*?<\/think>/gi, ''),
  ],
  [
    '<answer>([\\s\\S]*?)</answer> matchAll',
    'unclosed <answer>',
    (t) => [...t.matchAll(/<answer>([\s\S]*?)<\/answer>/gi)],
  ],
  [
    'VERDICT (.+?)[\\s*_`.]*$',
    'verdict decoration',
    (t) =>
      /^[\s*_#>`-]*(?:final\s+)?(?:verdict|judgement|judgment|score|grade|decision|winner)[\s*_`]*[:：=][\s*_`]*(.+?)[\s*_`.]*$/i.exec(
        t,
      ),
  ],
];
const small = new Map(adversarialInputs(SIZE / 32));
console.log(
  `\nthe replaced regular expressions at ${SIZE / 32} characters (1/32 of the size above), same baseline:`,
);
for (const [name, shape, old] of OLD) {
  const text = small.get(shape)!;
  const ms = best(() => old(text));
  const base = best(() => plainScan(text));
  console.log(
    `${name.padEnd(42)} ${shape.padEnd(32)} ${ms.toFixed(1).padStart(8)} ms  ratio ${(ms / base).toFixed(0)}×`,
  );
}
