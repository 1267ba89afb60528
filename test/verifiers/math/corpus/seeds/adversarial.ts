/**
 * Adversarial cases: responses that look right and are wrong (every one must earn 0). Each pattern is a
 * way a response can show the right answer without giving it (an intermediate box, a draft in <think>, a
 * candidate list, a denominator, ±, "not …") or give a value a little off the right one (off by one, a sign,
 * a reciprocal, a rounding past the tolerance, a tiny constant). Applied to golds of every shape.
 */
import type { Seed } from './seeds-answers.js';

interface Gold {
  /** The gold as the dataset ships it. */
  gold: string;
  /** A different value that looks like it (same shape, wrong). */
  wrong: string;
  /** A second different value, for lists and candidate sets. */
  other: string;
}

const GOLDS: Gold[] = [
  { gold: '7', wrong: '8', other: '6' },
  { gold: '12', wrong: '-12', other: '21' },
  { gold: '25', wrong: '24', other: '52' },
  { gold: '48', wrong: '84', other: '47' },
  { gold: '100', wrong: '1000', other: '10' },
  { gold: '2016', wrong: '2017', other: '2015' },
  { gold: '\\frac{1}{2}', wrong: '2', other: '\\frac{1}{3}' },
  { gold: '\\frac{3}{4}', wrong: '\\frac{4}{3}', other: '\\frac{3}{5}' },
  { gold: '\\frac{2}{9}', wrong: '\\frac{2}{7}', other: '\\frac{9}{2}' },
  { gold: '\\sqrt{2}', wrong: '2', other: '\\sqrt{3}' },
  { gold: '2\\sqrt{3}', wrong: '3\\sqrt{2}', other: '\\sqrt{3}' },
  { gold: '\\frac{\\pi}{3}', wrong: '\\frac{\\pi}{6}', other: '\\frac{2\\pi}{3}' },
  { gold: 'x+1', wrong: 'x-1', other: 'x+2' },
  { gold: '(2,3)', wrong: '(3,2)', other: '(2,-3)' },
  { gold: '-5', wrong: '5', other: '-4' },
  { gold: '0.25', wrong: '0.52', other: '0.2' },
  { gold: '[1, 4)', wrong: '[1, 4]', other: '(1, 4)' },
  { gold: '36', wrong: '6', other: '63' },
  { gold: '\\frac{5}{6}', wrong: '\\frac{6}{5}', other: '\\frac{1}{6}' },
  { gold: '81', wrong: '9', other: '18' },
];

type Pattern = [name: string, make: (g: Gold) => string | undefined, why: string];

const isInteger = (s: string) => /^-?\d+$/.test(s);

const PATTERNS: Pattern[] = [
  [
    'right_then_wrong_box',
    (g) =>
      `At first I get $\\boxed{${g.gold}}$. Wait, that is wrong; redoing it, the answer is $\\boxed{${g.wrong}}$.`,
    'the right value only in an intermediate box; the final box is wrong',
  ],
  [
    'right_in_think_only',
    (g) =>
      `<think>Let me compute... I think it is \\boxed{${g.gold}}.</think>\nThe answer is $\\boxed{${g.wrong}}$.`,
    'the right value only in the <think> draft',
  ],
  [
    'unclosed_think',
    (g) => `<think>Working through it, the answer should be \\boxed{${g.gold}}. Let me verify once more`,
    'an unclosed <think>: no final answer was given',
  ],
  [
    'candidate_listing',
    (g) =>
      `It could be $\\boxed{${g.wrong}}$, $\\boxed{${g.other}}$, $\\boxed{${g.gold}}$, $\\boxed{0}$ or $\\boxed{-1}$.`,
    'five different boxed candidates: a candidate listing',
  ],
  [
    'list_in_box',
    (g) => `The answer is $\\boxed{${g.wrong}, ${g.gold}}$.`,
    'a list containing the answer is not the answer',
  ],
  [
    'or_in_box',
    (g) => `The answer is $\\boxed{${g.gold} \\text{ or } ${g.wrong}}$.`,
    'hedging between two values',
  ],
  [
    'plus_minus',
    (g) =>
      g.gold.startsWith('(') || g.gold.startsWith('[')
        ? undefined
        : `So $x = \\boxed{\\pm ${g.gold.replace(/^-/, '')}}$.`,
    '± gives two values where one is asked',
  ],
  [
    'final_line_overrides',
    (g) =>
      `We find $\\boxed{${g.gold}}$.\n\nFinal Answer: The final answer is $${g.wrong}$. I hope it is correct.`,
    'a final-answer line after the box changes the answer',
  ],
  [
    'not_the_answer',
    (g) => `The answer is not $${g.gold}$; it is $\\boxed{${g.wrong}}$.`,
    'the right value is named as wrong',
  ],
  [
    'question_restated',
    (g) =>
      `We are told the total is $${g.gold}$ when the missing part is included. The missing part is $\\boxed{${g.wrong}}$.`,
    'the right value appears in the restated question; the answer is another',
  ],
  [
    'in_denominator',
    (g) => (isInteger(g.gold) ? `So the probability is \\frac{1}{${g.gold}} in the end.` : undefined),
    'the gold number is a denominator',
  ],
  [
    'under_root',
    (g) => (isInteger(g.gold) ? `The length equals 2\\sqrt{${g.gold.replace('-', '')}} units` : undefined),
    'the gold number is under a root',
  ],
  [
    'in_a_word',
    (g) =>
      isInteger(g.gold) && !g.gold.startsWith('-')
        ? `The compound is X${g.gold}Y and we stop here.`
        : undefined,
    'the gold number is glued inside a word',
  ],
  [
    'as_exponent',
    (g) => (isInteger(g.gold) ? `Thus the value is $3^{${g.gold}}$.` : undefined),
    'the gold number is an exponent',
  ],
  [
    'inconsistent_approx',
    (g) =>
      /^-?\d+$/.test(g.gold)
        ? `The answer is $\\boxed{${g.gold} \\approx ${Number(g.gold) + 3}.5}$.`
        : undefined,
    'an approximation that contradicts the stated value',
  ],
  [
    'false_chain',
    (g) => (isInteger(g.gold) ? `Hence $\\boxed{${g.gold} = ${Number(g.gold) + 1}}$.` : undefined),
    'a chain that contradicts itself',
  ],
  [
    'wrong_boxed',
    (g) => `Therefore, the final answer is $\\boxed{${g.wrong}}$.`,
    'a wrong value that looks like the gold',
  ],
  [
    'wrong_minerva',
    (g) => `Final Answer: The final answer is $${g.other}$. I hope it is correct.`,
    'another wrong value in the Minerva format',
  ],
  [
    'gsm8k_wrong',
    (g) =>
      isInteger(g.gold)
        ? `Adding up, ${g.gold} - 1 = ${Number(g.gold) - 1}.\n#### ${Number(g.gold) - 1}`
        : undefined,
    'the gold appears in the working; the #### line is another value',
  ],
];

/** Extra near-miss cases of other shapes (each wrong for a reason in its note). */
const NEAR_MISSES: Seed[] = [
  ['\\frac{1}{3}', 'The answer is $\\boxed{0.33}$.', false, 'a rounding outside the 1e-6 tolerance'],
  ['\\frac{1}{3}', 'The answer is $\\boxed{0.3333}$.', false, 'four digits are still outside the tolerance'],
  ['\\pi', 'The answer is $\\boxed{3.14}$.', false, 'pi rounded (allow_rounded is off by default)'],
  ['\\pi', 'The answer is $\\boxed{\\frac{22}{7}}$.', false, 'an approximation of pi'],
  ['x^2+2x+1', 'So $\\boxed{(x+1)^2+10^{-12}}$.', false, 'a tiny constant added'],
  ['0.5', 'The answer is $\\boxed{5\\%}$.', false, 'five percent is 0.05'],
  ['50\\%', 'The answer is $\\boxed{5}$.', false, 'five is not fifty percent'],
  ['\\frac{1}{2004!}', '\\boxed{\\frac{1}{2006!}}', false, 'tiny exact numbers that floats confuse'],
  ['2^{-99}', '\\boxed{2^{-98}}', false, 'tiny exact numbers'],
  ['(0, 1)', '\\boxed{(0, 1]}', false, 'an end closed'],
  ['x > 3', '\\boxed{x \\ge 3}', false, 'strict vs non-strict'],
  ['\\{1, 2\\}', '\\boxed{\\{1, 2, 3\\}}', false, 'an extra member'],
  ['(1, 2)', '\\boxed{\\{1, 2\\}}', false, 'a set is not an ordered pair'],
  ['B', '\\boxed{\\text{(C) } 12}', false, 'the option letter decides'],
  ['110_2', '\\boxed{6}', false, 'the decimal value of a base-2 numeral'],
  ['3:5', '\\boxed{5:3}', false, 'reversed ratio'],
  ['y = 2x + 1', '\\boxed{y = 2x - 1}', false, 'the intercept'],
  ['\\sqrt{x^2}', '\\boxed{x}', false, 'not for negative x'],
  ['x^{4/3}', '\\boxed{x^{3/4}}', false, 'inverted exponent'],
  ['2500', 'The total is 25 00 units.', false, 'not a thousands grouping'],
  ['5', 'The answer is $\\boxed{5}$. Wait, actually the answer is 6.', false, 'a correction after the box'],
  ['5', '<think>The answer is 5</think>I do not know.', false, 'the answer only inside think'],
  ['0.5', '\\boxed{50}', false, 'fifty is not a half without a percent sign'],
  ['30', '\\boxed{\\frac{\\pi}{6}}', false, 'radians against an unmarked number'],
  ['2', '\\boxed{2}\\boxed{3}', false, 'the last box is 3'],
  ['7', '\\boxed{7!}', false, 'a factorial of the answer'],
  ['5', '\\boxed{x = 5 - y}', false, 'a label with an expression'],
  ['4', '\\boxed{4 > 3}', false, 'a true inequality is not the value'],
  ['(0, \\infty)', '\\boxed{\\{x \\mid x \\neq 0\\}}', false, 'all non-zero reals'],
  ['110_2', '\\boxed{110}', false, 'digits without their base'],
  ['3', '1, 2, 3, 4, 5', false, 'a bare list of candidates'],
  ['B', '(A) and (B)', false, 'two options named'],
  ['A', '\\boxed{A = 5}', false, 'a variable A is not option A'],
  ['9', 'The answer is between 9 and 10.', false, 'a range'],
  ['12', 'We have 12 apples. Eating 3 leaves 9.', false, 'the starting amount'],
  ['10', '\\boxed{2 \\times 5 = 11}', false, 'a false equation'],
  ['\\pi', '\\boxed{\\pi \\approx 4}', false, 'an inconsistent rounding'],
  ['2', '\\boxed{x^2 = 4}', false, 'an equation in x'],
  ['0.45', '\\boxed{0.4 \\approx 0.45}', false, 'an inconsistent rounding of a decimal'],
  ['x^2+2x+1', '\\boxed{(x+1)^2+0.000000000001}', false, 'a tiny decimal perturbation'],
];

/** All adversarial seeds: every pattern applied to every gold it fits, then the near misses. */
export function adversarialSeeds(): Seed[] {
  const out: Seed[] = [];
  for (const [name, make, why] of PATTERNS) {
    for (const g of GOLDS) {
      const response = make(g);
      if (response !== undefined) out.push([g.gold, response, false, `${name}: ${why}`]);
    }
  }
  return [...out, ...NEAR_MISSES];
}
