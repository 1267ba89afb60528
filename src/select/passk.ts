/**
 * Unbiased pass@k (Chen et al. 2021, "Evaluating Large Language Models Trained on Code"):
 * pass@k = 1 − C(n−c, k) / C(n, k), computed as 1 − Π_{i=n−c+1}^{n} (1 − k/i) to avoid huge binomials.
 * Returns null when k > n (the estimate needs at least k samples) or k < 1.
 */
export function passAtK(n: number, c: number, k: number): number | null {
  if (!Number.isInteger(k) || k < 1 || k > n) return null;
  if (c < 0 || c > n) throw new Error(`pass@k: ${c} correct of ${n} samples is impossible`);
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** k distinct indices of 0..n−1 in increasing order (partial Fisher–Yates), O(n). */
export function sampleSubset(n: number, k: number, rand: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, k).sort((a, b) => a - b);
}
