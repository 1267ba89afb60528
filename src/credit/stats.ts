/** Small numeric helpers shared by the advantage, step-credit and selection modules. O(n), no allocation. */

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

export type StdKind = 'sample' | 'population';

/**
 * Standard deviation. `sample` divides by n − 1 (torch.std's default, which TRL and verl use for GRPO);
 * `population` by n. Fewer values than the divisor needs give 0: a group of one carries no spread.
 */
export function std(xs: readonly number[], kind: StdKind = 'sample', mu = mean(xs)): number {
  const n = xs.length;
  const dof = kind === 'sample' ? n - 1 : n;
  if (dof <= 0) return 0;
  let ss = 0;
  for (const x of xs) ss += (x - mu) * (x - mu);
  return Math.sqrt(ss / dof);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const sigmoid = (x: number): number =>
  x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
