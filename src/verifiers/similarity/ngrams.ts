/** N-gram counting shared by BLEU, chrF and ROUGE: n-grams of a token list keyed by their joined text. */

const SEP = '\u0001'; // cannot occur inside a token (tokens are split on whitespace; controls are kept apart)

/** Counts of the n-grams of one order. */
export function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    let key = tokens[i]!;
    for (let j = 1; j < n; j++) key += SEP + tokens[i + j]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Counts of the character n-grams of one order (characters are code points). */
export function charNgramCounts(text: string, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  // Keys are the n-gram's text either way, so texts with and without astral characters compare.
  const chars = /[\uD800-\uDFFF]/.test(text) ? [...text] : undefined;
  const length = chars ? chars.length : text.length;
  for (let i = 0; i + n <= length; i++) {
    const key = chars ? chars.slice(i, i + n).join('') : text.slice(i, i + n);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Sum of min(count in a, count in b): the clipped overlap of two n-gram multisets. */
export function overlap(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const [key, count] of a) {
    const other = b.get(key);
    if (other !== undefined) n += Math.min(count, other);
  }
  return n;
}

export const total = (m: ReadonlyMap<string, number>): number => {
  let n = 0;
  for (const c of m.values()) n += c;
  return n;
};

/** F-measure of a precision and recall, 0 when both are 0. */
export const fMeasure = (p: number, r: number, beta = 1): number =>
  p + r > 0 ? ((1 + beta * beta) * p * r) / (beta * beta * p + r) : 0;
