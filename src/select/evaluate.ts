/**
 * Evaluation figures over the rollouts of one prompt, and their means per source: pass@k, maj@k, mean
 * score, zero-variance groups. A failed sample (no score) is left out: it is neither right nor wrong, and
 * n counts only scored samples.
 */
import { mean } from '../credit/stats.js';
import { mulberry32, passAtK, sampleSubset } from './passk.js';
import { clusterAnswers, type Equivalence } from './vote.js';

export interface EvalSample {
  score: number | null;
  /** The extracted final answer, for maj@k; null when none was found. */
  answer: string | null;
}

export interface MajOptions {
  equivalent?: Equivalence;
  /** Random k-subsets averaged when k < n (default 64); seeded, so the figure is reproducible. */
  draws?: number;
  seed?: number;
}

/**
 * maj@k: the chance that a majority vote over k rollouts picks a correct answer. With k = n it is the one
 * vote over all rollouts; with k < n, the mean over `draws` random k-subsets. Answers are clustered once
 * over all n, so a subset's vote is a count over cluster labels (no further equivalence calls). The winning
 * cluster (most votes, earliest on ties) is correct when its first member in the subset passes. A subset
 * where nobody gave an answer counts as wrong. Null when k > n or k < 1.
 */
export function majAtK(
  samples: readonly EvalSample[],
  passed: readonly boolean[],
  k: number,
  o: MajOptions = {},
): number | null {
  const n = samples.length;
  if (!Number.isInteger(k) || k < 1 || k > n) return null;
  const label = new Array<number>(n).fill(-1);
  clusterAnswers(
    samples.map((s) => s.answer),
    o.equivalent,
  ).forEach((c, ci) => {
    for (const i of c.members) label[i] = ci;
  });
  const voteOnce = (subset: readonly number[]): boolean => {
    const votes = new Map<number, { count: number; first: number }>();
    for (const i of subset) {
      if (label[i]! < 0) continue;
      const v = votes.get(label[i]!);
      if (v) v.count++;
      else votes.set(label[i]!, { count: 1, first: i });
    }
    let best: { count: number; first: number } | undefined;
    for (const v of votes.values()) if (!best || v.count > best.count) best = v;
    return best !== undefined && passed[best.first]!;
  };
  if (k === n) return voteOnce(samples.map((_, i) => i)) ? 1 : 0;
  const draws = o.draws ?? 64;
  const rand = mulberry32(o.seed ?? 0);
  let wins = 0;
  for (let d = 0; d < draws; d++) if (voteOnce(sampleSubset(n, k, rand))) wins++;
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
