/**
 * Per-subset and overall summaries of scored cases (the JSON `assay eval --json` prints and `/v1/eval`
 * returns), and the readable table. Pure.
 */
import type { CaseKind } from './cases.js';
import {
  additiveOf,
  bootstrap,
  type CaseResult,
  type Figures,
  isTiesSubset,
  sumVectors,
  unitsOf,
} from './metrics.js';

/** `n` cases, `accuracy` in [0, 1] with its `ci95`, `ties`, `errors`, then the kind's other figures, each with `<name>_ci95`. */
export type Summary = {
  n: number;
  accuracy: number | null;
  ci95: [number, number] | null;
  ties: number;
  errors: number;
} & Record<string, unknown>;

export interface SummaryOptions {
  /** Bootstrap resamples (0: no intervals). */
  rounds: number;
  seed: number;
}

function withIntervals(
  figures: Figures,
  cis: Record<string, [number, number] | null>,
  counts: { n: number; ties: number; errors: number },
): Summary {
  const { accuracy = null, ...rest } = figures;
  const out: Summary = {
    n: counts.n,
    accuracy,
    ci95: cis.accuracy ?? null,
    ties: counts.ties,
    errors: counts.errors,
  };
  for (const [key, value] of Object.entries(rest)) {
    out[key] = value;
    out[`${key}_ci95`] = cis[key] ?? null;
  }
  return out;
}

const counts = (cases: CaseResult[]) => ({
  n: cases.length,
  ties: cases.filter((c) => c.status === 'ok' && c.tie).length,
  errors: cases.filter((c) => c.status !== 'ok').length,
});

/**
 * Summaries per subset and overall. Overall is over all cases (stratified by subset for the intervals),
 * except for best-of-N files, where it is the mean of the subset scores as RewardBench 2 reports it.
 */
export function summarize(
  kind: CaseKind,
  results: CaseResult[],
  opts: SummaryOptions,
): { overall: Summary; subsets: Record<string, Summary> } {
  const bySubset = new Map<string, CaseResult[]>();
  for (const r of results) {
    const list = bySubset.get(r.subset);
    if (list) list.push(r);
    else bySubset.set(r.subset, [r]);
  }
  const names = [...bySubset.keys()].sort();
  const additives = names.map((name) => additiveOf(kind, isTiesSubset(name)));
  // One vector per resampling unit, padded to a common length so the strata can be resampled together.
  const size = Math.max(0, ...additives.map((a) => a.size));
  const strata = names.map((name, k) =>
    unitsOf(
      bySubset.get(name)!.filter((c) => c.status === 'ok'),
      isTiesSubset(name),
    ).map((unit) => {
      const v = additives[k]!.vector(unit);
      return v.length < size ? [...v, ...new Array<number>(size - v.length).fill(0)] : v;
    }),
  );
  const ci = (stat: (sums: number[][]) => Figures, s: number[][][]) =>
    opts.rounds > 0 ? bootstrap(s, size, stat, opts.rounds, opts.seed) : {};

  const subsets: Record<string, Summary> = {};
  names.forEach((name, k) => {
    const stat = (sums: number[][]) => additives[k]!.finish(sums[0]!);
    const own = [strata[k]!];
    subsets[name] = withIntervals(
      stat([sumVectors(own[0]!, size)]),
      ci(stat, own),
      counts(bySubset.get(name)!),
    );
  });

  const macro = kind === 'best_of';
  const overallStat = macro
    ? (sums: number[][]): Figures => {
        const accs = sums
          .map((s, k) => additives[k]!.finish(s).accuracy ?? null)
          .filter((a): a is number => a !== null);
        return { accuracy: accs.length === 0 ? null : accs.reduce((a, b) => a + b, 0) / accs.length };
      }
    : (sums: number[][]): Figures => additiveOf(kind, false).finish(sumVectors(sums, size));
  const overall = withIntervals(
    overallStat(strata.map((units) => sumVectors(units, size))),
    ci(overallStat, strata),
    counts(results),
  );
  if (macro) overall.aggregate = 'mean of subsets';
  return { overall, subsets };
}

const pct = (x: unknown): string => (typeof x === 'number' ? (x * 100).toFixed(1) : '—');
const interval = (ci: unknown): string => (Array.isArray(ci) ? `[${pct(ci[0])}, ${pct(ci[1])}]` : '');

/** The extra figures a kind shows in the table, beyond accuracy. */
const EXTRA: Record<CaseKind, string[]> = {
  pair: ['position_flip_rate'],
  styled_pair: ['hard', 'normal', 'easy'],
  best_of: [],
  verification: ['precision', 'recall', 'false_positive_rate', 'kappa'],
  process: ['f1', 'error_accuracy', 'correct_accuracy'],
};

/** A fixed-width table: one line per subset, then overall; figures in percent with their 95% intervals. */
export function renderTable(
  kind: CaseKind,
  report: { overall: Summary; subsets: Record<string, Summary> },
): string {
  const extras = EXTRA[kind].filter((k) =>
    [report.overall, ...Object.values(report.subsets)].some((s) => s[k] !== undefined),
  );
  const header = [
    'subset',
    'n',
    'accuracy % [95% CI]',
    'ties',
    'errors',
    ...extras.map((e) => (e === 'kappa' ? e : `${e} %`)),
  ];
  const line = (name: string, s: Summary) => [
    name,
    String(s.n),
    `${pct(s.accuracy)} ${interval(s.ci95)}`.trim(),
    String(s.ties),
    String(s.errors),
    ...extras.map((e) =>
      e === 'kappa'
        ? `${typeof s[e] === 'number' ? (s[e] as number).toFixed(3) : '—'}`
        : `${pct(s[e])} ${interval(s[`${e}_ci95`])}`.trim(),
    ),
  ];
  const rows = [
    header,
    ...Object.entries(report.subsets).map(([name, s]) => line(name, s)),
    line('overall', report.overall),
  ];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
