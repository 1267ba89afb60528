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

const mean = (xs: number[]): number | null =>
  xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
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

function styleFigures(ok: CaseResult[]): Figures {
  const cells = (keep: (i: number, j: number) => boolean) =>
    mean(
      ok.flatMap((c) => (c.matrix ?? []).flatMap((row, i) => row.flatMap((v, j) => (keep(i, j) ? [v] : [])))),
    );
  return {
    accuracy: mean(ok.map((c) => c.value!)),
    hard: cells((i, j) => i < j),
    normal: cells((i, j) => i === j),
    easy: cells((i, j) => i > j),
  };
}

function verificationFigures(ok: CaseResult[]): Figures {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const c of ok) {
    if (c.accepted && c.label) tp++;
    else if (c.accepted) fp++;
    else if (c.label) fn++;
    else tn++;
  }
  const n = tp + fp + tn + fn;
  const po = ratio(tp + tn, n);
  const pe = n === 0 ? null : ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n);
  return {
    accuracy: po,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    false_positive_rate: ratio(fp, fp + tn),
    kappa: po === null || pe === null || pe === 1 ? null : (po - pe) / (1 - pe),
  };
}

function processFigures(ok: CaseResult[]): Figures {
  const erroneous = ok.filter((c) => c.label !== -1);
  const correct = ok.filter((c) => c.label === -1);
  const errAcc = mean(erroneous.map((c) => c.value!));
  const corrAcc = mean(correct.map((c) => c.value!));
  const f1 =
    errAcc === null || corrAcc === null
      ? null
      : errAcc + corrAcc === 0
        ? 0
        : (2 * errAcc * corrAcc) / (errAcc + corrAcc);
  return { accuracy: mean(ok.map((c) => c.value!)), f1, error_accuracy: errAcc, correct_accuracy: corrAcc };
}

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

/** RewardBench 2 Ties score over prompt units (each unit: the ref and/or tied row of one prompt id). */
function tiesFigures(units: CaseResult[][]): Figures {
  const ref: PromptStats[] = [];
  const tied: PromptStats[] = [];
  const paired: { ref: PromptStats; tied: PromptStats }[] = [];
  for (const unit of units) {
    const r = unit.find((c) => c.ties?.type === 'ref');
    const t = unit.find((c) => c.ties?.type === 'tied');
    const rs = r && promptStats(r.ties!);
    const ts = t && promptStats(t.ties!);
    if (rs) ref.push(rs);
    if (ts) tied.push(ts);
    if (rs && ts) paired.push({ ref: rs, tied: ts });
  }
  const refAccuracy = mean(ref.map((s) => (s.accurate ? 1 : 0)));
  const tiedAccuracy = mean(tied.map((s) => (s.accurate ? 1 : 0)));
  const preferred = mean(paired.map((p) => (p.tied.margin > p.tied.spread ? 1 : 0)));
  const preferredHard = mean(
    paired.map((p) => (Math.min(p.ref.margin, p.tied.margin) > p.tied.spread ? 1 : 0)),
  );
  const marginTerm = mean(
    paired.map((p) => marginScore(Math.min(p.ref.margin, p.tied.margin), p.tied.spread)),
  );
  // The reference scores a missing half as 0 accuracy; the correctness terms need paired prompts.
  const accuracy =
    preferred === null || preferredHard === null || marginTerm === null
      ? null
      : 0.3 * (tiedAccuracy ?? 0) +
        0.3 * (refAccuracy ?? 0) +
        0.2 * preferred +
        0.2 * preferredHard +
        0.01 * marginTerm;
  return {
    accuracy,
    ref_accuracy: refAccuracy,
    tied_accuracy: tiedAccuracy,
    correctness_preferred: preferred,
    correctness_preferred_hard: preferredHard,
  };
}

function positionFigures(ok: CaseResult[]): Figures {
  const both = ok.filter((c) => c.position_flip !== undefined);
  if (both.length === 0) return {};
  return { position_flip_rate: mean(both.map((c) => (c.position_flip ? 1 : 0))) };
}

/**
 * The figures of one subset, from its units (a unit is one case, or in the Ties subset one prompt's ref
 * and tied cases). Failed cases must already be left out.
 */
export function subsetFigures(kind: CaseKind, ties: boolean, units: CaseResult[][]): Figures {
  if (kind === 'best_of' && ties) return tiesFigures(units);
  const ok = units.flat();
  switch (kind) {
    case 'styled_pair':
      return styleFigures(ok);
    case 'verification':
      return verificationFigures(ok);
    case 'process':
      return processFigures(ok);
    default:
      return { accuracy: mean(ok.map((c) => c.value!)), ...positionFigures(ok) };
  }
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
 * Percentile bootstrap 95% intervals of every figure `stat` computes, resampling units with replacement
 * within each stratum (`rounds` times, from `seed`). A figure undefined in a resample (no positives for
 * precision…) is left out of that round; one never defined gets null.
 */
export function bootstrap(
  strata: CaseResult[][][],
  stat: (strata: CaseResult[][][]) => Figures,
  rounds: number,
  seed: number,
): Record<string, [number, number] | null> {
  const random = seededRandom(seed);
  const draws = new Map<string, number[]>();
  for (let b = 0; b < rounds; b++) {
    const resampled = strata.map((units) => units.map(() => units[Math.floor(random() * units.length)]!));
    for (const [key, v] of Object.entries(stat(resampled))) {
      if (v === null || !Number.isFinite(v)) continue;
      const list = draws.get(key);
      if (list) list.push(v);
      else draws.set(key, [v]);
    }
  }
  const out: Record<string, [number, number] | null> = {};
  for (const key of Object.keys(stat(strata))) {
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
