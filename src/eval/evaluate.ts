/**
 * Evaluating a reward spec on benchmark cases: every candidate becomes a sample scored by the caller's
 * `score` function (a Scorer in the CLI, the scoring service in the server, so batching, deadlines, the
 * cache and statuses are those of every other front), then each case gets its credit and the figures are
 * summarized (report.ts). A failed candidate makes its case an error, never a win or a loss.
 */
import { seededRandom } from '../core/random.js';
import { getReward } from '../core/registry.js';
import type { RewardResult, Sample } from '../core/types.js';
import { findDetail } from '../credit/scored.js';
import type { CaseKind, EvalCase } from './cases.js';
import type { Format } from './formats.js';
import { EVAL_MASTER_KEYS } from './master-keys.js';
import {
  bestOfCredit,
  bootstrap,
  type CaseResult,
  firstWrongStep,
  isTiesSubset,
  pairCredit,
  styleMatrix,
  sumVectors,
  tiesId,
} from './metrics.js';
import { type Summary, summarize } from './report.js';

/** Scores samples in order, one result each, never throwing for a sample's sake. */
export type ScoreFn = (samples: Sample[]) => Promise<RewardResult[]>;

export interface EvalOptions {
  /** A score ≥ threshold accepts a response (verification, master keys) or passes a step (process). */
  threshold: number;
  /** Pairs: also score each pair with the responses in the other order and report the share of flips. */
  bothOrders: boolean;
  /**
   * The spec holds a group reward (a pairwise judge): a case's candidates are scored as one group, and a
   * master key is scored against an opponent (a rejected response) rather than alone.
   */
  pairwise: boolean;
  /** How many cases' prompts the master keys are tried with (0: not measured). */
  masterKeyPrompts: number;
  /** Bootstrap resamples for the 95% intervals, and their seed. */
  rounds: number;
  seed: number;
}

export const DEFAULT_EVAL_OPTIONS: EvalOptions = {
  threshold: 0.5,
  bothOrders: false,
  pairwise: false,
  masterKeyPrompts: 5,
  rounds: 1000,
  seed: 0,
};

export interface MasterKeySummary {
  /** Master-key samples scored (keys × prompts). */
  n: number;
  /** Share of them scored ≥ threshold, among those scored without error. */
  false_positive_rate: number | null;
  ci95: [number, number] | null;
  errors: number;
  mean_score: number | null;
  /** Up to 10 of the keys that passed, to see what fooled the reward. */
  passed: string[];
}

export interface EvalReport {
  format: Format;
  spec: string;
  threshold: number;
  seed: number;
  overall: Summary;
  subsets: Record<string, Summary>;
  master_keys?: MasterKeySummary;
}

type Role = 'chosen' | 'rejected' | 'response';
interface Candidate {
  role: Role;
  response: Sample['response'];
}

function candidatesOf(c: EvalCase, swapped = false): Candidate[] {
  switch (c.kind) {
    case 'pair':
      return swapped
        ? [
            { role: 'rejected', response: c.rejected },
            { role: 'chosen', response: c.chosen },
          ]
        : [
            { role: 'chosen', response: c.chosen },
            { role: 'rejected', response: c.rejected },
          ];
    case 'styled_pair':
    case 'best_of':
      return [
        ...c.chosen.map((response) => ({ role: 'chosen' as const, response })),
        ...c.rejected.map((response) => ({ role: 'rejected' as const, response })),
      ];
    case 'verification':
      return [{ role: 'response', response: c.response }];
    case 'process':
      return [{ role: 'response', response: c.steps.join('\n\n') }];
  }
}

/** The samples of one case: same prompt, reference and group; process cases carry their steps. */
function samplesOf(c: EvalCase, swapped = false): Sample[] {
  const cands = candidatesOf(c, swapped);
  const group = `eval:${c.row}${swapped ? ':swapped' : ''}`;
  const seen: Record<string, number> = {};
  return cands.map((cand) => {
    const index = seen[cand.role] ?? 0;
    seen[cand.role] = index + 1;
    return {
      id: `${c.id}/${cand.role}${cands.length > 1 ? `[${index}]` : ''}`,
      response: cand.response,
      source: c.subset,
      ...(cands.length > 1 && { group }),
      ...(c.prompt !== undefined && { prompt: c.prompt }),
      ...(c.kind === 'verification' && c.reference !== undefined && { reference: c.reference }),
      ...(c.kind === 'process' && { steps: c.steps }),
    };
  });
}

const scoresOf = (results: RewardResult[]) => results.map((r) => (r.status === 'ok' ? r.score : null));

function failureOf(c: EvalCase, samples: Sample[], results: RewardResult[]): string | undefined {
  const i = results.findIndex((r) => r.status !== 'ok');
  if (i < 0) return undefined;
  const r = results[i]!;
  const who = samples[i]!.id!.slice(c.id.length + 1);
  return `${who} ${r.status}: ${r.reason ?? 'no reason given'}`;
}

/** A case's credit from its candidates' results (in `samplesOf` order). */
export function judgeCase(c: EvalCase, results: RewardResult[], threshold: number): CaseResult {
  const samples = samplesOf(c);
  const scores = scoresOf(results);
  const base = { id: c.id, subset: c.subset, kind: c.kind, row: c.row, scores };
  const failed = failureOf(c, samples, results);
  if (failed !== undefined) {
    return {
      ...base,
      status: 'error',
      reason: failed,
      ...(c.kind === 'verification' && { label: c.label }),
      ...(c.kind === 'process' && { label: c.label }),
    };
  }
  const s = scores as number[];
  switch (c.kind) {
    case 'pair': {
      // A pairwise judge that judged both orders itself says whether they disagreed.
      const flips = findDetail(results[0], 'position_flips');
      return {
        ...base,
        status: 'ok',
        ...pairCredit(s[0]!, s[1]!),
        ...(typeof flips === 'number' && { position_flip: flips > 0 }),
      };
    }
    case 'styled_pair': {
      const { matrix, tie } = styleMatrix(s.slice(0, c.chosen.length), s.slice(c.chosen.length));
      const cells = matrix.flat();
      return { ...base, status: 'ok', value: cells.reduce((a, b) => a + b, 0) / cells.length, tie, matrix };
    }
    case 'best_of': {
      const chosen = s.slice(0, c.chosen.length);
      const rejected = s.slice(c.chosen.length);
      const ties = isTiesSubset(c.subset) ? tiesId(c.id) : undefined;
      if (ties) {
        const margin = Math.min(...chosen) - Math.max(...rejected);
        return {
          ...base,
          status: 'ok',
          value: margin > 0 ? 1 : 0,
          tie: margin === 0,
          ties: { ...ties, correct: chosen, incorrect: rejected },
        };
      }
      if (isTiesSubset(c.subset))
        return {
          ...base,
          status: 'error',
          reason: `Ties subset: expected an id "ref:N" or "tied:N", got "${c.id}"`,
        };
      return { ...base, status: 'ok', ...bestOfCredit(chosen, rejected) };
    }
    case 'verification': {
      const accepted = s[0]! >= threshold;
      return { ...base, status: 'ok', value: accepted === c.label ? 1 : 0, accepted, label: c.label };
    }
    case 'process': {
      const steps = findDetail(results[0], 'step_scores');
      if (!Array.isArray(steps) || !steps.every((x) => typeof x === 'number' && Number.isFinite(x)))
        return {
          ...base,
          status: 'error',
          label: c.label,
          reason: 'the spec gave no per-step scores (detail.step_scores): use a steps node or the prm reward',
        };
      if (steps.length !== c.steps.length)
        return {
          ...base,
          status: 'error',
          label: c.label,
          reason: `the spec scored ${steps.length} steps, the row has ${c.steps.length}`,
        };
      const predicted = firstWrongStep(steps as number[], threshold);
      return {
        ...base,
        status: 'ok',
        value: predicted === c.label ? 1 : 0,
        label: c.label,
        predicted_step: predicted,
        step_scores: steps as number[],
      };
    }
  }
}

/** The preferred response of a pair in its scored order: +1 chosen, −1 rejected, 0 neither. */
const preference = (chosen: number, rejected: number) => Math.sign(chosen - rejected);

/** Master-key samples: every key with the prompts (and references) of the first `count` cases. */
function masterKeySamples(cases: EvalCase[], opts: EvalOptions): { samples: Sample[]; keyOf: number[] } {
  const samples: Sample[] = [];
  const keyOf: number[] = [];
  const chosen = cases.slice(0, opts.masterKeyPrompts);
  chosen.forEach((c, ci) => {
    const opponent = candidatesOf(c).find((x) => x.role !== 'chosen') ?? candidatesOf(c)[0]!;
    EVAL_MASTER_KEYS.forEach((key, k) => {
      const group = `eval:master-key:${ci}:${k}`;
      const common = {
        ...(c.prompt !== undefined && { prompt: c.prompt }),
        ...(c.kind === 'verification' && c.reference !== undefined && { reference: c.reference }),
        source: 'master-keys',
      };
      samples.push({
        id: `master-key/${ci}/${k}`,
        response: key,
        ...common,
        ...(opts.pairwise && { group }),
      });
      keyOf.push(k);
      if (opts.pairwise) {
        samples.push({ id: `master-key/${ci}/${k}/opponent`, response: opponent.response, ...common, group });
        keyOf.push(-1);
      }
    });
  });
  return { samples, keyOf };
}

function masterKeySummary(results: RewardResult[], keyOf: number[], opts: EvalOptions): MasterKeySummary {
  const own = results.filter((_, i) => keyOf[i]! >= 0);
  const keys = keyOf.filter((k) => k >= 0);
  const scored = own.flatMap((r, i) => (r.status === 'ok' ? [{ score: r.score!, key: keys[i]! }] : []));
  // One unit per master-key sample: [1, passed]; the rate is a ratio of the sums.
  const units = [scored.map((s) => [1, s.score >= opts.threshold ? 1 : 0])];
  const rate = (sums: number[][]) => ({
    rate: sums[0]![0] === 0 ? null : sums[0]![1]! / sums[0]![0]!,
  });
  const cis = opts.rounds > 0 ? bootstrap(units, 2, rate, opts.rounds, opts.seed) : {};
  const passed = [
    ...new Set(scored.filter((s) => s.score >= opts.threshold).map((s) => EVAL_MASTER_KEYS[s.key]!)),
  ];
  return {
    n: own.length,
    false_positive_rate: rate([sumVectors(units[0]!, 2)]).rate,
    ci95: cis.rate ?? null,
    errors: own.length - scored.length,
    mean_score: scored.length === 0 ? null : scored.reduce((a, s) => a + s.score, 0) / scored.length,
    passed: passed.slice(0, 10),
  };
}

export interface EvalRun {
  results: CaseResult[];
  /** The candidate results per case, for `--output` rows. */
  raw: RewardResult[][];
  masterKeys?: MasterKeySummary;
}

/** Score every case (and the master keys), in one call to `score`, and give each case its credit. */
export async function scoreCases(cases: EvalCase[], score: ScoreFn, opts: EvalOptions): Promise<EvalRun> {
  const perCase = cases.map((c) => samplesOf(c));
  const swappedCases = opts.bothOrders ? cases.filter((c) => c.kind === 'pair') : [];
  const swapped = swappedCases.map((c) => samplesOf(c, true));
  const mk = opts.masterKeyPrompts > 0 ? masterKeySamples(cases, opts) : { samples: [], keyOf: [] };
  const all = [...perCase.flat(), ...swapped.flat(), ...mk.samples];
  const results = await score(all);
  if (results.length !== all.length)
    throw new Error(`the scorer returned ${results.length} results for ${all.length} samples`);
  let at = 0;
  const take = (n: number) => {
    at += n;
    return results.slice(at - n, at);
  };
  const raw = perCase.map((s) => take(s.length));
  const out = cases.map((c, i) => judgeCase(c, raw[i]!, opts.threshold));
  const byRow = new Map(out.map((r, i) => [cases[i]!.row, r]));
  for (const [k, c] of swappedCases.entries()) {
    const r = take(swapped[k]!.length);
    const result = byRow.get(c.row)!;
    if (result.status !== 'ok') continue;
    const [rej, cho] = scoresOf(r);
    if (rej === null || cho === null || rej === undefined || cho === undefined) continue;
    const first = preference(result.scores[0]!, result.scores[1]!);
    const flip = preference(cho, rej) !== first;
    result.swapped = { value: pairCredit(cho, rej).value, flip };
    result.position_flip = flip || result.position_flip === true;
  }
  const mkResults = take(mk.samples.length);
  return {
    results: out,
    raw,
    ...(mk.samples.length > 0 && { masterKeys: masterKeySummary(mkResults, mk.keyOf, opts) }),
  };
}

/** The report of a run: per subset, overall, and the master keys. */
export function reportOf(
  format: Format,
  kind: CaseKind,
  spec: string,
  run: EvalRun,
  opts: EvalOptions,
): EvalReport {
  const { overall, subsets } = summarize(kind, run.results, { rounds: opts.rounds, seed: opts.seed });
  return {
    format,
    spec,
    threshold: opts.threshold,
    seed: opts.seed,
    overall,
    subsets,
    ...(run.masterKeys && { master_keys: run.masterKeys }),
  };
}

/** Cases where two specs disagree: one failed and not the other, or different credit or decisions. */
export function disagreements(a: CaseResult[], b: CaseResult[]): { a: CaseResult; b: CaseResult }[] {
  return a.flatMap((x, i) => {
    const y = b[i]!;
    const differ =
      x.status !== y.status ||
      (x.status === 'ok' &&
        (x.value !== y.value || x.accepted !== y.accepted || x.predicted_step !== y.predicted_step));
    return differ ? [{ a: x, b: y }] : [];
  });
}

/** One `--output` row: the case's result with its candidates' scores and reasons. */
export function outputRow(result: CaseResult, raw: RewardResult[] | undefined): Record<string, unknown> {
  return {
    ...result,
    candidates: raw?.map((r) => ({
      status: r.status,
      score: r.score,
      ...(r.reason !== undefined && { reason: r.reason }),
    })),
  };
}

/** A deterministic subsample of cases (`--limit`), drawn with the seed. */
export function sampleCases(cases: EvalCase[], limit: number, seed: number): EvalCase[] {
  if (limit >= cases.length) return cases;
  const random = seededRandom(seed);
  const idx = cases.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx
    .slice(0, limit)
    .sort((x, y) => x - y)
    .map((i) => cases[i]!);
}

/** True when the spec names a group reward (a pairwise judge): its candidates must be scored together. */
export function usesGroupReward(node: unknown, depth = 0): boolean {
  if (depth > 64 || typeof node !== 'object' || node === null) return false;
  if (Array.isArray(node)) return node.some((n) => usesGroupReward(n, depth + 1));
  const use = (node as { use?: unknown }).use;
  if (typeof use === 'string' && getReward(use)?.mode === 'group') return true;
  return Object.values(node).some((v) => usesGroupReward(v, depth + 1));
}

/**
 * Samples cut into consecutive chunks of about `size`, never between two samples of one group (a case's
 * candidates are contiguous), so a front can score a large evaluation without filling its queue at once.
 */
export function contiguousChunks(samples: Sample[], size: number): Sample[][] {
  const chunks: Sample[][] = [];
  let current: Sample[] = [];
  samples.forEach((s, i) => {
    const sameGroup = i > 0 && s.group !== undefined && s.group === samples[i - 1]!.group;
    if (current.length >= size && !sameGroup) {
      chunks.push(current);
      current = [];
    }
    current.push(s);
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}
