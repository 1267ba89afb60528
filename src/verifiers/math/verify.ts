/**
 * The pure core: one gold answer string and one predicted answer string in, a verdict out.
 * Cleaning (normalize.ts) → parsing (parse.ts) → equivalence (equivalence.ts); an answer that does not
 * parse is compared as cleaned text, so nothing here throws for any input.
 */
import type { Ast } from './ast.js';
import { DEFAULT_EQUIVALENCE, type EquivalenceOptions, equivalent, type Verdict } from './equivalence.js';
import { cleanAnswer, MAX_ANSWER } from './normalize.js';
import { ParseError, parseAnswer } from './parse.js';

export interface ParsedAnswer {
  /** The cleaned text (what was parsed). */
  text: string;
  items?: Ast[];
  percent: boolean;
  degrees: boolean;
  /** Why it did not parse. */
  error?: string;
}

export function parseMath(raw: string): ParsedAnswer {
  if (raw.length > MAX_ANSWER * 4)
    return { text: raw.slice(0, MAX_ANSWER), percent: false, degrees: false, error: 'answer too long' };
  const { text, percent, degrees } = cleanAnswer(raw);
  if (text.length > MAX_ANSWER) return { text, percent, degrees, error: 'answer too long' };
  try {
    return { text, percent, degrees, items: parseAnswer(text) };
  } catch (err) {
    if (err instanceof ParseError || err instanceof RangeError)
      return { text, percent, degrees, error: err.message };
    throw err;
  }
}

const squash = (s: string) => s.replace(/\s+/g, '').replace(/\\!/g, '');

/** Compare two parsed answers (gold first: a gold with several answers requires all of them). */
export function compareParsed(
  gold: ParsedAnswer,
  pred: ParsedAnswer,
  opts: EquivalenceOptions = DEFAULT_EQUIVALENCE,
): Verdict {
  if (!gold.items || !pred.items) {
    const equal = squash(gold.text) === squash(pred.text) && gold.text.length > 0;
    return {
      equal,
      rule: equal ? 'same text' : `different text (${gold.items ? 'prediction' : 'gold'} did not parse)`,
    };
  }
  const v = equivalent(gold.items, pred.items, opts);
  if (v.equal) return v;
  // 50% and 0.5 name the same quantity, as do 30° and π/6: retry with the marked side rescaled
  for (const [flag, factor, name] of RESCALES) {
    if (gold[flag] === pred[flag]) continue;
    const retry = gold[flag]
      ? equivalent(scaled(gold.items, factor), pred.items, opts)
      : equivalent(gold.items, scaled(pred.items, factor), opts);
    if (retry.equal) return { equal: true, rule: `${retry.rule} (${name})` };
  }
  return v;
}

const HUNDREDTH: Ast = {
  t: 'div',
  a: { t: 'num', v: { n: 1n, d: 1n }, dec: false },
  b: { t: 'num', v: { n: 100n, d: 1n }, dec: false },
};
const RADIANS_PER_DEGREE: Ast = {
  t: 'div',
  a: { t: 'const', name: 'pi' },
  b: { t: 'num', v: { n: 180n, d: 1n }, dec: false },
};
const RESCALES = [
  ['percent', HUNDREDTH, 'percent'],
  ['degrees', RADIANS_PER_DEGREE, 'degrees'],
] as const;
const scaled = (items: Ast[], factor: Ast): Ast[] => items.map((a) => ({ t: 'mul', a, b: factor }) as Ast);

/** Are two raw answer strings (with or without $…$ or \boxed{}) the same mathematical answer? */
export function mathEquivalent(a: string, b: string, options: Partial<EquivalenceOptions> = {}): boolean {
  return compareParsed(parseMath(a), parseMath(b), { ...DEFAULT_EQUIVALENCE, ...options }).equal;
}
