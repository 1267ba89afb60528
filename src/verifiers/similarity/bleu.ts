/**
 * Sentence BLEU as sacrebleu's `sentence_bleu` computes it (Papineni et al. 2002; Post 2018): n-gram
 * precisions clipped by the maximum count over the references, brevity penalty against the closest
 * reference length (ties: the shorter), smoothing `exp` (sacrebleu's default: the k-th zero precision
 * becomes 1 / (2^k · total)), `floor`, `add-k` or `none`, and effective order (orders with no
 * hypothesis n-gram are left out, as `sentence_bleu` does by default). Returns sacrebleu's 0–100 score.
 */
import { ngramCounts } from './ngrams.js';
import { type BleuTokenizer, bleuTokens } from './tokenizers.js';

export type Smoothing = 'exp' | 'floor' | 'add-k' | 'none';

export interface BleuOptions {
  tokenize: BleuTokenizer;
  smooth: Smoothing;
  /** floor: the precision numerator for a zero count (default 0.1); add-k: k (default 1). */
  smoothValue?: number | undefined;
  lowercase: boolean;
  effectiveOrder: boolean;
  maxOrder: number;
}

export interface BleuScore {
  score: number;
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
}

const myLog = (x: number) => (x === 0 ? -9999999999 : Math.log(x));

export function sentenceBleu(hypothesis: string, references: string[], o: BleuOptions): BleuScore {
  const prep = (s: string) => bleuTokens(o.lowercase ? s.toLowerCase() : s, o.tokenize);
  const hyp = prep(hypothesis.trimEnd());
  const refs = references.map((r) => prep(r.trimEnd()));
  const sysLen = hyp.length;
  // Closest reference length; ties go to the shorter one.
  let refLen = refs[0]!.length;
  for (const r of refs) {
    const d = Math.abs(r.length - sysLen);
    const best = Math.abs(refLen - sysLen);
    if (d < best || (d === best && r.length < refLen)) refLen = r.length;
  }
  const correct: number[] = [];
  const totals: number[] = [];
  for (let n = 1; n <= o.maxOrder; n++) {
    const hypCounts = ngramCounts(hyp, n);
    const maxRef = new Map<string, number>();
    for (const r of refs) {
      for (const [k, c] of ngramCounts(r, n)) if (c > (maxRef.get(k) ?? 0)) maxRef.set(k, c);
    }
    let match = 0;
    let count = 0;
    for (const [k, c] of hypCounts) {
      count += c;
      match += Math.min(c, maxRef.get(k) ?? 0);
    }
    correct.push(match);
    totals.push(count);
  }
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(o.maxOrder).fill(0);
  if (!correct.some((c) => c > 0)) return { score: 0, precisions, bp, sysLen, refLen };
  const value = o.smoothValue ?? (o.smooth === 'floor' ? 0.1 : 1);
  let smoothMteval = 1;
  let effOrder = o.maxOrder;
  for (let n = 1; n <= o.maxOrder; n++) {
    if (o.smooth === 'add-k' && n > 1) {
      correct[n - 1]! += value;
      totals[n - 1]! += value;
    }
    if (totals[n - 1] === 0) break;
    if (o.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (o.smooth === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * totals[n - 1]!);
      } else if (o.smooth === 'floor') {
        precisions[n - 1] = (100 * value) / totals[n - 1]!;
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]!) / totals[n - 1]!;
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]!);
  return { score: bp * Math.exp(logSum / effOrder), precisions, bp, sysLen, refLen };
}
