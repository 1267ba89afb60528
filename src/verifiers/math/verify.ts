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

/** The parse error of an answer past the size caps (a reference with it is unusable: reward.ts). */
export const TOO_LONG = 'answer too long';

export function parseMath(raw: string): ParsedAnswer {
  if (raw.length > MAX_ANSWER * 4)
    return { text: raw.slice(0, MAX_ANSWER), percent: false, degrees: false, error: TOO_LONG };
  const { text, percent, degrees } = cleanAnswer(raw);
  if (text.length > MAX_ANSWER) return { text, percent, degrees, error: TOO_LONG };
  try {
    return { text, percent, degrees, items: parseAnswer(text) };
  } catch (err) {
    if (err instanceof ParseError || err instanceof RangeError)
      return { text, percent, degrees, error: err.message === 'answer too long' ? TOO_LONG : err.message };
    throw err;
  }
}

/** Text for comparing unparsed answers: spacing dropped except between two letters or digits (`1 2` ≠ `12`). */
const squash = (s: string) =>
  s
    .replace(/\\!/g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([^a-zA-Z0-9 ]) ?/g, '$1')
    .trim();

/** Compare two parsed answers (gold first: a gold with several answers requires all of them). */
export function compareParsed(
  gold: ParsedAnswer,
  pred: ParsedAnswer,
  opts: EquivalenceOptions = DEFAULT_EQUIVALENCE,
): Verdict {
  const labelled = labelledChoice(pred.text);
  // an AMC gold may carry its option's value (`\\textbf{(C) }12`): its letter decides against a letter
  const letter = choiceLetter(gold.text) ?? (labelled ? labelledChoice(gold.text)?.letter : undefined);
  // multiple choice (AMC, GPQA, MMLU-Pro): a letter gold is matched by the letter the prediction picks,
  // `\\text{(D) } 40` and `D.` alike; the option's text after the letter is not judged
  if (letter && labelled) return { equal: labelled.letter === letter, rule: 'choice letter' };
  const v = compareValues(gold, pred, opts);
  if (v.equal) return v;
  // a value against an option with its value (`(D) 40` either side): the value after the option's letter
  const goldOption = labelled ? undefined : labelledChoice(gold.text);
  const w =
    !letter && labelled?.rest
      ? compareValues(gold, parseMath(labelled.rest), opts)
      : goldOption?.rest
        ? compareValues(parseMath(goldOption.rest), pred, opts)
        : undefined;
  return w?.equal ? { equal: true, rule: `${w.rule} (after the option letter)` } : v;
}

/** Formatting that wraps a choice letter: `\\text{(B)}`, `\\textbf{B}`, `**B**`. */
const unwrapText = (s: string) =>
  s
    .replace(/\\(?:text|textbf|textrm|mathrm|mathbf|textit|mbox)\s*\{([^{}]*)\}/g, '$1')
    .replace(/\*\*/g, '')
    .trim();

/** The letter of a gold that is only a choice: `B`, `(B)`, `B.`, `\\text{(B)}`. */
function choiceLetter(text: string): string | undefined {
  if (text.length > 40) return undefined;
  return /^\(?([A-J])\)?\.?$/.exec(unwrapText(text))?.[1];
}

/** A prediction that names an option: `(D)`, `(D) 40`, `D. 40`, `D: 40`, `D`; with the text after it. */
function labelledChoice(text: string): { letter: string; rest: string } | undefined {
  if (text.length > 400) return undefined;
  const t = unwrapText(text);
  const m = /^\(([A-J])\)\s*(.*)$/s.exec(t) ?? /^([A-J])(?:[.:)](?:\s+(.*))?)?$/s.exec(t);
  if (!m) return undefined;
  const rest = (m[2] ?? '').trim();
  // "(A) and (B)", "B. C.": naming several options is a candidate listing, not a choice
  if (/\([A-J]\)|^[A-J](?:[.:),\s]|$)|\b(?:or|and)\b/.test(rest)) return undefined;
  return { letter: m[1]!, rest };
}

function compareValues(gold: ParsedAnswer, pred: ParsedAnswer, opts: EquivalenceOptions): Verdict {
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
