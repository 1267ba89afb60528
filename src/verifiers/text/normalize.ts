export interface NormalizeOptions {
  ignore_case?: boolean;
  ignore_whitespace?: boolean;
  ignore_punctuation?: boolean;
  ignore_articles?: boolean;
}

const PUNCTUATION = /[\p{P}\p{S}]/gu;
const ARTICLES = /\b(?:a|an|the)\b/gi;
const WHITESPACE = /\s+/g;

/** SQuAD-style answer normalization, each step optional. */
export function normalizeText(text: string, opts: NormalizeOptions): string {
  let s = text.normalize('NFKC');
  if (opts.ignore_case) s = s.toLowerCase();
  if (opts.ignore_punctuation) s = s.replace(PUNCTUATION, ' ');
  if (opts.ignore_articles) s = s.replace(ARTICLES, ' ');
  if (opts.ignore_whitespace) s = s.replace(WHITESPACE, ' ').trim();
  return s;
}
