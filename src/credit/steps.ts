/**
 * Step-level credit: per-step rewards (from a process reward model, or any reward applied to each step)
 * turned into per-step returns and advantages. Pure, O(total steps). Formulas and sources: docs/credit.md.
 *
 * Order of operations, per sample: gate (step rewards count only when the outcome passes) → transform
 * (clip or delta, applied to the raw rewards so their bound holds) → optional group normalization → returns
 * (sum-form, discounted; or PURE's min-form) → optional outcome advantage added to every step.
 *
 * Failed samples: a sample whose step rewards are missing (null), or whose outcome is null when the gate
 * or an outcome method needs it, gets `null` step advantages and is left out of the group statistics.
 */
import { type AdvantageOptions, computeAdvantages, type OutcomeMethod } from './advantages.js';
import { mean, std } from './stats.js';

export const STEP_AGGREGATES = ['min', 'mean', 'last', 'product', 'sum'] as const;
export type StepAggregate = (typeof STEP_AGGREGATES)[number];

/** One score from step scores: min is PURE's min-form credit (the weakest step bounds the trajectory); sum lets repeated steps farm reward. */
export const stepAggregates: Record<StepAggregate, (xs: number[]) => number> = {
  min: (xs) => Math.min(...xs),
  mean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length,
  last: (xs) => xs.at(-1)!,
  product: (xs) => xs.reduce((a, b) => a * b, 1),
  sum: (xs) => xs.reduce((a, b) => a + b, 0),
};

export type ReturnForm = 'sum' | 'min';
export type StepTransform = 'none' | 'clip' | 'delta';

export interface StepCreditOptions {
  /** `sum`: G_t = Σ_{k≥t} γ^{k−t} r_k. `min` (PURE): G_t = min_{k≥t} r_k. Default `sum`. */
  returns?: ReturnForm;
  /** Discount for sum-form returns (default 1). */
  gamma?: number;
  /** `clip`: r' = min(r − η, 0); `delta`: r'_t = r_t − r_{t+1}, r'_T = r_T. Default `none`. */
  transform?: StepTransform;
  /** η of the clip transform (default 0). */
  eta?: number;
  /** Gated accumulation: step rewards count (else are 0) only when the outcome score ≥ this. */
  gate?: number;
  /** Normalize step rewards by the mean and std of all step rewards in the group (DeepSeekMath process supervision). */
  normalize?: boolean;
  /** Add this outcome-level advantage (computed from the outcomes) to every step's return. */
  outcomeMethod?: OutcomeMethod;
  /** Options for the outcome method, and epsilon/std for `normalize`. */
  outcomeOptions?: AdvantageOptions;
}

export interface StepGroup {
  id: string;
  /** Per rollout: its step rewards in order, or null when they could not be computed. */
  steps: (readonly number[] | null)[];
  /** Per rollout: the outcome score (needed by `gate` and `outcomeMethod`). */
  outcomes?: (number | null)[];
}

export interface StepGroupCredit {
  id: string;
  /** Per rollout, one advantage per step; null for a failed rollout. */
  stepAdvantages: (number[] | null)[];
  /** The outcome advantages added (when `outcomeMethod` was given). */
  outcomeAdvantages?: (number | null)[];
}

/** Clip (r' = min(r − η, 0)) or Delta (r'_t = r_t − r_{t+1}; the last step keeps r_T). */
export function transformSteps(rewards: readonly number[], transform: StepTransform, eta = 0): number[] {
  if (transform === 'clip') return rewards.map((r) => Math.min(r - eta, 0));
  if (transform === 'delta') return rewards.map((r, t) => (t + 1 < rewards.length ? r - rewards[t + 1]! : r));
  return rewards.slice();
}

/** Returns per step, computed backwards in one pass. */
export function stepReturns(rewards: readonly number[], form: ReturnForm = 'sum', gamma = 1): number[] {
  const out = new Array<number>(rewards.length);
  let acc = form === 'min' ? Number.POSITIVE_INFINITY : 0;
  for (let t = rewards.length - 1; t >= 0; t--) {
    acc = form === 'min' ? Math.min(rewards[t]!, acc) : rewards[t]! + gamma * acc;
    out[t] = acc;
  }
  return out;
}

export function computeStepCredit(groups: StepGroup[], options: StepCreditOptions = {}): StepGroupCredit[] {
  const { returns = 'sum', gamma = 1, transform = 'none', eta = 0, gate, normalize = false } = options;
  const epsilon = options.outcomeOptions?.epsilon ?? 1e-6;
  const needsOutcome = gate !== undefined || options.outcomeMethod !== undefined;
  return groups.map((g) => {
    const outcomes = g.outcomes ?? g.steps.map(() => null);
    if (needsOutcome && outcomes.length !== g.steps.length) {
      throw new Error(`group "${g.id}": ${g.steps.length} step lists but ${outcomes.length} outcomes`);
    }
    // Per rollout: the shaped step rewards, or null when the rollout failed.
    const shaped = g.steps.map((steps, i) => {
      if (steps === null) return null;
      const outcome = outcomes[i] ?? null;
      if (needsOutcome && outcome === null) return null;
      const gated = gate !== undefined && outcome! < gate ? steps.map(() => 0) : steps;
      return transformSteps(gated, transform, eta);
    });
    if (normalize) {
      const all = shaped.flatMap((s) => s ?? []);
      const m = all.length ? mean(all) : 0;
      const s = std(all, options.outcomeOptions?.std ?? 'sample', m);
      for (const steps of shaped) {
        if (steps)
          for (let t = 0; t < steps.length; t++)
            steps[t] = s + epsilon === 0 ? 0 : (steps[t]! - m) / (s + epsilon);
      }
    }
    let outcomeAdvantages: (number | null)[] | undefined;
    if (options.outcomeMethod) {
      const usable = outcomes.map((o, i) => (shaped[i] === null ? null : o));
      outcomeAdvantages = computeAdvantages(
        [{ id: g.id, scores: usable }],
        options.outcomeMethod,
        options.outcomeOptions,
      ).groups[0]!.advantages;
    }
    const stepAdvantages = shaped.map((steps, i) => {
      if (steps === null) return null;
      const extra = outcomeAdvantages?.[i] ?? 0;
      return stepReturns(steps, returns, gamma).map((G) => G + extra);
    });
    return { id: g.id, stepAdvantages, ...(outcomeAdvantages && { outcomeAdvantages }) };
  });
}
