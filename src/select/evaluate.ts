/**
 * Evaluation figures over the rollouts of one prompt, and their means per source: pass@k, maj@k, mean
 * score, zero-variance groups. A failed sample (no score) is left out: it is neither right nor wrong, and
 * n counts only scored samples.
 */

import { seededRandom as mulberry32 } from '../core/random.js';
import { mean } from '../credit/stats.js';
import { passAtK, sampleSubset } from './passk.js';
import { type Cluster, clusterAnswers, type Equivalence } from './vote.js';

export interface EvalSample {
  score: number | null;
  /** The extracted final answer, for maj@k; null when none was found. */
  answer: string | null;
}

export interface MajOptions {
  equivalent?: Equivalence;
  /** Random k-subsets averaged when the exact sum would be too costly (default 256); seeded. */
  draws?: number;
  seed?: number;
}

/**
 * Pascal's triangle up to row n, columns up to k (all maj@k needs): binomials as doubles, exact to 2^53
 * and with relative error ~1e-16 beyond. O(n·k) time and memory.
 */
function binomials(n: number, k: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let i = 0; i <= n; i++) {
    const row = new Float64Array(Math.min(i, k) + 1);
    row[0] = 1;
    for (let j = 1; j < row.length; j++) row[j] = rows[i - 1]![j - 1]! + (j < i ? rows[i - 1]![j]! : 0);
    rows.push(row);
  }
  return rows;
}

/** Product of polynomials truncated to degree ≤ max. */
function mulTrunc(a: Float64Array, b: Float64Array, max: number): Float64Array {
  const out = new Float64Array(Math.min(max, a.length + b.length - 2) + 1);
  for (let i = 0; i < a.length && i <= max; i++) {
    if (a[i] === 0) continue;
    for (let j = 0; j < b.length && i + j <= max; j++) out[i + j]! += a[i]! * b[j]!;
  }
  return out;
}

/**
 * maj@k: the probability that a majority vote over k rollouts drawn without replacement picks a correct
 * answer. Answers are clustered over all n rollouts; in a subset the cluster with the most members wins,
 * ties going to the cluster that appeared first in the group; a cluster is correct when its first member
 * passes; a subset where nobody gave an answer counts as wrong. Null when k > n or k < 1.
 *
 * Exact: Σ_w correct_w Σ_t C(m_w, t) · [x^{k−t}] Π_{c<w} Σ_{j<t} C(m_c, j) x^j · Π_{c>w} Σ_{j≤t} C(m_c, j) x^j
 * · (1 + x)^{m_∅} / C(n, k), O(clusters² · k³ + n·k). Past 5·10⁷ steps (or n·k > 5·10⁶), a seeded mean over random subsets.
 */
export function majAtK(
  samples: readonly EvalSample[],
  passed: readonly boolean[],
  k: number,
  o: MajOptions = {},
): number | null {
  const n = samples.length;
  if (!Number.isInteger(k) || k < 1 || k > n) return null;
  const clusters = clusterAnswers(
    samples.map((s) => s.answer),
    o.equivalent,
  );
  const sizes = clusters.map((c) => c.members.length);
  const correct = clusters.map((c) => passed[c.members[0]!]!);
  const abstained = n - sizes.reduce((a, b) => a + b, 0);
  const C = clusters.length;
  if (C * C * k * k * k > 5e7 || n * k > 5e6) return majAtKSampled(clusters, correct, n, k, o);
  const binom = binomials(n, k);
  const upTo = (m: number, t: number) => binom[m]!.slice(0, Math.min(m, t) + 1);
  let favourable = 0;
  clusters.forEach((_, w) => {
    if (!correct[w]) return;
    for (let t = 1; t <= Math.min(sizes[w]!, k); t++) {
      let poly: Float64Array = upTo(abstained, k - t);
      for (let c = 0; c < C && poly.length > 0; c++) {
        if (c !== w) poly = mulTrunc(poly, upTo(sizes[c]!, c < w ? t - 1 : t), k - t);
      }
      favourable += binom[sizes[w]!]![t]! * (poly[k - t] ?? 0);
    }
  });
  return favourable / binom[n]![k]!;
}

function majAtKSampled(clusters: Cluster[], correct: boolean[], n: number, k: number, o: MajOptions): number {
  const label = new Array<number>(n).fill(-1);
  clusters.forEach((c, ci) => {
    for (const i of c.members) label[i] = ci;
  });
  const draws = o.draws ?? 256;
  const rand = mulberry32(o.seed ?? 0);
  const counts = new Array<number>(clusters.length);
  let wins = 0;
  for (let d = 0; d < draws; d++) {
    counts.fill(0);
    for (const i of sampleSubset(n, k, rand)) if (label[i]! >= 0) counts[label[i]!]!++;
    let best = -1;
    counts.forEach((v, c) => {
      if (v > 0 && (best < 0 || v > counts[best]!)) best = c;
    });
    if (best >= 0 && correct[best]) wins++;
  }
  return wins / draws;
}

export interface GroupEval {
  id: string;
  source: string;
  n: number;
  scored: number;
  correct: number;
  meanScore: number | null;
  zeroVariance: boolean;
  passAtK: Record<string, number | null>;
  majAtK: Record<string, number | null>;
}

export function evaluateGroup(
  id: string,
  source: string,
  samples: readonly EvalSample[],
  ks: readonly number[],
  o: MajOptions & { passThreshold?: number } = {},
): GroupEval {
  const threshold = o.passThreshold ?? 1;
  const scored = samples.filter((s) => s.score !== null);
  const passed = scored.map((s) => s.score! >= threshold);
  const correct = passed.filter(Boolean).length;
  const scores = scored.map((s) => s.score!);
  const evalGroup: GroupEval = {
    id,
    source,
    n: samples.length,
    scored: scored.length,
    correct,
    meanScore: scores.length ? mean(scores) : null,
    zeroVariance: scores.length < 2 || scores.every((s) => s === scores[0]),
    passAtK: {},
    majAtK: {},
  };
  for (const k of ks) {
    evalGroup.passAtK[k] = passAtK(scored.length, correct, k);
    evalGroup.majAtK[k] = majAtK(scored, passed, k, o);
  }
  return evalGroup;
}

export interface SourceSummary {
  source: string;
  groups: number;
  samples: number;
  scored: number;
  meanScore: number | null;
  zeroVarianceGroups: number;
  /** Mean over the groups where the figure is defined (k ≤ scored samples); `groups_for` says how many. */
  passAtK: Record<string, number | null>;
  majAtK: Record<string, number | null>;
  groupsForK: Record<string, number>;
}

/** Means per source (in order of first appearance) plus an `all` line when there is more than one source. */
export function summarize(groups: readonly GroupEval[], ks: readonly number[]): SourceSummary[] {
  const bySource = new Map<string, GroupEval[]>();
  for (const g of groups) {
    const list = bySource.get(g.source);
    if (list) list.push(g);
    else bySource.set(g.source, [g]);
  }
  const lines = [...bySource.entries()].map(([source, gs]) => summaryOf(source, gs, ks));
  if (bySource.size > 1) lines.push(summaryOf('all', groups, ks));
  return lines;
}

function summaryOf(source: string, gs: readonly GroupEval[], ks: readonly number[]): SourceSummary {
  const meanOf = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? mean(v) : null;
  };
  let scoreSum = 0;
  let scored = 0;
  for (const g of gs) {
    scored += g.scored;
    scoreSum += (g.meanScore ?? 0) * g.scored;
  }
  const s: SourceSummary = {
    source,
    groups: gs.length,
    samples: gs.reduce((a, g) => a + g.n, 0),
    scored,
    meanScore: scored ? scoreSum / scored : null,
    zeroVarianceGroups: gs.filter((g) => g.zeroVariance).length,
    passAtK: {},
    majAtK: {},
    groupsForK: {},
  };
  for (const k of ks) {
    s.passAtK[k] = meanOf(gs.map((g) => g.passAtK[k] ?? null));
    s.majAtK[k] = meanOf(gs.map((g) => g.majAtK[k] ?? null));
    s.groupsForK[k] = gs.filter((g) => (g.passAtK[k] ?? null) !== null).length;
  }
  return s;
}
