import type { RewardResult } from '../core/types.js';

export interface GroupStats {
  /** Samples in the group. */
  n: number;
  /** Samples with an `ok` result: the only ones the statistics count. */
  scored: number;
  /** Samples whose result is `error` or `timeout`. */
  failed: number;
  mean: number | null;
  /** Population standard deviation of the ok scores. */
  std: number | null;
  /** Share of ok results with score ≥ the pass threshold. */
  passRate: number | null;
}

/** Per-group statistics over the ok results only: a failure is never counted as a zero. */
export function groupStats(
  groups: (string | undefined)[],
  results: RewardResult[],
  passThreshold: number,
): Record<string, GroupStats> {
  const byGroup = new Map<string, RewardResult[]>();
  groups.forEach((g, i) => {
    if (g === undefined) return;
    const list = byGroup.get(g) ?? [];
    list.push(results[i]!);
    byGroup.set(g, list);
  });
  const out: Record<string, GroupStats> = {};
  for (const [g, rs] of byGroup) {
    const scores = rs.filter((r) => r.status === 'ok' && r.score !== null).map((r) => r.score as number);
    const mean = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
    const std =
      mean === null ? null : Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / scores.length);
    out[g] = {
      n: rs.length,
      scored: scores.length,
      failed: rs.filter((r) => r.status === 'error' || r.status === 'timeout').length,
      mean,
      std,
      passRate: scores.length ? scores.filter((s) => s >= passThreshold).length / scores.length : null,
    };
  }
  return out;
}
