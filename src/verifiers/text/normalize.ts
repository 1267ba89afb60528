export interface NormalizeOptions {
  ignore_case?: boolean;
  ignore_whitespace?: boolean;
  ignore_punctuation?: boolean;
  ignore_articles?: boolean;
}

const PUNCTUATION = /^[\p{P}\p{S}]$/u;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isWordChar = (c: string | undefined) => c !== undefined && /^[\p{L}\p{N}]$/u.test(c);

/**
 * Punctuation and symbols become spaces, except where they belong to a number: a sign before a digit that
 * does not follow a letter or digit (`-5`, `+3`, `−2`), and a decimal point or separator between digits
 * (`1.0`, `1,000`). So `-5` stays apart from `5` and `1.0` from `10`. A scanner, linear in the text.
 */
function dropPunctuation(text: string): string {
  const chars = [...text];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (!PUNCTUATION.test(c)) {
      out += c;
      continue;
    }
    const prev = chars[i - 1];
    const next = chars[i + 1];
    const sign = (c === '-' || c === '+' || c === '−') && isDigit(next) && !isWordChar(prev);
    const point = (c === '.' || c === ',') && isDigit(prev) && isDigit(next);
    out += sign ? (c === '−' ? '-' : c) : point ? c : ' ';
  }
  return out;
}
const ARTICLES = /\b(?:a|an|the)\b/gi;
const WHITESPACE = /\s+/g;

/** SQuAD-style answer normalization, each step optional. */
export function normalizeText(text: string, opts: NormalizeOptions): string {
  let s = text.normalize('NFKC');
  if (opts.ignore_case) s = s.toLowerCase();
  if (opts.ignore_punctuation) s = dropPunctuation(s);
  if (opts.ignore_articles) s = s.replace(ARTICLES, ' ');
  if (opts.ignore_whitespace) s = s.replace(WHITESPACE, ' ').trim();
  return s;
}
