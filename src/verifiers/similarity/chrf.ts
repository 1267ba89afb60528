/**
 * chrF and chrF++ as sacrebleu computes them (Popović 2015, 2017): character n-grams of orders 1..6
 * (whitespace removed unless asked), plus word n-grams of orders 1..word_order for chrF++ (words with one
 * leading or trailing ASCII punctuation mark split off), per-order precision and recall averaged over the
 * orders where both sides have n-grams (sacrebleu's default; `eps_smoothing` averages per-order F
 * instead), F-beta with beta 2; with several references the one giving the best F counts. 0–100.
 */
import { charNgramCounts, fMeasure, ngramCounts } from './ngrams.js';

export interface ChrfOptions {
  charOrder: number;
  wordOrder: number;
  beta: number;
  lowercase: boolean;
  whitespace: boolean;
  epsSmoothing: boolean;
}

const PUNCTS = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

function words(sent: string): string[] {
  const out: string[] = [];
  for (const w of sent.split(/\s+/u)) {
    if (w.length === 0) continue;
    const chars = [...w];
    if (chars.length === 1) out.push(w);
    else if (PUNCTS.has(chars.at(-1)!)) out.push(chars.slice(0, -1).join(''), chars.at(-1)!);
    else if (PUNCTS.has(chars[0]!)) out.push(chars[0]!, chars.slice(1).join(''));
    else out.push(w);
  }
  return out;
}

function allNgrams(sent: string, o: ChrfOptions): Map<string, number>[] {
  const text = o.whitespace ? sent : sent.split(/\s+/u).join('');
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= o.charOrder; n++) out.push(charNgramCounts(text, n));
  if (o.wordOrder > 0) {
    const w = words(sent);
    for (let n = 1; n <= o.wordOrder; n++) out.push(ngramCounts(w, n));
  }
  return out;
}

function fScore(stats: number[], o: ChrfOptions): number {
  const eps = 1e-16;
  const factor = o.beta ** 2;
  const order = o.charOrder + o.wordOrder;
  let score = 0;
  let effective = 0;
  let avgP = 0;
  let avgR = 0;
  for (let i = 0; i < order; i++) {
    const [nHyp, nRef, nMatch] = [stats[3 * i]!, stats[3 * i + 1]!, stats[3 * i + 2]!];
    const p = nHyp > 0 ? nMatch / nHyp : eps;
    const r = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * p + r;
    score += denom > 0 ? ((1 + factor) * p * r) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgP += p;
      avgR += r;
      effective++;
    }
  }
  if (o.epsSmoothing) return (100 * score) / order;
  if (effective === 0) return 0;
  return 100 * fMeasure(avgP / effective, avgR / effective, o.beta);
}

export function sentenceChrf(hypothesis: string, references: string[], o: ChrfOptions): number {
  const prep = (s: string) => (o.lowercase ? s.toLowerCase() : s);
  const hyp = allNgrams(prep(hypothesis), o);
  let best = -1;
  for (const ref of references) {
    const refNgrams = allNgrams(prep(ref), o);
    const stats: number[] = [];
    hyp.forEach((h, i) => {
      const r = refNgrams[i]!;
      let match = 0;
      let hypCount = 0;
      for (const [k, c] of h) {
        hypCount += c;
        const rc = r.get(k);
        if (rc !== undefined) match += Math.min(c, rc);
      }
      let refCount = 0;
      for (const c of r.values()) refCount += c;
      stats.push(r.size > 0 ? hypCount : 0, refCount, match);
    });
    best = Math.max(best, fScore(stats, o));
  }
  return best;
}
