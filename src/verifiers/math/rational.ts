/**
 * Exact rationals over BigInt, so that 1/2004! and 1/2006! (or 2^-99 and 2^-98) stay different where a
 * float would round both to the same value. Every operation that can grow a number is capped: a result
 * past MAX_BITS is refused (undefined) and the caller falls back to a weaker comparison, so a power
 * tower such as 5^{5^{5^{5^5}}} costs microseconds instead of hanging.
 */
export interface Rational {
  readonly n: bigint;
  /** Always positive. gcd(n, d) = 1 when both are small; big ones stay unreduced (see rat). */
  readonly d: bigint;
}

/** Largest numerator or denominator kept exact (~20 000 decimal digits: 2006! fits; a ms of BigInt work at most). */
export const MAX_BITS = 65_536;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

export function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function bits(x: bigint): number {
  return x === 0n ? 0 : abs(x).toString(16).length * 4;
}

function tooBig(x: bigint): boolean {
  // cheap pre-check before toString: numbers below 2^1024 are always fine
  return abs(x) > 1n << 1024n && bits(x) > MAX_BITS;
}

/** Euclid's gcd costs O(bits²): past this size a fraction is kept unreduced and compared by cross-multiplying. */
const REDUCE_BITS = 4096;

export function rat(n: bigint, d = 1n): Rational | undefined {
  if (d === 0n) return undefined;
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  if (tooBig(n) || tooBig(d)) return undefined;
  if (d === 1n) return { n, d };
  if (bits(n) > REDUCE_BITS || bits(d) > REDUCE_BITS) {
    return n % d === 0n ? { n: n / d, d: 1n } : { n, d };
  }
  const g = gcd(n, d);
  return g > 1n ? { n: n / g, d: d / g } : { n, d };
}

/** The integer value of `a`, or undefined when it is not an integer. */
export function intValue(a: Rational): bigint | undefined {
  if (a.d === 1n) return a.n;
  return a.n % a.d === 0n ? a.n / a.d : undefined;
}

export const ZERO: Rational = { n: 0n, d: 1n };
export const ONE: Rational = { n: 1n, d: 1n };

export const add = (a: Rational, b: Rational) => rat(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational) => rat(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational) => rat(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational) => (b.n === 0n ? undefined : rat(a.n * b.d, a.d * b.n));
export const neg = (a: Rational): Rational => ({ n: -a.n, d: a.d });
export const eq = (a: Rational, b: Rational) => (a.n === b.n && a.d === b.d) || a.n * b.d === b.n * a.d;

/** a^k for an integer k, refused when the result would pass MAX_BITS (estimated before computing). */
export function powInt(a: Rational, k: bigint): Rational | undefined {
  if (k === 0n) return a.n === 0n ? undefined : ONE;
  if (a.n === 0n) return k > 0n ? ZERO : undefined;
  if (abs(a.n) === 1n && a.d === 1n) return { n: a.n === -1n && k % 2n !== 0n ? -1n : 1n, d: 1n };
  const e = abs(k);
  const size = Math.max(bits(a.n), bits(a.d));
  if (e > BigInt(MAX_BITS) || size * Number(e) > MAX_BITS) return undefined;
  const r = rat(a.n ** e, a.d ** e);
  return r && k < 0n ? div(ONE, r) : r;
}

/** n! for 0 <= n <= 3000 (about 30 000 bits, about a millisecond); larger is refused. */
export function factorial(a: Rational): Rational | undefined {
  const n = intValue(a);
  if (n === undefined || n < 0n || n > 3000n) return undefined;
  const cached = factorials.get(n);
  if (cached) return cached;
  let p = 1n;
  for (let i = 2n; i <= n; i++) p *= i;
  const r = { n: p, d: 1n };
  if (n > 200n) {
    // the same gold (1/2004!) is verified against many rollouts: keep a few large factorials
    if (factorials.size >= 16) factorials.delete(factorials.keys().next().value!);
    factorials.set(n, r);
  }
  return r;
}
const factorials = new Map<bigint, Rational>();

/** C(n, k) for integers with n <= 10^6 and min(k, n - k) <= 1000; larger is refused. */
export function binomial(nr: Rational, kr: Rational): Rational | undefined {
  const n = intValue(nr);
  const k = intValue(kr);
  if (n === undefined || k === undefined || n < 0n || n > 1_000_000n) return undefined;
  if (k < 0n || k > n) return ZERO;
  const kk = k > n - k ? n - k : k;
  if (kk > 1000n) return undefined;
  let r = 1n;
  for (let i = 1n; i <= kk; i++) r = (r * (n - kk + i)) / i;
  return tooBig(r) ? undefined : { n: r, d: 1n };
}

/** Exact value of a decimal literal such as "12.50", ".5" or "1.2e-3". */
export function parseDecimal(text: string): Rational | undefined {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?$/.exec(text);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? 0) - frac.length;
  if (Math.abs(exp) > 10_000 || m[1]!.length + frac.length > 10_000) return undefined;
  const digits = BigInt((m[1] || '0') + frac);
  return exp >= 0 ? rat(digits * 10n ** BigInt(exp)) : rat(digits, 10n ** BigInt(-exp));
}

/** A float approximation that survives huge numerators and denominators (ratio of their leading digits). */
export function toNumber(a: Rational): number {
  const nb = bits(a.n);
  const db = bits(a.d);
  if (nb < 1000 && db < 1000) return Number(a.n) / Number(a.d);
  const shift = BigInt(Math.max(0, Math.max(nb, db) - 900));
  const v = Number(a.n >> shift) / Number(a.d >> shift);
  return Number.isFinite(v) && v !== 0 ? v : Number(a.n) / Number(a.d);
}
