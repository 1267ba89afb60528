/**
 * Google-BLEU as NLTK's `sentence_gleu` computes it (Wu et al. 2016): all n-grams of orders 1..4 pooled,
 * matches over max(hypothesis n-grams, reference n-grams), i.e. min(precision, recall); with several
 * references the best ratio counts. Tokens are whitespace-separated, as `text.split()` gives them.
 */
import { ngramCounts, overlap, total } from './ngrams.js';

export function sentenceGleu(hypothesis: string, references: string[], minLen = 1, maxLen = 4): number {
  const split = (s: string) => s.split(/\s+/u).filter((t) => t.length > 0);
  const grams = (tokens: string[]) => {
    const all = new Map<string, number>();
    for (let n = minLen; n <= maxLen; n++)
      for (const [k, c] of ngramCounts(tokens, n)) all.set(`${n}:${k}`, c);
    return all;
  };
  const hyp = grams(split(hypothesis));
  const tpfp = total(hyp);
  let best: [number, number] | undefined;
  for (const ref of references) {
    const r = grams(split(ref));
    const nAll = Math.max(tpfp, total(r));
    if (nAll === 0) continue;
    const tp = overlap(r, hyp);
    if (!best || tp / nAll > best[0] / best[1]) best = [tp, nAll];
  }
  return best ? best[0] / best[1] : 0;
}
