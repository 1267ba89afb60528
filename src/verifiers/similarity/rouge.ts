/**
 * ROUGE as Google's rouge-score computes it (Lin 2004): its tokenizer (lowercase, every run of characters
 * other than a-z0-9 becomes a space, optional Porter stemming of tokens longer than 3 characters),
 * ROUGE-N from clipped n-gram overlap, ROUGE-L from the longest common subsequence, ROUGE-Lsum from the
 * union LCS over newline-separated sentences. Precision, recall and F1 in [0, 1]; with several targets the
 * one with the best F counts (`score_multi`).
 */
import { fMeasure, ngramCounts, overlap, total } from './ngrams.js';
import { porterStem } from './porter.js';

export type RougeType = 'rouge1' | 'rouge2' | 'rouge3' | 'rouge4' | 'rouge5' | 'rougeL' | 'rougeLsum';

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

const ZERO: RougeScore = { precision: 0, recall: 0, fmeasure: 0 };
const score = (hits: number, predLen: number, targetLen: number): RougeScore => {
  const precision = hits / predLen;
  const recall = hits / targetLen;
  return { precision, recall, fmeasure: fMeasure(precision, recall) };
};

/** rouge-score's default tokenizer. */
export function rougeTokens(text: string, stem: boolean): string[] {
  const tokens = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(/\s+/)
    .filter((t) => t.length > 0);
  return stem ? tokens.map((t) => (t.length > 3 ? porterStem(t) : t)) : tokens;
}

function rougeN(target: string[], pred: string[], n: number): RougeScore {
  const t = ngramCounts(target, n);
  const p = ngramCounts(pred, n);
  const tn = total(t);
  const pn = total(p);
  if (tn === 0 || pn === 0) return ZERO;
  return score(overlap(t, p), pn, tn);
}

/** The LCS dynamic-programming table, (|a|+1)·(|b|+1) entries, row-major. */
function lcsTable(a: readonly string[], b: readonly string[]): Int32Array {
  const cols = b.length + 1;
  const t = new Int32Array((a.length + 1) * cols);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      t[i * cols + j] =
        a[i - 1] === b[j - 1]
          ? t[(i - 1) * cols + j - 1]! + 1
          : Math.max(t[(i - 1) * cols + j]!, t[i * cols + j - 1]!);
    }
  }
  return t;
}

/** LCS length with two rolling rows (ROUGE-L needs only the length). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

function rougeL(target: string[], pred: string[]): RougeScore {
  if (target.length === 0 || pred.length === 0) return ZERO;
  return score(lcsLength(target, pred), pred.length, target.length);
}

/** Indices in `ref` of one LCS with `can`, by rouge-score's backtrack (ties move along `ref`). */
function lcsIndices(ref: string[], can: string[]): number[] {
  const t = lcsTable(ref, can);
  const cols = can.length + 1;
  const out: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i * cols + j - 1]! > t[(i - 1) * cols + j]!) j--;
    else i--;
  }
  return out;
}

function rougeLsum(targetText: string, predText: string, stem: boolean): RougeScore {
  const sents = (s: string) =>
    s
      .split('\n')
      .filter((x) => x.length > 0)
      .map((x) => rougeTokens(x, stem));
  const refs = sents(targetText);
  const cans = sents(predText);
  const m = refs.reduce((s, r) => s + r.length, 0);
  const n = cans.reduce((s, c) => s + c.length, 0);
  if (refs.length === 0 || cans.length === 0 || m === 0 || n === 0) return ZERO;
  const countR = new Map<string, number>();
  const countC = new Map<string, number>();
  for (const r of refs) for (const t of r) countR.set(t, (countR.get(t) ?? 0) + 1);
  for (const c of cans) for (const t of c) countC.set(t, (countC.get(t) ?? 0) + 1);
  let hits = 0;
  for (const r of refs) {
    const union = new Set<number>();
    for (const c of cans) for (const i of lcsIndices(r, c)) union.add(i);
    for (const i of [...union].sort((a, b) => a - b)) {
      const tok = r[i]!;
      if ((countC.get(tok) ?? 0) > 0 && (countR.get(tok) ?? 0) > 0) {
        hits++;
        countC.set(tok, countC.get(tok)! - 1);
        countR.set(tok, countR.get(tok)! - 1);
      }
    }
  }
  return score(hits, n, m);
}

/** One ROUGE score of a prediction against one target. */
export function rougeScore(type: RougeType, target: string, prediction: string, stem: boolean): RougeScore {
  if (type === 'rougeLsum') return rougeLsum(target, prediction, stem);
  const t = rougeTokens(target, stem);
  const p = rougeTokens(prediction, stem);
  return type === 'rougeL' ? rougeL(t, p) : rougeN(t, p, Number(type.slice(5)));
}
