/**
 * sacrebleu's tokenizers, restated (sacrebleu/tokenizers): `13a` (mteval-v13a, the default of BLEU),
 * `intl` (mteval-v14 international: Unicode punctuation and symbols), `char` (characters) and `none`.
 * Each returns the tokenized line; BLEU then splits it on whitespace.
 */

export type BleuTokenizer = '13a' | 'intl' | 'char' | 'none';

const RE_13A: [RegExp, string][] = [
  // ASCII punctuation and symbols except ' - . , (the class [\{-\~\[-\` -\&\(-\+\:-\@\/])
  [/([{-~[-` -&(-+:-@/])/g, ' $1 '],
  // period and comma unless preceded by a digit
  [/([^0-9])([.,])/g, '$1 $2 '],
  // period and comma unless followed by a digit
  [/([.,])([^0-9])/g, ' $1 $2'],
  // dash when preceded by a digit
  [/([0-9])(-)/g, '$1 $2 '],
];

const RE_INTL: [RegExp, string][] = [
  [/(\P{N})(\p{P})/gu, '$1 $2 '],
  [/(\p{P})(\P{N})/gu, ' $1 $2'],
  [/(\p{S})/gu, ' $1 '],
];

const squeeze = (s: string) =>
  s
    .split(/\s+/u)
    .filter((t) => t.length > 0)
    .join(' ');

function tokenize13a(line: string): string {
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.includes('&')) {
    s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  s = ` ${s} `;
  for (const [re, to] of RE_13A) s = s.replace(re, to);
  return squeeze(s);
}

function tokenizeIntl(line: string): string {
  let s = line;
  for (const [re, to] of RE_INTL) s = s.replace(re, to);
  return squeeze(s);
}

/** The tokens of a line under a sacrebleu tokenizer. */
export function bleuTokens(line: string, tokenizer: BleuTokenizer): string[] {
  const text =
    tokenizer === '13a'
      ? tokenize13a(line)
      : tokenizer === 'intl'
        ? tokenizeIntl(line)
        : tokenizer === 'char'
          ? [...line].join(' ')
          : line;
  return text.split(/\s+/u).filter((t) => t.length > 0);
}
