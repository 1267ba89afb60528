/**
 * Word counting and tokenization as the IFEval reference does them:
 * - `countWords`: `nltk.tokenize.RegexpTokenizer(r"\w+")` with Python's Unicode `\w`.
 * - `wordTokenize`: `nltk.word_tokenize`, i.e. Punkt sentences, each through NLTK's improved Treebank
 *   tokenizer (quotes, punctuation, brackets, clitics such as n't / 's, "cannot" → "can not"). No npm
 *   library reproduces NLTK's rules, so they are restated here; every pattern is a fixed-width or
 *   single-class pattern (linear), and the final-period rule is a scan rather than a `\s*$` regex.
 */
import { PY_WORD } from './pytext.js';
import { punktSentences } from './sentences.js';

const WORDS = new RegExp(`[${PY_WORD}]+`, 'gu');

/** Number of `\w+` runs (instructions_util.count_words). */
export function countWords(text: string): number {
  let n = 0;
  WORDS.lastIndex = 0;
  while (WORDS.exec(text) !== null) n++;
  return n;
}

type Rule = [RegExp, string];

const STARTING_QUOTES: Rule[] = [
  [/([«“‘„]|`+)/gu, ' $1 '],
  [/^"/g, '``'],
  [/(``)/g, ' $1 '],
  [/([ ([{<])("|'{2})/g, '$1 `` '],
  [new RegExp(`(?<![${PY_WORD}])(')(?!(?:re|ve|ll|m|t|s|d|n)\\b)(?=[${PY_WORD}])`, 'giu'), '$1 '],
];

const PUNCTUATION_BEFORE_FINAL: Rule[] = [
  [/([:,])([^\d])/g, ' $1 $2'],
  [/([:,])$/g, ' $1 '],
  [/\.{2,}/g, ' $& '],
  [/[;@#$%&]/g, ' $& '],
  [/[\u2012-\u2015]/gu, ' $& '],
];

const PUNCTUATION_AFTER_FINAL: Rule[] = [
  [/[?!]/g, ' $& '],
  [/([^'])' /g, "$1 ' "],
  [/[*]/g, ' $& '],
  [/[\][(){}<>]/g, ' $& '],
  [/--/g, ' -- '],
];

const ENDING_QUOTES: Rule[] = [
  [/([»”’])/gu, ' $1 '],
  [/''/g, " '' "],
  [/"/g, " '' "],
  [/\s+/gu, ' '],
  [/([^' ])('[sS]|'[mM]|'[dD]|') /g, '$1 $2 '],
  [/([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /g, '$1 $2 '],
];

const CONTRACTIONS: Rule[] = [
  [/\b(can)(not)\b/gi, ' $1 $2 '],
  [/\b(d)('ye)\b/gi, ' $1 $2 '],
  [/\b(gim)(me)\b/gi, ' $1 $2 '],
  [/\b(gon)(na)\b/gi, ' $1 $2 '],
  [/\b(got)(ta)\b/gi, ' $1 $2 '],
  [/\b(lem)(me)\b/gi, ' $1 $2 '],
  [/\b(more)('n)\b/gi, ' $1 $2 '],
  [/\b(wan)(na)(?=\s)/gi, ' $1 $2 '],
  [/ ('t)(is)\b/gi, ' $1 $2 '],
  [/ ('t)(was)\b/gi, ' $1 $2 '],
];

const apply = (text: string, rules: Rule[]) => rules.reduce((t, [re, to]) => t.replace(re, to), text);

/** The final period of a sentence (before closing brackets and quotes) split off, unless it ends `..`. */
function splitFinalPeriod(text: string, closers: string): string {
  let end = text.length;
  while (end > 0 && /\s/u.test(text[end - 1]!)) end--;
  let dot = end;
  while (dot > 0 && closers.includes(text[dot - 1]!)) dot--;
  if (dot < 2 || text[dot - 1] !== '.' || text[dot - 2] === '.') return text;
  return `${text.slice(0, dot - 1)} . ${text.slice(dot, end)} `;
}

/** NLTK's Treebank-style tokenization of one sentence. */
export function treebankTokenize(sentence: string): string[] {
  let text = apply(sentence, STARTING_QUOTES);
  text = splitFinalPeriod(text, ']})>"\'»”’ ');
  text = apply(text, PUNCTUATION_BEFORE_FINAL);
  text = splitFinalPeriod(text, ']})>"\'');
  text = apply(text, PUNCTUATION_AFTER_FINAL);
  text = apply(` ${text} `, ENDING_QUOTES);
  text = apply(text, CONTRACTIONS);
  return text.split(' ').filter((t) => t.length > 0);
}

/** `nltk.word_tokenize(text)`: Punkt sentences, each tokenized. */
export function wordTokenize(text: string): string[] {
  return punktSentences(text).flatMap(treebankTokenize);
}
