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
  /** Why it did not parse. */
  error?: string;
}

export function parseMath(raw: string): ParsedAnswer {
  if (raw.length > MAX_ANSWER * 4)
    return { text: raw.slice(0, MAX_ANSWER), percent: false, error: 'answer too long' };
  const { text, percent } = cleanAnswer(raw);
  if (text.length > MAX_ANSWER) return { text, percent, error: 'answer too long' };
  try {
    return { text, percent, items: parseAnswer(text) };
  } catch (err) {
    if (err instanceof ParseError || err instanceof RangeError) return { text, percent, error: err.message };
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
  if (v.equal || gold.percent === pred.percent) return v;
  // 50% and 0.5 name the same quantity: retry with the percent side divided by 100
  const hundredth = (items: Ast[]): Ast[] =>
    items.map((a) => ({ t: 'div', a, b: { t: 'num', v: { n: 100n, d: 1n }, dec: false } }) as Ast);
  const retry = gold.percent
    ? equivalent(hundredth(gold.items), pred.items, opts)
    : equivalent(gold.items, hundredth(pred.items), opts);
  return retry.equal ? { equal: true, rule: `${retry.rule} (percent)` } : v;
}

/** Are two raw answer strings (with or without $…$ or \boxed{}) the same mathematical answer? */
export function mathEquivalent(a: string, b: string, options: Partial<EquivalenceOptions> = {}): boolean {
  return compareParsed(parseMath(a), parseMath(b), { ...DEFAULT_EQUIVALENCE, ...options }).equal;
}
