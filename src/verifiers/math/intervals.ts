/**
 * Sets of reals: intervals with their open/closed ends, unions of them, and one-variable inequalities
 * (linear ones solved for the variable) turned into intervals, compared as sets.
 */
import { type Ast, mapSymbols, type RelOp } from './ast.js';
import { close, EMPTY, finite, numeric, variables } from './evaluate.js';

export function intervalList(items: Ast[]): Interval[] | undefined {
  if (!items.some((a) => isInequality(a) || a.t === 'union' || isInterval(a))) return undefined;
  const parts = items.map(intervals);
  return parts.every((x) => x !== undefined) ? parts.flat() : undefined;
}

/** A relation that describes a set of reals: `<`, `\\le`, `>`, `\\ge` chains, or a single `x \\neq a`. */
export const isInequality = (a: Ast) =>
  a.t === 'rel' &&
  (a.ops.every((o) => o !== '=' && o !== '!=' && o !== '~') || (a.ops.length === 1 && a.ops[0] === '!='));

export const isInterval = (a: Ast) =>
  a.t === 'tuple' && a.items.length === 2 && (a.open === '[' || a.close === ']' || hasInf(a));

const hasInf = (a: Ast & { t: 'tuple' }) => a.items.some((x) => isInfinite(x) !== 0);

export interface Interval {
  lo: Ast;
  hi: Ast;
  loClosed: boolean;
  hiClosed: boolean;
}

const NEG_INF: Ast = { t: 'neg', a: { t: 'const', name: 'inf' } };

const POS_INF: Ast = { t: 'const', name: 'inf' };

/** An interval, a union of intervals, or a one-variable inequality, as a list of intervals. */
export function intervals(a: Ast): Interval[] | undefined {
  if (a.t === 'tuple' && a.items.length === 2) {
    return [{ lo: a.items[0]!, hi: a.items[1]!, loClosed: a.open === '[', hiClosed: a.close === ']' }];
  }
  if (a.t === 'union') {
    const parts = a.items.map(intervals);
    return parts.every((p) => p !== undefined) ? parts.flat() : undefined;
  }
  if (isInequality(a) && a.t === 'rel') return inequality(a);
  return undefined;
}

function inequality(rel: Ast & { t: 'rel' }): Interval[] | undefined {
  const a = solveLinear(rel);
  // the variable side: a name or a function value (`0 < g(x) \\le 2` is the range of g)
  const isVar = (x: Ast) => x.t === 'sym' || (x.t === 'mul' && x.a.t === 'sym' && x.b.t === 'sym');
  const constant = (x: Ast) => variables(x).size === 0 && x.t !== 'tuple' && x.t !== 'set';
  const up = (o: string) => o === '<' || o === '<=';
  if (a.items.length === 2) {
    let [l, r] = a.items as [Ast, Ast];
    let op = a.ops[0]!;
    if (!isVar(l) && isVar(r)) {
      [l, r] = [r, l];
      op = ({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as const)[op as '<'] ?? op;
    }
    if (!isVar(l) || !constant(r)) return undefined;
    if (op === '!=')
      return [
        { lo: NEG_INF, hi: r, loClosed: false, hiClosed: false },
        { lo: r, hi: POS_INF, loClosed: false, hiClosed: false },
      ];
    return up(op)
      ? [{ lo: NEG_INF, hi: r, loClosed: false, hiClosed: op === '<=' }]
      : [{ lo: r, hi: POS_INF, loClosed: op === '>=', hiClosed: false }];
  }
  if (a.items.length === 3 && isVar(a.items[1]!) && constant(a.items[0]!) && constant(a.items[2]!)) {
    const [o1, o2] = a.ops as [string, string];
    if (o1 === '!=' || o2 === '!=' || up(o1) !== up(o2)) return undefined;
    return up(o1)
      ? [{ lo: a.items[0]!, hi: a.items[2]!, loClosed: o1 === '<=', hiClosed: o2 === '<=' }]
      : [{ lo: a.items[2]!, hi: a.items[0]!, loClosed: o2 === '>=', hiClosed: o1 === '>=' }];
  }
  return undefined;
}

/** The same set: each interval of one side equals one of the other's (ends compared with `sameEnd`). */
export function sameIntervals(a: Interval[], b: Interval[], sameEnd: (x: Ast, y: Ast) => boolean): boolean {
  const same = (x: Interval, y: Interval) =>
    (x.loClosed === y.loClosed || isInfinite(x.lo) !== 0) &&
    (x.hiClosed === y.hiClosed || isInfinite(x.hi) !== 0) &&
    sameEnd(x.lo, y.lo) &&
    sameEnd(x.hi, y.hi);
  return (
    a.length === b.length &&
    a.every((x) => b.some((y) => same(x, y))) &&
    b.every((y) => a.some((x) => same(x, y)))
  );
}

const FLIP: Record<string, RelOp> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/**
 * `2x + 1 > 5` → `x > (5 - 1) / 2`: a one-variable inequality whose variable sits in one linear item is
 * rewritten with the variable alone (ops flipped when the slope is negative), so it becomes an interval.
 * The slope and intercept stay trees (exact when they can be); linearity is checked at two more points.
 */
function solveLinear(a: Ast & { t: 'rel' }): Ast & { t: 'rel' } {
  const vars = variables(a);
  if (vars.size !== 1 || a.items.length > 3) return a;
  const v = [...vars][0]!;
  const at = a.items.findIndex((x) => variables(x).size > 0);
  if (a.items.some((x, i) => i !== at && variables(x).size > 0)) return a;
  if (a.items.length === 3 && at !== 1) return a;
  const item = a.items[at]!;
  if (item.t === 'sym') return a;
  const c = substitute(item, v, 0);
  const m: Ast = { t: 'sub', a: substitute(item, v, 1), b: c };
  const mv = numeric(m, EMPTY);
  const cv = numeric(c, EMPTY);
  if (!finite(mv) || !finite(cv) || mv[1] !== 0 || cv[1] !== 0 || Math.abs(mv[0]) < 1e-12) return a;
  for (const t of [2.5, -1.7]) {
    const y = numeric(item, new Map([[v, t]]));
    if (!finite(y) || !close(y, [cv[0] + mv[0] * t, 0], 1e-9, 1e-12)) return a;
  }
  const solve = (bound: Ast): Ast => ({ t: 'div', a: { t: 'sub', a: bound, b: c }, b: m });
  const items = a.items.map((x, i) => (i === at ? ({ t: 'sym', name: v } as Ast) : solve(x)));
  const ops = mv[0] < 0 ? a.ops.map((o) => FLIP[o] ?? o) : a.ops;
  return { t: 'rel', ops, items };
}

function substitute(a: Ast, name: string, value: number): Ast {
  return mapSymbols(a, (sym) =>
    sym.name === name ? { t: 'num', v: { n: BigInt(value), d: 1n }, dec: false } : sym,
  );
}

/** +1 / -1 for a literal ±\infty, 0 otherwise. Only literals may equal infinity: an overflowing float may not. */
export function isInfinite(a: Ast): number {
  if (a.t === 'const' && a.name === 'inf') return 1;
  if (a.t === 'neg') return -isInfinite(a.a);
  return 0;
}

/** Grid of test points: irrational offsets so no grid point lands on a typical boundary by accident. */
const GRID = Array.from({ length: 81 }, (_, k) => -10 + k * 0.25 + 0.0731);
const FAR = [-1e6, -1e3, -100, 100, 1e3, 1e6];

/**
 * Does a one-variable inequality (any expressions: `x^2 < 4`, `\\frac{1}{x} > 1`) describe the same set
 * as `ivs`? Membership is compared on a grid, far out, and at and beside every finite endpoint of `ivs`
 * (so open and closed ends are told apart). undefined when the inequality has not exactly one variable.
 * A set that differs only strictly between test points escapes this check (README, known limits).
 */
export function sampledInequality(rel: Ast & { t: 'rel' }, ivs: Interval[]): boolean | undefined {
  const vars = variables(rel);
  if (vars.size !== 1) return undefined;
  const v = [...vars][0]!;
  const ends: number[] = [];
  const bounds = ivs.map((iv) => {
    const lo = endValue(iv.lo);
    const hi = endValue(iv.hi);
    for (const e of [lo, hi]) if (Number.isFinite(e)) ends.push(e);
    return { lo, hi, iv };
  });
  if (bounds.some((b) => Number.isNaN(b.lo) || Number.isNaN(b.hi))) return undefined;
  const xs = [...GRID, ...FAR];
  for (const e of ends) xs.push(e, e - 1e-6 * Math.max(1, Math.abs(e)), e + 1e-6 * Math.max(1, Math.abs(e)));
  for (const x of xs) {
    const inSet = bounds.some(
      ({ lo, hi, iv }) => (x > lo || (iv.loClosed && x === lo)) && (x < hi || (iv.hiClosed && x === hi)),
    );
    const holds = chainHolds(rel, new Map([[v, x]]));
    if (holds === undefined) continue;
    if (holds !== inSet) return false;
  }
  return true;
}

function endValue(a: Ast): number {
  const inf = isInfinite(a);
  if (inf !== 0) return inf * Number.POSITIVE_INFINITY;
  const c = numeric(a, EMPTY);
  return finite(c) && Math.abs(c[1]) < 1e-12 ? c[0] : Number.NaN;
}

/** Truth of `a < b <= c …` at a point; equality within 1e-9 (relative) so closed ends are recognised. */
function chainHolds(rel: Ast & { t: 'rel' }, point: Map<string, number>): boolean | undefined {
  const values = rel.items.map((x) => numeric(x, point));
  if (values.some((c) => Number.isNaN(c[0]) || Number.isNaN(c[1]))) return undefined;
  if (values.some((c) => Math.abs(c[1]) > 1e-9)) return false; // outside the real domain: not in the set
  for (let i = 0; i < rel.ops.length; i++) {
    const a = values[i]![0];
    const b = values[i + 1]![0];
    const eq = a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
    const op = rel.ops[i]!;
    const ok =
      op === '<'
        ? a < b && !eq
        : op === '<='
          ? a < b || eq
          : op === '>'
            ? a > b && !eq
            : op === '>='
              ? a > b || eq
              : !eq;
    if (!ok) return false;
  }
  return true;
}
