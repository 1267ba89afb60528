/**
 * The metrics of reward benchmarks, pure over per-case results, each restated from its reference:
 *
 * - pairs (RewardBench v1, JudgeBench): a win when chosen scores strictly above rejected. A tie earns no
 *   credit, as in RewardBench, and is counted in `ties`; a case whose scoring failed is left out of every
 *   figure and counted in `errors`.
 * - RM-Bench: the 3×3 matrix of chosen style i against rejected style j (strictly above); `hard` is the mean
 *   of the upper triangle (chosen less styled than rejected), `normal` the diagonal, `easy` the lower
 *   triangle; accuracy is the mean of all nine.
 * - RewardBench 2 best-of-N: 1/k when the chosen response is among the k responses sharing the top score,
 *   else 0. Ties subset: 0.30·tied accuracy + 0.30·ref accuracy + 0.20·correctness preferred + 0.20·
 *   correctness preferred (hard) + 0.01·mean tanh(min margin / spread − 1), over prompts paired by id
 *   `ref:N` / `tied:N` (rewardbench/utils.py, process_single_model).
 * - Verification: accept when score ≥ threshold; accuracy, precision, recall, false-positive rate and
 *   Cohen's κ against the labels.
 * - ProcessBench: the predicted first wrong step is the first step scored below the threshold (−1 when none);
 *   F1 is the harmonic mean of the accuracy on erroneous and on correct solutions.
 *
 * Every figure gets a percentile bootstrap 95% interval from a seeded resampling of cases (stratified by
 * subset for overall figures; in the Ties subset a prompt's ref and tied rows are resampled together).
 */
import { seededRandom } from '../core/random.js';
import type { CaseKind } from './cases.js';

/** One case after scoring: its credit and what the metrics of its kind need. */
export interface CaseResult {
  id: string;
  subset: string;
  kind: CaseKind;
  row: number;
  status: 'ok' | 'error';
  reason?: string;
  /** The case's credit in [0, 1] (see the module comment for each kind). */
  value?: number;
  /** Some compared scores were exactly equal. */
  tie?: boolean;
  /** The candidates' scores in candidate order (chosen first), null where the reward failed. */
  scores: (number | null)[];
  /** Verification and master keys: whether the reward accepted the response; and the label. */
  accepted?: boolean;
  label?: boolean | number;
  /** Process: the predicted first wrong step (−1: none), from the step scores. */
  predicted_step?: number;
  step_scores?: number[];
  /** RM-Bench: matrix[i][j] = 1 when chosen i scored above rejected j. */
  matrix?: number[][];
  /** RewardBench 2 Ties: which half of a prompt pair and the prompt id. */
  ties?: { type: 'ref' | 'tied'; prompt_id: string; correct: number[]; incorrect: number[] };
  /** Pairs scored again with the responses swapped: the credit then, and whether the winner changed. */
  swapped?: { value: number; flip: boolean };
  /**
   * Whether the winner depends on the order the responses are shown in: from the swapped scoring, or from a
   * pairwise judge that judges both orders itself (its `detail.position_flips`).
   */
  position_flip?: boolean;
}

/** Figures of one set of cases (NaN-free: undefined figures are null). */
export type Figures = Record<string, number | null>;

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

// ---- per-case credit -------------------------------------------------------------------------------

/** Pair credit: 1 when chosen is strictly above rejected. */
export function pairCredit(chosen: number, rejected: number): { value: number; tie: boolean } {
  return { value: chosen > rejected ? 1 : 0, tie: chosen === rejected };
}

/** RewardBench 2 best-of-N credit: 1/k when a chosen response is among the k sharing the top score. */
export function bestOfCredit(chosen: number[], rejected: number[]): { value: number; tie: boolean } {
  const top = Math.max(...chosen, ...rejected);
  const atTop = [...chosen, ...rejected].filter((s) => s === top).length;
  const chosenAtTop = chosen.filter((s) => s === top).length;
  return { value: chosenAtTop / atTop, tie: chosenAtTop > 0 && atTop > 1 };
}

/** RM-Bench matrix: m[i][j] = 1 when chosen i > rejected j. */
export function styleMatrix(chosen: number[], rejected: number[]): { matrix: number[][]; tie: boolean } {
  let tie = false;
  const matrix = chosen.map((c) =>
    rejected.map((r) => {
      if (c === r) tie = true;
      return c > r ? 1 : 0;
    }),
  );
  return { matrix, tie };
}

/** The first step scored below the threshold, or −1 when every step passes (ProcessBench's prediction). */
export function firstWrongStep(stepScores: readonly number[], threshold: number): number {
  const i = stepScores.findIndex((s) => s < threshold);
  return i;
}

/** `ref:12` / `tied:12` → the Ties half and prompt id; undefined for another id. */
export function tiesId(id: string): { type: 'ref' | 'tied'; prompt_id: string } | undefined {
  const m = /^(ref|tied):(.+)$/.exec(id);
  return m ? { type: m[1] as 'ref' | 'tied', prompt_id: m[2]! } : undefined;
}

export const isTiesSubset = (subset: string): boolean => subset.toLowerCase() === 'ties';

// ---- figures of a set of cases ---------------------------------------------------------------------
//
// Every figure is a ratio of sums over units (a unit: one case, or one Ties prompt), so a kind is a map from
// a unit to a fixed vector of counts and a `finish` from the summed vector to figures. The bootstrap then
// only sums vectors of resampled units: 1 000 rounds over 10 000 cases cost milliseconds, not minutes.

/** A kind's figures as sums: `vector` of one unit, `finish` of the summed vectors. */
export interface Additive {
  size: number;
  vector(unit: CaseResult[]): number[];
  finish(sums: readonly number[]): Figures;
}

const pairs: Additive = {
  // [cases, credit, cases seen in both orders, flips]
  size: 4,
  vector: ([c]) => [1, c!.value!, c!.position_flip === undefined ? 0 : 1, c!.position_flip ? 1 : 0],
  finish: ([n, credit, both, flips]) => ({
    accuracy: ratio(credit!, n!),
    ...(both! > 0 && { position_flip_rate: ratio(flips!, both!) }),
  }),
};

const styled: Additive = {
  // [cases, credit, hard wins, hard cells, normal wins, normal cells, easy wins, easy cells]
  size: 8,
  vector: ([c]) => {
    const v = [1, c!.value!, 0, 0, 0, 0, 0, 0];
    for (const [i, row] of (c!.matrix ?? []).entries()) {
      for (const [j, win] of row.entries()) {
        const at = i < j ? 2 : i === j ? 4 : 6;
        v[at]! += win;
        v[at + 1]! += 1;
      }
    }
    return v;
  },
  finish: (s) => ({
    accuracy: ratio(s[1]!, s[0]!),
    hard: ratio(s[2]!, s[3]!),
    normal: ratio(s[4]!, s[5]!),
    easy: ratio(s[6]!, s[7]!),
  }),
};

const verification: Additive = {
  // [TP, FP, TN, FN]
  size: 4,
  vector: ([c]) => {
    const accepted = c!.accepted === true;
    const label = c!.label === true;
    return [
      accepted && label ? 1 : 0,
      accepted && !label ? 1 : 0,
      !accepted && !label ? 1 : 0,
      !accepted && label ? 1 : 0,
    ];
  },
  finish: ([tp, fp, tn, fn]) => {
    const n = tp! + fp! + tn! + fn!;
    const po = ratio(tp! + tn!, n);
    const pe = n === 0 ? null : ((tp! + fp!) * (tp! + fn!) + (fn! + tn!) * (fp! + tn!)) / (n * n);
    return {
      accuracy: po,
      precision: ratio(tp!, tp! + fp!),
      recall: ratio(tp!, tp! + fn!),
      false_positive_rate: ratio(fp!, fp! + tn!),
      kappa: po === null || pe === null || pe === 1 ? null : (po - pe) / (1 - pe),
    };
  },
};

const process: Additive = {
  // [cases, hits, erroneous, hits on erroneous, correct, hits on correct]
  size: 6,
  vector: ([c]) => {
    const hit = c!.value!;
    return c!.label === -1 ? [1, hit, 0, 0, 1, hit] : [1, hit, 1, hit, 0, 0];
  },
  finish: ([n, hits, err, errHits, corr, corrHits]) => {
    const errAcc = ratio(errHits!, err!);
    const corrAcc = ratio(corrHits!, corr!);
    const f1 =
      errAcc === null || corrAcc === null
        ? null
        : errAcc + corrAcc === 0
          ? 0
          : (2 * errAcc * corrAcc) / (errAcc + corrAcc);
    return { accuracy: ratio(hits!, n!), f1, error_accuracy: errAcc, correct_accuracy: corrAcc };
  },
};

interface PromptStats {
  accurate: boolean;
  /** Spread of the correct answers' scores (0 with one correct answer). */
  spread: number;
  /** Worst correct minus best incorrect. */
  margin: number;
}

function promptStats(t: NonNullable<CaseResult['ties']>): PromptStats {
  const best = Math.max(...t.correct);
  const worst = Math.min(...t.correct);
  const margin = worst - Math.max(...t.incorrect);
  return { accurate: margin > 0, spread: best - worst, margin };
}

/** tanh(x / spread − 1), with numpy's division by zero (±inf → ±1, 0/0 → nan → 0) as the reference has it. */
function marginScore(x: number, spread: number): number {
  if (spread === 0) return x > 0 ? 1 : x < 0 ? -1 : 0;
  return Math.tanh(x / spread - 1);
}

/** RewardBench 2 Ties, per prompt unit (its ref and/or tied row). */
const ties: Additive = {
  // [ref prompts, ref accurate, tied prompts, tied accurate, paired prompts, preferred, preferred hard, margin term]
  size: 8,
  vector: (unit) => {
    const r = unit.find((c) => c.ties?.type === 'ref');
    const t = unit.find((c) => c.ties?.type === 'tied');
    const rs = r && promptStats(r.ties!);
    const ts = t && promptStats(t.ties!);
    const v = [rs ? 1 : 0, rs?.accurate ? 1 : 0, ts ? 1 : 0, ts?.accurate ? 1 : 0, 0, 0, 0, 0];
    if (rs && ts) {
      const hardest = Math.min(rs.margin, ts.margin);
      v[4] = 1;
      v[5] = ts.margin > ts.spread ? 1 : 0;
      v[6] = hardest > ts.spread ? 1 : 0;
      v[7] = marginScore(hardest, ts.spread);
    }
    return v;
  },
  finish: ([refN, refOk, tiedN, tiedOk, paired, preferred, hard, margin]) => {
    const refAccuracy = ratio(refOk!, refN!);
    const tiedAccuracy = ratio(tiedOk!, tiedN!);
    const p = ratio(preferred!, paired!);
    const ph = ratio(hard!, paired!);
    const m = ratio(margin!, paired!);
    // The reference scores a missing half as 0 accuracy; the correctness terms need paired prompts.
    const accuracy =
      p === null || ph === null || m === null
        ? null
        : 0.3 * (tiedAccuracy ?? 0) + 0.3 * (refAccuracy ?? 0) + 0.2 * p + 0.2 * ph + 0.01 * m;
    return {
      accuracy,
      ref_accuracy: refAccuracy,
      tied_accuracy: tiedAccuracy,
      correctness_preferred: p,
      correctness_preferred_hard: ph,
    };
  },
};

/** The additive form of a kind's figures (the Ties subset of a best-of file has its own). */
export function additiveOf(kind: CaseKind, isTies: boolean): Additive {
  if (kind === 'best_of' && isTies) return ties;
  if (kind === 'styled_pair') return styled;
  if (kind === 'verification') return verification;
  if (kind === 'process') return process;
  return pairs;
}

/** Sum the vectors of units. */
export function sumVectors(vectors: readonly number[][], size: number): number[] {
  const sums = new Array<number>(size).fill(0);
  for (const v of vectors) for (let k = 0; k < size; k++) sums[k]! += v[k]!;
  return sums;
}

/**
 * The figures of one subset, from its units (a unit is one case, or in the Ties subset one prompt's ref
 * and tied cases). Failed cases must already be left out.
 */
export function subsetFigures(kind: CaseKind, isTies: boolean, units: CaseResult[][]): Figures {
  const a = additiveOf(kind, isTies);
  return a.finish(sumVectors(units.map(a.vector), a.size));
}

/** A subset's cases as resampling units: one per case, or one per prompt id in the Ties subset. */
export function unitsOf(cases: CaseResult[], ties: boolean): CaseResult[][] {
  if (!ties) return cases.map((c) => [c]);
  const byPrompt = new Map<string, CaseResult[]>();
  for (const c of cases) {
    const key = c.ties?.prompt_id ?? `\u0000${c.id}`;
    const unit = byPrompt.get(key);
    if (unit) unit.push(c);
    else byPrompt.set(key, [c]);
  }
  return [...byPrompt.values()];
}

/** Linear-interpolated quantile of sorted values (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * Percentile bootstrap 95% intervals of every figure `stat` computes from per-stratum sums, resampling the
 * units of each stratum with replacement (`rounds` times, from `seed`). `strata[k][u]` is the vector of
 * unit u of stratum k. A figure undefined in a resample (no positives for precision…) is left out of that
 * round; one never defined gets null.
 */
export function bootstrap(
  strata: readonly number[][][],
  size: number,
  stat: (sums: number[][]) => Figures,
  rounds: number,
  seed: number,
): Record<string, [number, number] | null> {
  const random = seededRandom(seed);
  const draws = new Map<string, number[]>();
  for (let b = 0; b < rounds; b++) {
    const sums = strata.map((units) => {
      const acc = new Array<number>(size).fill(0);
      for (let i = 0; i < units.length; i++) {
        const v = units[Math.floor(random() * units.length)]!;
        for (let k = 0; k < size; k++) acc[k]! += v[k]!;
      }
      return acc;
    });
    for (const [key, v] of Object.entries(stat(sums))) {
      if (v === null || !Number.isFinite(v)) continue;
      const list = draws.get(key);
      if (list) list.push(v);
      else draws.set(key, [v]);
    }
  }
  const out: Record<string, [number, number] | null> = {};
  const full = stat(strata.map((units) => sumVectors(units, size)));
  for (const key of Object.keys(full)) {
    const values = draws.get(key);
    if (!values || values.length === 0) {
      out[key] = null;
      continue;
    }
    values.sort((a, b) => a - b);
    out[key] = [quantile(values, 0.025), quantile(values, 0.975)];
  }
  return out;
}
