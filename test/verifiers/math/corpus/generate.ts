/**
 * Generates the labelled math corpus of issue 16 into test/verifiers/math/corpus/<kind>.jsonl, one case per
 * line: { id, kind, gold, response, expected, note, shape }. Deterministic (no randomness: variants rotate
 * by index), so re-running gives the same files. The seeds (./seeds/) hold the meaning and the
 * verdicts; this script only ships each gold in the shapes datasets use and each prediction in the shapes
 * models write.
 *
 * Usage: npx tsx test/verifiers/math/corpus/generate.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adversarialSeeds } from './seeds/adversarial.js';
import { ANSWER_SEEDS, type Seed } from './seeds/seeds-answers.js';
import { RESPONSE_SEEDS } from './seeds/seeds-responses.js';

export interface CorpusCase {
  id: string;
  kind: string;
  gold: string;
  response: string;
  expected: boolean;
  note: string;
  /** How the gold and the response were shaped (dataset gold shape / response style). */
  shape: string;
  /** Which datasets ship golds of this shape. */
  dataset: string;
}

/** The datasets whose golds look like `gold` in `shape`. */
function datasetOf(gold: string, shape: string): string {
  const g = gold.trim();
  if (/^(?:\\text(?:bf)?\{)?\(?[A-J]\)?\}?\.?$/.test(g)) return 'AMC/GPQA/MMLU-Pro (letter)';
  if (shape.startsWith('gsm8k') || /\n####/.test(g)) return 'GSM8K (#### line)';
  if (shape.startsWith('math_solution') || /\\boxed/.test(g))
    return 'MATH/NuminaMath/BigMath (boxed in a solution)';
  if (/^\d{1,3}$/.test(g)) return 'AIME (integer 0-999)';
  if (shape.startsWith('dollar')) return 'OlympiadBench ($…$)';
  return 'Omni-MATH/DAPO/DeepScaleR (bare answer)';
}

const OUT = dirname(fileURLToPath(import.meta.url));

/** Reasoning before the answer: prose with formulas and numbers of its own, as models write it. */
const REASONING = [
  'Let us restate the problem: we need the quantity asked for, so we set up the equations first.',
  'From the conditions, $a + b = 10$ and $a - b = 4$, which give $a = 7$ and $b = 3$.',
  'Next, the discriminant is $b^2 - 4ac = 25 - 24 = 1$, so there are two real roots.',
  'We count the cases separately: 12 arrangements in the first case and 18 in the second.',
  'Double-checking the arithmetic: $17 \\times 3 = 51$ and $51 + 9 = 60$, as before.',
  'By AM-GM, $\\frac{p+q}{2} \\ge \\sqrt{pq}$, with equality when $p = q$.',
];
const reasoning = (i: number) => [0, 1, 2].map((k) => REASONING[(i + k * 2) % REASONING.length]).join('\n\n');

/** How datasets ship a gold answer. `bare` (OlympiadBench, Omni-MATH, DAPO, DeepScaleR), `dollar`, a MATH
 * solution ending in \boxed{}, a GSM8K `####` line (numbers only). */
function goldShapes(gold: string): [string, (g: string) => string][] {
  const shapes: [string, (g: string) => string][] = [
    ['bare', (g) => g],
    [
      'math_solution',
      (g) =>
        `Simplifying the expression step by step gives the result.\nTherefore the answer is $\\boxed{${g}}$.`,
    ],
    ['dollar', (g) => `$${g}$`],
  ];
  if (/^-?\d+(?:\.\d+)?$/.test(gold))
    shapes.push(['gsm8k', (g) => `First 3 + 4 = 7, then 7 * 2 = 14 units are used.\n#### ${g}`]);
  return shapes;
}

/** How models write a final answer after their reasoning. */
const STYLES: [string, (p: string, i: number) => string][] = [
  ['boxed_reasoning', (p, i) => `${reasoning(i)}\n\nTherefore, the final answer is $\\boxed{${p}}$.`],
  [
    'think_then_box',
    (p, i) =>
      `<think>\n${reasoning(i)}\nMaybe it is \\boxed{999}? No, recheck.\n</think>\n\nThe answer is $\\boxed{${p}}$.`,
  ],
  ['minerva', (p, i) => `${reasoning(i)}\n\nFinal Answer: The final answer is $${p}$. I hope it is correct.`],
  ['answer_line', (p, i) => `${reasoning(i)}\n\n**Answer:** $${p}$`],
  [
    'intermediate_box',
    (p, i) =>
      `${reasoning(i)} The auxiliary length is $\\boxed{17}$.\n\nSo the final answer is $\\boxed{${p}}$.`,
  ],
  ['answer_tag', (p, i) => `<think>${reasoning(i)}</think>\n<answer>${p}</answer>`],
  ['display_box', (p, i) => `${reasoning(i)}\n\n**Final Answer**\n\\[\n\\boxed{${p}}\n\\]`],
];

/** Golds of reference_shapes are already shipped as solutions and sentences: keep them as they are. */
const KEEP_GOLD = new Set(['reference_shapes']);

function answerCases(kind: string, seeds: Seed[]): CorpusCase[] {
  const out: CorpusCase[] = [];
  seeds.forEach(([gold, pred, expected, note], i) => {
    const shapes = KEEP_GOLD.has(kind) ? ([['as_shipped', (g: string) => g]] as const) : goldShapes(gold);
    for (let v = 0; v < 3; v++) {
      const [shapeName, shape] = shapes[(i + v) % shapes.length]!;
      const [styleName, style] = STYLES[(i * 3 + v) % STYLES.length]!;
      out.push({
        id: `${kind}-${i}-${v}`,
        kind,
        gold: shape(gold),
        response: style(pred, i + v),
        expected,
        note,
        shape: `${shapeName}/${styleName}`,
        dataset: datasetOf(shape(gold), shapeName),
      });
    }
  });
  return out;
}

/** A prose lead-in with no numbers or formulas of its own, so it cannot supply an answer. */
const PROSE_LEAD = 'Let me read the problem carefully and think about what is being asked.\n\n';
const THINK_LEAD = '<think>\nScratch work: 3 + 4 = 7, so maybe \\boxed{13}? Not sure yet.\n</think>\n';

function responseCases(kind: string, seeds: Seed[]): CorpusCase[] {
  const out: CorpusCase[] = [];
  seeds.forEach(([gold, response, expected, note], i) => {
    const variants: [string, string][] = [
      ['as_written', response],
      ['think_before', THINK_LEAD + response],
    ];
    // a lead-in would turn a response that is only an answer into prose: only for responses that are prose
    // (and a response of words only is a word answer only when it stands alone)
    if (/\s/.test(response.trim()) && /[\d$\\]/.test(response))
      variants.push(['prose_before', PROSE_LEAD + response]);
    variants.forEach(([shape, text], v) => {
      out.push({
        id: `${kind}-${i}-${v}`,
        kind,
        gold,
        response: text,
        expected,
        note,
        shape,
        dataset: datasetOf(gold, shape),
      });
    });
  });
  return out;
}

function adversarialCases(): CorpusCase[] {
  return adversarialSeeds().map(([gold, response, expected, note], i) => ({
    id: `adversarial-${i}`,
    kind: 'adversarial',
    gold,
    response,
    expected,
    note,
    shape: 'as_written',
    dataset: datasetOf(gold, 'as_written'),
  }));
}

export function generate(): Map<string, CorpusCase[]> {
  const files = new Map<string, CorpusCase[]>();
  for (const [kind, seeds] of Object.entries(ANSWER_SEEDS)) files.set(kind, answerCases(kind, seeds));
  for (const [kind, seeds] of Object.entries(RESPONSE_SEEDS)) files.set(kind, responseCases(kind, seeds));
  files.set('adversarial', adversarialCases());
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(OUT, { recursive: true });
  let total = 0;
  for (const [kind, cases] of generate()) {
    writeFileSync(join(OUT, `${kind}.jsonl`), `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);
    total += cases.length;
    console.log(`${kind.padEnd(24)} ${cases.length}`);
  }
  console.log(`total ${total} cases in ${OUT}`);
}
