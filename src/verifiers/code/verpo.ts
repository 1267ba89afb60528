/**
 * VeRPO-style test weights: a test that most rollouts of a group pass says little, one that few pass
 * says much. The weight of test j is its base weight times (1 - passRate_j + floor); `floor` keeps a
 * test that every rollout passes from vanishing (with floor 0 a group that passes everything would
 * have no weight at all). Pure: passes[i][j] is whether rollout i passed test j.
 */
export function verpoWeights(passes: boolean[][], base: number[], floor: number): number[] {
  const n = passes.length;
  return base.map((b, j) => {
    const rate = n === 0 ? 0 : passes.filter((row) => row[j]).length / n;
    return b * (1 - rate + floor);
  });
}

/** Weighted share of passed tests, in [0, 1]; 0 when every weight is 0. */
export function weightedScore(passed: boolean[], weights: number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  return passed.reduce((acc, p, j) => acc + (p ? weights[j]! : 0), 0) / total;
}
