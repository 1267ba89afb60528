/**
 * Every metric against values computed by hand (written out in the comments), restating the reference
 * implementations' semantics: RewardBench v1 (strictly above), RewardBench 2 (1/k for a k-way tie at the
 * top; the Ties weighting of rewardbench/utils.py), RM-Bench (the 3×3 style matrix), ProcessBench (F1 of
 * the accuracies on erroneous and correct solutions), and confusion-matrix figures for verification sets.
 */
import { describe, expect, it } from 'vitest';
import type { RewardResult } from '../../src/core/types.js';
import type { EvalCase } from '../../src/eval/cases.js';
import { judgeCase } from '../../src/eval/evaluate.js';
import {
  bestOfCredit,
  bootstrap,
  type CaseResult,
  firstWrongStep,
  pairCredit,
  quantile,
  styleMatrix,
  subsetFigures,
  unitsOf,
} from '../../src/eval/metrics.js';
import { summarize } from '../../src/eval/report.js';

const ok = (score: number): RewardResult => ({ name: 'r', status: 'ok', score });
const fail = (status: 'error' | 'timeout', reason: string): RewardResult => ({
  name: 'r',
  status,
  score: null,
  reason,
});
const pair = (id: string, subset = 'all'): EvalCase => ({
  kind: 'pair',
  id,
  subset,
  row: Number(id.replace(/\D/g, '')) || 1,
  chosen: 'c',
  rejected: 'r',
});

/** One scored case as a resampling unit. */
const unit = (kind: CaseResult['kind'], i: number, extra: Partial<CaseResult>): CaseResult[] => [
  { id: String(i), subset: 's', kind, row: i + 1, status: 'ok', scores: [], ...extra },
];

describe('per-case credit', () => {
  it('pairs: strictly above wins, equal is a tie with no credit', () => {
    expect(pairCredit(0.9, 0.1)).toEqual({ value: 1, tie: false });
    expect(pairCredit(0.1, 0.9)).toEqual({ value: 0, tie: false });
    expect(pairCredit(0.5, 0.5)).toEqual({ value: 0, tie: true });
  });

  it('best-of-N: 1/k when the chosen response shares the top score with k−1 others', () => {
    expect(bestOfCredit([0.9], [0.1, 0.2, 0.3])).toEqual({ value: 1, tie: false });
    expect(bestOfCredit([0.9], [0.9, 0.2, 0.3])).toEqual({ value: 0.5, tie: true });
    expect(bestOfCredit([0.5], [0.5, 0.5, 0.5])).toEqual({ value: 0.25, tie: true });
    expect(bestOfCredit([0.4], [0.5, 0.1, 0.1])).toEqual({ value: 0, tie: false });
  });

  it('RM-Bench: the 3×3 matrix of chosen style i above rejected style j', () => {
    // chosen [0.9, 0.5, 0.2] vs rejected [0.6, 0.4, 0.1]:
    //   0.9 beats all three; 0.5 beats 0.4 and 0.1; 0.2 beats 0.1.
    const { matrix, tie } = styleMatrix([0.9, 0.5, 0.2], [0.6, 0.4, 0.1]);
    expect(matrix).toEqual([
      [1, 1, 1],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(tie).toBe(false);
    const result: CaseResult = {
      id: '1',
      subset: 's',
      kind: 'styled_pair',
      row: 1,
      status: 'ok',
      scores: [],
      value: 6 / 9,
      matrix,
    };
    // hard = upper triangle (0,1),(0,2),(1,2) = 3/3; normal = diagonal 3/3; easy = lower triangle 0/3.
    expect(subsetFigures('styled_pair', false, [[result]])).toEqual({
      accuracy: 6 / 9,
      hard: 1,
      normal: 1,
      easy: 0,
    });
  });

  it('ProcessBench: the first step below the threshold, −1 when every step passes', () => {
    expect(firstWrongStep([0.9, 0.4, 0.2], 0.5)).toBe(1);
    expect(firstWrongStep([0.9, 0.8], 0.5)).toBe(-1);
    expect(firstWrongStep([0.5, 0.49], 0.5)).toBe(1);
  });
});

describe('figures of a subset', () => {
  it('verification: accuracy, precision, recall, false-positive rate and Cohen κ', () => {
    // TP 3, FP 1, TN 2, FN 2 (n = 8): accuracy 5/8, precision 3/4, recall 3/5, FPR 1/3;
    // pe = ((TP+FP)(TP+FN) + (FN+TN)(FP+TN)) / n² = (4·5 + 4·3) / 64 = 1/2, κ = (5/8 − 1/2) / (1/2) = 1/4.
    const cells: [boolean, boolean][] = [
      [true, true],
      [true, true],
      [true, true],
      [true, false],
      [false, false],
      [false, false],
      [false, true],
      [false, true],
    ];
    const units = cells.map(([accepted, label], i) =>
      unit('verification', i, { accepted, label, value: accepted === label ? 1 : 0 }),
    );
    const f = subsetFigures('verification', false, units);
    expect(f.accuracy).toBeCloseTo(5 / 8, 12);
    expect(f.precision).toBeCloseTo(3 / 4, 12);
    expect(f.recall).toBeCloseTo(3 / 5, 12);
    expect(f.false_positive_rate).toBeCloseTo(1 / 3, 12);
    expect(f.kappa).toBeCloseTo(1 / 4, 12);
  });

  it('verification: figures with no denominator are null, never 0', () => {
    const units = [
      [
        {
          id: '1',
          subset: 's',
          kind: 'verification' as const,
          row: 1,
          status: 'ok' as const,
          scores: [],
          accepted: false,
          label: false,
          value: 1,
        },
      ],
    ];
    const f = subsetFigures('verification', false, units);
    expect(f.precision).toBeNull();
    expect(f.recall).toBeNull();
    expect(f.false_positive_rate).toBe(0);
    expect(f.kappa).toBeNull(); // pe = 1: κ undefined
  });

  it('ProcessBench F1: harmonic mean of the accuracy on erroneous and on correct solutions', () => {
    // (label, predicted): (−1,−1) ok, (−1,2) wrong, (1,1) ok, (0,−1) wrong, (2,2) ok.
    // erroneous: 2/3; correct: 1/2; F1 = 2·(2/3)(1/2) / (2/3 + 1/2) = 4/7; accuracy 3/5.
    const rows: [number, number][] = [
      [-1, -1],
      [-1, 2],
      [1, 1],
      [0, -1],
      [2, 2],
    ];
    const units = rows.map(([label, predicted], i) =>
      unit('process', i, { label, predicted_step: predicted, value: label === predicted ? 1 : 0 }),
    );
    const f = subsetFigures('process', false, units);
    expect(f.error_accuracy).toBeCloseTo(2 / 3, 12);
    expect(f.correct_accuracy).toBeCloseTo(1 / 2, 12);
    expect(f.f1).toBeCloseTo(4 / 7, 12);
    expect(f.accuracy).toBeCloseTo(3 / 5, 12);
  });

  it('RewardBench 2 Ties: 0.3 tied + 0.3 ref accuracy + 0.2 + 0.2 correctness preferred + 0.01 margin term', () => {
    // prompt 1: ref correct [0.9] vs incorrect [0.3, 0.2]: margin 0.6, accurate.
    //           tied correct [0.9, 0.8, 0.7] vs [0.3, 0.2]: margin 0.4, spread 0.2, accurate.
    // prompt 2: ref correct [0.5] vs [0.6]: margin −0.1, not accurate.
    //           tied correct [0.5, 0.9] vs [0.4]: margin 0.1, spread 0.4, accurate.
    // ref accuracy 1/2, tied accuracy 1; preferred: 0.4 > 0.2 yes, 0.1 > 0.4 no → 1/2;
    // preferred hard: min(0.6, 0.4) > 0.2 yes, min(−0.1, 0.1) > 0.4 no → 1/2;
    // margin term: mean(tanh(0.4/0.2 − 1), tanh(−0.1/0.4 − 1)) = (tanh 1 + tanh −1.25) / 2.
    const ties = (id: string, correct: number[], incorrect: number[]): EvalCase => ({
      kind: 'best_of',
      id,
      subset: 'Ties',
      row: 1,
      chosen: correct.map(String),
      rejected: incorrect.map(String),
    });
    const cases = [
      ties('ref:1', [0.9], [0.3, 0.2]),
      ties('tied:1', [0.9, 0.8, 0.7], [0.3, 0.2]),
      ties('ref:2', [0.5], [0.6]),
      ties('tied:2', [0.5, 0.9], [0.4]),
    ];
    const results = cases.map((c) =>
      judgeCase(
        c,
        [...(c as { chosen: string[] }).chosen, ...(c as { rejected: string[] }).rejected].map((s) =>
          ok(Number(s)),
        ),
        0.5,
      ),
    );
    const f = subsetFigures('best_of', true, unitsOf(results, true));
    const margin = (Math.tanh(1) + Math.tanh(-1.25)) / 2;
    expect(f.ref_accuracy).toBe(0.5);
    expect(f.tied_accuracy).toBe(1);
    expect(f.correctness_preferred).toBe(0.5);
    expect(f.correctness_preferred_hard).toBe(0.5);
    expect(f.accuracy).toBeCloseTo(0.3 * 1 + 0.3 * 0.5 + 0.2 * 0.5 + 0.2 * 0.5 + 0.01 * margin, 12);
    expect(f.accuracy).toBeCloseTo(0.6495665526, 9);
  });

  it('a Ties row without a ref:/tied: id is an error naming the id', () => {
    const c: EvalCase = { kind: 'best_of', id: 'x7', subset: 'ties', row: 3, chosen: ['a'], rejected: ['b'] };
    const r = judgeCase(c, [ok(1), ok(0)], 0.5);
    expect(r.status).toBe('error');
    expect(r.reason).toContain('"x7"');
  });
});

describe('ties and failures are counted apart from wins and losses', () => {
  it('a failed candidate makes its case an error, left out of accuracy; a tie earns nothing and is counted', () => {
    const cases = ['1', '2', '3', '4'].map((id) => pair(id));
    const results = [
      judgeCase(cases[0]!, [ok(0.9), ok(0.1)], 0.5), // win
      judgeCase(cases[1]!, [ok(0.5), ok(0.5)], 0.5), // tie
      judgeCase(cases[2]!, [ok(0.1), ok(0.9)], 0.5), // loss
      judgeCase(cases[3]!, [ok(0.9), fail('timeout', 'deadline passed')], 0.5), // error
    ];
    expect(results[3]).toMatchObject({ status: 'error', reason: 'rejected[0] timeout: deadline passed' });
    const { overall } = summarize('pair', results, { rounds: 0, seed: 0 });
    expect(overall).toMatchObject({ n: 4, accuracy: 1 / 3, ties: 1, errors: 1, ci95: null });
  });

  it('best-of-N overall is the mean of the subset scores (RewardBench 2), not of the cases', () => {
    const mk = (id: string, subset: string, chosen: number, rejected: number[]) =>
      judgeCase(
        { kind: 'best_of', id, subset, row: 1, chosen: ['c'], rejected: rejected.map(() => 'r') },
        [ok(chosen), ...rejected.map(ok)],
        0.5,
      );
    // Math: 1 and 0 → 0.5; Focus: one case, 1/2 (tie with one rejected) → 0.5... and a third subset at 1.
    const results = [
      mk('1', 'Math', 1, [0, 0, 0]),
      mk('2', 'Math', 0, [1, 0, 0]),
      mk('3', 'Focus', 1, [1, 0, 0]),
      mk('4', 'Safety', 1, [0, 0, 0]),
    ];
    const { overall, subsets } = summarize('best_of', results, { rounds: 0, seed: 0 });
    expect(subsets.Math!.accuracy).toBe(0.5);
    expect(subsets.Focus!.accuracy).toBe(0.5);
    expect(subsets.Safety!.accuracy).toBe(1);
    expect(overall.accuracy).toBeCloseTo(2 / 3, 12); // mean of subsets; the mean of cases would be 0.625
    expect(overall.aggregate).toBe('mean of subsets');
  });
});

describe('bootstrap intervals', () => {
  const results = Array.from({ length: 40 }, (_, i) =>
    judgeCase(pair(String(i + 1), i % 2 ? 'a' : 'b'), i % 3 === 0 ? [ok(0), ok(1)] : [ok(1), ok(0)], 0.5),
  );

  it('is deterministic under a seed, and moves with it', () => {
    const a = summarize('pair', results, { rounds: 500, seed: 7 });
    const b = summarize('pair', results, { rounds: 500, seed: 7 });
    expect(a).toEqual(b);
    // With 40 cases the percentiles often land on the same grid points; over a few seeds they move.
    const intervals = [8, 9, 10, 11, 12].map((seed) =>
      JSON.stringify(summarize('pair', results, { rounds: 61, seed }).overall.ci95),
    );
    expect(new Set(intervals).size).toBeGreaterThan(1);
  });

  it('brackets the estimate and collapses on constant data', () => {
    const { overall, subsets } = summarize('pair', results, { rounds: 500, seed: 1 });
    const [lo, hi] = overall.ci95!;
    expect(lo).toBeLessThanOrEqual(overall.accuracy!);
    expect(hi).toBeGreaterThanOrEqual(overall.accuracy!);
    expect(hi - lo).toBeGreaterThan(0);
    const constant = results.filter((r) => r.value === 1);
    expect(summarize('pair', constant, { rounds: 200, seed: 1 }).overall.ci95).toEqual([1, 1]);
    expect(Object.keys(subsets).sort()).toEqual(['a', 'b']);
  });

  it('quantiles interpolate linearly, as numpy does', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 0.025)).toBeCloseTo(0.25, 12);
    // Every resample of two units has two units: the count's interval is [2, 2].
    const ci = bootstrap([[[1], [1]]], 1, (sums) => ({ count: sums[0]![0]! }), 10, 3);
    expect(ci.count).toEqual([2, 2]);
  });
});
