/**
 * Two evaluators over the same tree. `exact` gives a BigInt rational when the answer is one (and its
 * numbers stay under the size caps); `numeric` gives a complex float at a point, for everything else.
 * Complex arithmetic removes most domain trouble: sqrt(-3) and log(-2) are values, not errors, so two
 * expressions agree at a random point exactly when they agree as functions on their principal branches.
 */
import type { Ast } from './ast.js';
import type { Rational } from './rational.js';
import * as Q from './rational.js';

/** Rational values of variables, for exact evaluation at a rational point. */
export type ExactPoint = ReadonlyMap<string, Rational>;

export function exact(a: Ast, at?: ExactPoint): Rational | undefined {
  switch (a.t) {
    case 'num':
      return a.v;
    case 'sym':
      return at?.get(a.name);
    case 'neg': {
      const x = exact(a.a, at);
      return x && Q.neg(x);
    }
    case 'add':
    case 'sub':
    case 'mul':
    case 'div': {
      const x = exact(a.a, at);
      if (!x) return undefined;
      const y = exact(a.b, at);
      if (!y) return undefined;
      return a.t === 'add'
        ? Q.add(x, y)
        : a.t === 'sub'
          ? Q.sub(x, y)
          : a.t === 'mul'
            ? Q.mul(x, y)
            : Q.div(x, y);
    }
    case 'pow': {
      const y = exact(a.b, at);
      const k = y && Q.intValue(y);
      if (k === undefined) return undefined;
      const x = exact(a.a, at);
      return x && Q.powInt(x, k);
    }
    case 'fn': {
      if (a.name === 'fact') {
        const x = exact(a.args[0]!, at);
        return x && Q.factorial(x);
      }
      if (a.name === 'binom') {
        const n = exact(a.args[0]!, at);
        const k = exact(a.args[1]!, at);
        return n && k && Q.binomial(n, k);
      }
      if (a.name === 'abs') {
        const x = exact(a.args[0]!, at);
        return x && (x.n < 0n ? Q.neg(x) : x);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** A complex number [re, im]. */
export type C = readonly [number, number];
const NAN: C = [Number.NaN, Number.NaN];

const cadd = (x: C, y: C): C => [x[0] + y[0], x[1] + y[1]];
const csub = (x: C, y: C): C => [x[0] - y[0], x[1] - y[1]];
const cmul = (x: C, y: C): C => [x[0] * y[0] - x[1] * y[1], x[0] * y[1] + x[1] * y[0]];
export function cdiv(x: C, y: C): C {
  const d = y[0] * y[0] + y[1] * y[1];
  if (d === 0) return NAN;
  return [(x[0] * y[0] + x[1] * y[1]) / d, (x[1] * y[0] - x[0] * y[1]) / d];
}
const cabs = (x: C): number => Math.hypot(x[0], x[1]);
// -0 and +0 imaginary parts must land on the same side of the branch cut: log(-1) is +iπ
const clog = (x: C): C => [Math.log(cabs(x)), Math.atan2(x[1] === 0 ? 0 : x[1], x[0])];
const cexp = (x: C): C => {
  const r = Math.exp(x[0]);
  return x[1] === 0 ? [r, 0] : [r * Math.cos(x[1]), r * Math.sin(x[1])];
};
function cpow(x: C, y: C): C {
  if (y[1] === 0 && Number.isInteger(y[0]) && Math.abs(y[0]) <= 64) {
    // repeated squaring keeps small integer powers exact in floating point (x^2 at x = -1.5 stays real)
    let e = Math.abs(y[0]);
    let r: C = [1, 0];
    let b = x;
    while (e > 0) {
      if (e & 1) r = cmul(r, b);
      b = cmul(b, b);
      e >>= 1;
    }
    return y[0] < 0 ? cdiv([1, 0], r) : r;
  }
  if (x[0] === 0 && x[1] === 0) return y[0] > 0 ? [0, 0] : NAN;
  if (x[1] === 0 && x[0] < 0 && y[1] === 0) {
    // a real odd root of a negative number is real (the convention of school algebra): (-8)^(1/3) = -2
    const q = 1 / y[0];
    if (Number.isInteger(Math.round(q)) && Math.abs(q - Math.round(q)) < 1e-12 && Math.round(q) % 2 !== 0) {
      return [-((-x[0]) ** y[0]), 0];
    }
  }
  if (x[1] === 0 && x[0] > 0 && y[1] === 0) return [x[0] ** y[0], 0];
  return cexp(cmul(y, clog(x)));
}
const csqrt = (x: C): C => (x[1] === 0 && x[0] >= 0 ? [Math.sqrt(x[0]), 0] : cpow(x, [0.5, 0]));
const csin = (x: C): C => [Math.sin(x[0]) * Math.cosh(x[1]), Math.cos(x[0]) * Math.sinh(x[1])];
const ccos = (x: C): C => [Math.cos(x[0]) * Math.cosh(x[1]), -Math.sin(x[0]) * Math.sinh(x[1])];

/** Principal branches, so random points outside [-1, 1] still compare: asin z = -i log(iz + sqrt(1 - z²)). */
function casin(x: C): C {
  if (x[1] === 0 && Math.abs(x[0]) <= 1) return [Math.asin(x[0]), 0];
  const w = clog(cadd([-x[1], x[0]], csqrt(csub([1, 0], cmul(x, x)))));
  return [w[1], -w[0]];
}
/** atan z = (i/2) log((i + z) / (i - z)). */
function catan(x: C): C {
  if (x[1] === 0) return [Math.atan(x[0]), 0];
  const w = clog(cdiv([x[0], 1 + x[1]], [-x[0], 1 - x[1]]));
  return [-w[1] / 2, w[0] / 2];
}

/** Functions defined here only on the reals: a complex argument gives NaN (the point is then skipped). */
function real(x: C, f: (v: number) => number): C {
  return Math.abs(x[1]) > 1e-12 ? NAN : [f(x[0]), 0];
}

/** n! on the reals: exact products for small integers, Γ(n + 1) (see gamma, ~1e-14) elsewhere. */
function factorialReal(n: number): number {
  if (Number.isInteger(n)) {
    if (n < 0) return Number.NaN;
    if (n > 170) return Number.POSITIVE_INFINITY;
    let p = 1;
    for (let k = 2; k <= n; k++) p *= k;
    return p;
  }
  return gamma(n + 1);
}

/**
 * Γ(x) to about 1e-14 relative: the recurrence Γ(x) = Γ(x + n) / (x (x+1) … (x+n-1)) lifts x to at least 15,
 * where Stirling's series to the x^-13 term is exact to double precision; reflection below 1/2. (The
 * 9-term Lanczos approximation used before was only good to ~1e-7, so `(n+1)!` and `(n+1) n!` differed at
 * non-integer points under the 1e-9 comparison tolerance.) At most 15 steps: bounded work.
 */
function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x)); // reflection
  let shift = 1;
  let y = x;
  while (y < 15) {
    shift *= y;
    y += 1;
  }
  const r = 1 / y;
  const r2 = r * r;
  const series =
    r *
    (1 / 12 -
      r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 - r2 * (691 / 360360 - r2 / 156))))));
  return Math.exp((y - 0.5) * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI) + series) / shift;
}

export type Point = ReadonlyMap<string, number>;

/** The value of `a` at `point` (variables not in it are NaN). */
export function numeric(a: Ast, point: Point): C {
  switch (a.t) {
    case 'num':
      return [Q.toNumber(a.v), 0];
    case 'sym': {
      const v = point.get(a.name);
      return v === undefined ? NAN : [v, 0];
    }
    case 'const':
      return a.name === 'pi'
        ? [Math.PI, 0]
        : a.name === 'e'
          ? [Math.E, 0]
          : a.name === 'i'
            ? [0, 1]
            : [Number.POSITIVE_INFINITY, 0];
    case 'neg': {
      const x = numeric(a.a, point);
      return [-x[0], x[1] === 0 ? 0 : -x[1]];
    }
    case 'add':
      return cadd(numeric(a.a, point), numeric(a.b, point));
    case 'sub':
      return csub(numeric(a.a, point), numeric(a.b, point));
    case 'mul':
      return cmul(numeric(a.a, point), numeric(a.b, point));
    case 'div':
      return cdiv(numeric(a.a, point), numeric(a.b, point));
    case 'pow': {
      if (a.a.t === 'const' && a.a.name === 'e') return cexp(numeric(a.b, point));
      const x = numeric(a.a, point);
      if (x[1] === 0 && x[0] < 0) {
        // x^{p/q} with q odd is real for negative x (the real branch, as \\sqrt[q]{x^p} is): x^{4/3} = \\sqrt[3]{x^4}
        const q = exact(a.b);
        if (q && q.d !== 1n && q.d % 2n === 1n && q.d < 1_000_000n && q.n < 1_000_000n && q.n > -1_000_000n) {
          const mag = (-x[0]) ** (Number(q.n) / Number(q.d));
          return [q.n % 2n === 0n ? mag : -mag, 0];
        }
      }
      return cpow(x, numeric(a.b, point));
    }
    case 'fn':
      return fnValue(
        a.name,
        a.args.map((x) => numeric(x, point)),
      );
    default:
      return NAN; // sets, tuples, relations have no single value
  }
}

function fnValue(name: string, args: C[]): C {
  const x = args[0]!;
  switch (name) {
    case 'sqrt':
      return csqrt(x);
    case 'root':
      return cpow(x, cdiv([1, 0], args[1]!));
    case 'sin':
      return csin(x);
    case 'cos':
      return ccos(x);
    case 'tan':
      return cdiv(csin(x), ccos(x));
    case 'cot':
      return cdiv(ccos(x), csin(x));
    case 'sec':
      return cdiv([1, 0], ccos(x));
    case 'csc':
      return cdiv([1, 0], csin(x));
    case 'arcsin':
      return casin(x);
    case 'arccos':
      return csub([Math.PI / 2, 0], casin(x));
    case 'arctan':
      return catan(x);
    case 'sinh':
      return cmul([0.5, 0], csub(cexp(x), cexp([-x[0], -x[1]])));
    case 'cosh':
      return cmul([0.5, 0], cadd(cexp(x), cexp([-x[0], -x[1]])));
    case 'tanh':
      return cdiv(csub(cexp(x), cexp([-x[0], -x[1]])), cadd(cexp(x), cexp([-x[0], -x[1]])));
    case 'exp':
      return cexp(x);
    case 'ln':
      return clog(x);
    case 'log':
      // \log without a base is the natural logarithm (as in sympy and most olympiad solutions)
      return args.length > 1 ? cdiv(clog(x), clog(args[1]!)) : clog(x);
    case 'log10':
      return cdiv(clog(x), [Math.LN10, 0]);
    case 'abs':
      return [cabs(x), 0];
    case 'floor':
      return real(x, Math.floor);
    case 'ceil':
      return real(x, Math.ceil);
    case 'fact':
      return real(x, factorialReal);
    case 'binom':
      return real(x, (n) => {
        const k = args[1]![0];
        if (Number.isInteger(k) && k >= 0 && k <= 1000) {
          // the falling factorial n(n-1)…(n-k+1)/k! is a polynomial in n: exact in floating point terms
          let r = 1;
          for (let j = 0; j < k; j++) r = (r * (n - j)) / (j + 1);
          return r;
        }
        return factorialReal(n) / (factorialReal(k) * factorialReal(n - k));
      });
    case 'max':
    case 'min':
      return args.some((a) => Math.abs(a[1]) > 1e-12)
        ? NAN
        : [name === 'max' ? Math.max(...args.map((a) => a[0])) : Math.min(...args.map((a) => a[0])), 0];
    default:
      return NAN; // gcd, lcm, det: only their exact forms are compared (by key)
  }
}

/** Free variables of a tree. */
export function variables(a: Ast, out = new Set<string>()): Set<string> {
  switch (a.t) {
    case 'sym':
      out.add(a.name);
      break;
    case 'neg':
      variables(a.a, out);
      break;
    case 'fn':
      for (const x of a.args) variables(x, out);
      break;
    case 'num':
    case 'const':
    case 'word':
      break;
    case 'rel':
    case 'tuple':
    case 'set':
    case 'union':
      for (const x of a.items) variables(x, out);
      break;
    case 'matrix':
      for (const r of a.rows) for (const x of r) variables(x, out);
      break;
    default:
      variables(a.a, out);
      variables(a.b, out);
  }
  return out;
}

/** True when a tree has a decimal literal (then comparisons with it use the relative tolerance). */
export function hasDecimal(a: Ast): boolean {
  switch (a.t) {
    case 'num':
      return a.dec;
    case 'neg':
      return hasDecimal(a.a);
    case 'fn':
      return a.args.some(hasDecimal);
    case 'sym':
    case 'const':
    case 'word':
      return false;
    case 'rel':
    case 'tuple':
    case 'set':
    case 'union':
      return a.items.some(hasDecimal);
    case 'matrix':
      return a.rows.some((r) => r.some(hasDecimal));
    default:
      return hasDecimal(a.a) || hasDecimal(a.b);
  }
}

export const EMPTY: Point = new Map<string, number>();

/** Both parts finite. */
export const finite = (x: C) => Number.isFinite(x[0]) && Number.isFinite(x[1]);
export const mag = (x: C) => Math.hypot(x[0], x[1]);
/** |a - b| within `rel` of the larger magnitude, or under `absFloor`. */
export function close(a: C, b: C, rel: number, absFloor: number): boolean {
  const d = Math.hypot(a[0] - b[0], a[1] - b[1]);
  return d <= rel * Math.max(mag(a), mag(b)) || d <= absFloor;
}
