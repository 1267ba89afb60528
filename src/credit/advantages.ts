/**
 * Outcome-level advantages: one scalar per response, from the rewards of the rollouts of one prompt.
 * Pure functions, O(total samples). The formulas, with their sources, are in docs/credit.md.
 *
 * Failed samples. A sample whose reward failed (score `null`: status error/timeout/skipped under the
 * `null` policy) is left out of every statistic (mean, std, leave-one-out baseline, batch normalization,
 * pass rate) and gets advantage `null`: the trainer should mask it, not train on a made-up zero. A caller
 * who prefers a zero maps the failure before calling (`onError: zero`), and it then counts as a score.
 */
import { mean, type StdKind, std } from './stats.js';

export const OUTCOME_METHODS = ['grpo', 'drgrpo', 'rloo', 'reinforce', 'reinforce++', 'drpo'] as const;
export type OutcomeMethod = (typeof OUTCOME_METHODS)[number];

export interface GroupScores {
  id: string;
  /** One per rollout; `null` for a failed reward. */
  scores: (number | null)[];
  /** Response lengths (tokens), one per rollout: needed by `drpo`. */
  lengths?: (number | null)[];
}

export interface AdvantageOptions {
  /** Added to the std in GRPO and REINFORCE++ normalization (default 1e-6). */
  epsilon?: number;
  /** Which std GRPO divides by (default `sample`, n − 1, as torch.std in TRL and verl). */
  std?: StdKind;
  /** A sample passes (is "correct") when its score ≥ this (default 1). Used by pass rates, PSR/NSR, DRPO. */
  passThreshold?: number;
  /** A-GRAE style asymmetric scaling: positive advantages × positiveScale, negative × negativeScale (default 1). */
  positiveScale?: number;
  negativeScale?: number;
  /** PSR/NSR weighting: advantages of passing samples × positiveWeight, of failing ones × negativeWeight. */
  positiveWeight?: number;
  negativeWeight?: number;
  /** DRPO: weight λ of the length term among the correct rollouts (default 0.1). */
  lengthWeight?: number;
}

export interface GroupDiagnostics {
  id: string;
  /** Rollouts in the group. */
  n: number;
  /** Rollouts with a score (the rest failed and are left out). */
  scored: number;
  /** Mean and std of the scores (std of kind `options.std`); null when nothing was scored. */
  mean: number | null;
  std: number | null;
  /** Fraction of scored rollouts with score ≥ passThreshold; null when nothing was scored. */
  passRate: number | null;
  /** All scores equal, or fewer than two scored: no learning signal (DAPO's dynamic-sampling filter drops these). */
  zeroVariance: boolean;
}

export interface GroupAdvantages extends GroupDiagnostics {
  /** One per rollout, in input order; null for a failed rollout. */
  advantages: (number | null)[];
}

export interface AdvantageResult {
  method: OutcomeMethod;
  groups: GroupAdvantages[];
  /** REINFORCE++ only: the batch statistics used to normalize. */
  batch?: { mean: number; std: number };
}

const DEFAULTS = {
  epsilon: 1e-6,
  std: 'sample' as StdKind,
  passThreshold: 1,
  positiveScale: 1,
  negativeScale: 1,
  positiveWeight: 1,
  negativeWeight: 1,
  lengthWeight: 0.1,
};
type Resolved = typeof DEFAULTS;

export function isOutcomeMethod(m: string): m is OutcomeMethod {
  return (OUTCOME_METHODS as readonly string[]).includes(m);
}

/** Indices of scored rollouts and their scores. */
function scoredOf(scores: (number | null)[]): { idx: number[]; values: number[] } {
  const idx: number[] = [];
  const values: number[] = [];
  scores.forEach((s, i) => {
    if (s !== null && s !== undefined) {
      idx.push(i);
      values.push(s);
    }
  });
  return { idx, values };
}

export function diagnose(group: GroupScores, options: AdvantageOptions = {}): GroupDiagnostics {
  return diagnoseValues(group.id, group.scores.length, scoredOf(group.scores).values, {
    ...DEFAULTS,
    ...stripUndefined(options),
  });
}

function diagnoseValues(id: string, n: number, values: number[], o: Resolved): GroupDiagnostics {
  if (values.length === 0)
    return { id, n, scored: 0, mean: null, std: null, passRate: null, zeroVariance: true };
  const mu = mean(values);
  let passes = 0;
  let allEqual = true;
  for (const v of values) {
    if (v >= o.passThreshold) passes++;
    if (v !== values[0]) allEqual = false;
  }
  return {
    id,
    n,
    scored: values.length,
    mean: mu,
    std: std(values, o.std, mu),
    passRate: passes / values.length,
    zeroVariance: allEqual || values.length < 2,
  };
}

/** Base advantages of the scored values of one group (before batch normalization and weighting). */
function baseAdvantages(
  method: OutcomeMethod,
  values: number[],
  lengths: number[] | undefined,
  o: Resolved,
): number[] {
  const n = values.length;
  const mu = mean(values);
  switch (method) {
    case 'grpo': {
      const sd = std(values, o.std, mu);
      return values.map((r) => ratio(r - mu, sd + o.epsilon));
    }
    case 'drgrpo':
    case 'reinforce++':
      return values.map((r) => r - mu);
    case 'rloo':
      // r_i − mean_{j≠i} r_j = n/(n−1)·(r_i − mean); a group of one has no baseline and no signal.
      return n < 2 ? values.map(() => 0) : values.map((r) => (n / (n - 1)) * (r - mu));
    case 'reinforce':
      return values.slice();
    case 'drpo':
      return drpo(values, lengths!, o);
  }
}

/**
 * DRPO, as Assay reads it: the GRPO advantage of the outcome, plus λ·z(−length) where the length z-score
 * is taken over the correct rollouts only, so the lengths of wrong rollouts never move the credit of the
 * right ones, and the length term sums to zero over the correct rollouts (it re-distributes their credit).
 */
function drpo(values: number[], lengths: number[], o: Resolved): number[] {
  const mu = mean(values);
  const sd = std(values, o.std, mu);
  const adv = values.map((r) => ratio(r - mu, sd + o.epsilon));
  const correct = values.flatMap((r, i) => (r >= o.passThreshold ? [i] : []));
  if (correct.length < 2) return adv;
  const neg = correct.map((i) => -lengths[i]!);
  const m = mean(neg);
  const s = std(neg, o.std, m);
  correct.forEach((i, k) => {
    adv[i]! += o.lengthWeight * ratio(neg[k]! - m, s + o.epsilon);
  });
  return adv;
}

/**
 * Advantages for every group. Throws (a caller error, to report at the front) on an unknown method or
 * when `drpo` lacks lengths; never on a sample's score.
 */
export function computeAdvantages(
  groups: GroupScores[],
  method: OutcomeMethod,
  options: AdvantageOptions = {},
): AdvantageResult {
  if (!isOutcomeMethod(method)) {
    throw new Error(`unknown advantage method "${method}" (known: ${OUTCOME_METHODS.join(', ')})`);
  }
  const o: Resolved = { ...DEFAULTS, ...stripUndefined(options) };
  const perGroup = groups.map((g) => {
    const { idx, values } = scoredOf(g.scores);
    let lengths: number[] | undefined;
    if (method === 'drpo') {
      lengths = idx.map((i) => {
        const l = g.lengths?.[i];
        if (typeof l !== 'number' || !Number.isFinite(l)) {
          throw new Error(
            `drpo needs a length for every scored rollout: group "${g.id}" rollout ${i} has none`,
          );
        }
        return l;
      });
    }
    return { idx, values, adv: baseAdvantages(method, values, lengths, o) };
  });

  let batch: AdvantageResult['batch'];
  if (method === 'reinforce++') {
    // REINFORCE++: the group-baselined rewards are normalized across the whole batch.
    const all = perGroup.flatMap((g) => g.adv);
    const m = all.length ? mean(all) : 0;
    const s = std(all, o.std, m);
    batch = { mean: m, std: s };
    for (const g of perGroup) g.adv = g.adv.map((a) => ratio(a - m, s + o.epsilon));
  }

  const result: AdvantageResult = {
    method,
    groups: groups.map((g, k) => {
      const { idx, values, adv } = perGroup[k]!;
      const advantages: (number | null)[] = g.scores.map(() => null);
      idx.forEach((i, j) => {
        advantages[i] = reshape(adv[j]!, values[j]!, o);
      });
      return { ...diagnoseValues(g.id, g.scores.length, values, o), advantages };
    }),
  };
  if (batch) result.batch = batch;
  return result;
}

/** x / d, where a zero spread (possible with epsilon 0) means no signal rather than NaN. */
const ratio = (x: number, d: number): number => (d === 0 ? 0 : x / d);

/** PSR/NSR weighting by pass/fail, then asymmetric scaling by sign (both multiplicative, so they commute). */
function reshape(a: number, score: number, o: Resolved): number {
  let x = a * (score >= o.passThreshold ? o.positiveWeight : o.negativeWeight);
  x *= x > 0 ? o.positiveScale : x < 0 ? o.negativeScale : 1;
  return x === 0 ? 0 : x; // no -0 in JSON output
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Groups flat records by their `group` field, in order of first appearance. A record without a group is
 * a group of one (it has nothing to be compared with), keyed by its position.
 */
export function groupRecords<T>(
  records: T[],
  groupOf: (r: T) => string | undefined,
): { id: string; members: number[] }[] {
  const groups = new Map<string, { id: string; members: number[] }>();
  records.forEach((r, i) => {
    const g = groupOf(r);
    const key = g === undefined ? `\u0000${i}` : `g:${g}`;
    const entry = groups.get(key);
    if (entry) entry.members.push(i);
    else groups.set(key, { id: g ?? `#${i}`, members: [i] });
  });
  return [...groups.values()];
}
