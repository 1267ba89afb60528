import { seededRandom as mulberry32 } from '../../core/random.js';
/**
 * Is a predicted answer equivalent to a gold one? Rule by rule (README.md lists them):
 * identical trees; exact rationals; floats with a tolerance when a decimal is involved; expressions by
 * evaluation at seeded random points; equations up to a constant factor; inequalities and intervals as
 * sets of reals; sets unordered, tuples ordered; several answers must match one to one.
 */
import type { Ast } from './ast.js';
import { key, mapSymbols, someArithmetic } from './ast.js';
import {
  type C,
  cdiv,
  close,
  EMPTY,
  exact,
  finite,
  hasDecimal,
  mag,
  numeric,
  variables,
} from './evaluate.js';
import {
  intervalList,
  intervals,
  isInequality,
  isInfinite,
  isInterval,
  sameIntervals,
  sampledInequality,
} from './intervals.js';
import * as Q from './rational.js';

export interface EquivalenceOptions {
  /** Relative tolerance when either side has a decimal literal (0.333333 vs 1/3 needs 1e-6). */
  relTol: number;
  /** Accept a decimal that is the gold rounded to the digits shown (3.14 for \pi). */
  allowRounded: boolean;
  /** `rename`: `2a+1` matches `2b+1` (variables matched in sorted order); `strict`: names must agree. */
  variables: 'strict' | 'rename';
  /** Seed for the random evaluation points. */
  seed: number;
  /** Compare bare lists (`3, 1, 2`) in order, for sorting tasks; by default they are sets. */
  orderedLists?: boolean;
}

export const DEFAULT_EQUIVALENCE: EquivalenceOptions = {
  relTol: 1e-6,
  allowRounded: false,
  variables: 'strict',
  seed: 0,
};

export interface Verdict {
  equal: boolean;
  /** The rule that decided. */
  rule: string;
}

const MAX_ITEMS = 64;
const POINTS = 6;
/** Symbolic comparisons: values agree to this relative precision at every point (rounding noise is ~1e-15). */
const SYMBOLIC_TOL = 1e-9;

type Ctx = EquivalenceOptions;

export function equivalent(gold: Ast[], pred: Ast[], opts: EquivalenceOptions): Verdict {
  const ctx: Ctx = opts;
  const g = expandAll(gold);
  const p = expandAll(pred);
  if (!g || !p) return { equal: false, rule: 'too many alternatives' };
  if (g.length === 1 && p.length === 1) return item(g[0]!, p[0]!, ctx);
  // A single tuple or set on one side and a bare list on the other: `(1, 2)` vs `1, 2`.
  if (g.length === 1 && (g[0]!.t === 'tuple' || g[0]!.t === 'set')) return container(g[0]!, p, ctx);
  if (p.length === 1 && (p[0]!.t === 'tuple' || p[0]!.t === 'set')) return container(p[0]!, g, ctx);
  // `x < 1 or x > 2` vs `(-\infty, 1) \cup (2, \infty)`: both sides as lists of intervals
  const gi = intervalList(g);
  const pi = gi && intervalList(p);
  if (gi && pi) return { equal: sameIntervals(gi, pi, (x, y) => scalar(x, y, ctx).equal), rule: 'interval' };
  const pl = intervalList(p);
  const only = (items: Ast[]) =>
    items.length === 1 && items[0]!.t === 'rel' && isInequality(items[0]!) ? items[0]! : undefined;
  const gr = only(g);
  if (gr?.t === 'rel' && !gi && pl)
    return { equal: sampledInequality(gr, pl) === true, rule: 'interval (sampled)' };
  const pr = only(p);
  const gl = intervalList(g);
  if (pr?.t === 'rel' && !pi && gl)
    return { equal: sampledInequality(pr, gl) === true, rule: 'interval (sampled)' };
  const equal = ctx.orderedLists ? sameSequence(g, p, ctx) : sameSet(g, p, ctx);
  return {
    equal,
    rule: equal
      ? 'same answers'
      : g.length === p.length
        ? 'answers differ'
        : `${p.length} answers given, ${g.length} expected`,
  };
}

function container(c: Ast & { t: 'tuple' | 'set' }, list: Ast[], ctx: Ctx): Verdict {
  const equal = c.t === 'set' ? sameSet(c.items, list, ctx) : sameSequence(c.items, list, ctx);
  return { equal, rule: c.t === 'set' ? 'set vs list' : 'tuple vs list' };
}

/** `a \pm b` becomes a + b and a - b; a top-level item may hold several (capped). */
function expandAll(items: Ast[]): Ast[] | undefined {
  const out: Ast[] = [];
  for (const a of items) {
    for (const x of expand(a)) out.push(x);
    if (out.length > MAX_ITEMS) return undefined;
  }
  return out;
}

function expand(a: Ast): Ast[] {
  if (!hasPm(a)) return [a];
  switch (a.t) {
    case 'pm': {
      const out: Ast[] = [];
      for (const x of expand(a.a))
        for (const y of expand(a.b)) out.push({ t: 'add', a: x, b: y }, { t: 'sub', a: x, b: y });
      return out.slice(0, MAX_ITEMS + 1);
    }
    case 'neg':
      return expand(a.a).map((x) => ({ t: 'neg', a: x }));
    case 'rel':
      // x = 1 \pm \sqrt{2}: expand the right-hand side only
      if (a.items.length === 2) return expand(a.items[1]!).map((x) => ({ ...a, items: [a.items[0]!, x] }));
      return [a];
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'pow': {
      const out: Ast[] = [];
      for (const x of expand(a.a)) for (const y of expand(a.b)) out.push({ t: a.t, a: x, b: y });
      return out.slice(0, MAX_ITEMS + 1);
    }
    case 'fn':
      if (a.args.length === 1) return expand(a.args[0]!).map((x) => ({ ...a, args: [x] }));
      return [a];
    default:
      return [a];
  }
}

function hasPm(a: Ast): boolean {
  switch (a.t) {
    case 'pm':
      return true;
    case 'neg':
      return hasPm(a.a);
    case 'fn':
      return a.args.some(hasPm);
    case 'rel':
      return a.items.some(hasPm);
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'pow':
      return hasPm(a.a) || hasPm(a.b);
    default:
      return false;
  }
}

/** Every item on each side matches an item on the other (so extra candidates fail). */
function sameSet(a: Ast[], b: Ast[], ctx: Ctx): boolean {
  if (a.length > MAX_ITEMS || b.length > MAX_ITEMS) return false;
  const covered = new Array<boolean>(b.length).fill(false);
  for (const x of a) {
    let found = false;
    for (let j = 0; j < b.length; j++) {
      if (item(x, b[j]!, ctx).equal) {
        found = true;
        covered[j] = true;
      }
    }
    if (!found) return false;
  }
  return covered.every(Boolean);
}

function sameSequence(a: Ast[], b: Ast[], ctx: Ctx): boolean {
  return a.length === b.length && a.every((x, i) => item(x, b[i]!, ctx).equal);
}

/**
 * A unit written after a value (`5\\text{ cm}`, `12 \\text{ dollars}^2`) is dropped. Only after the value,
 * at most two words, and never a negation: `\\text{not } 5` and `5 \\text{ is not right}` keep their words.
 */
function dropWords(a: Ast): Ast {
  if (a.t !== 'mul') return a;
  const l = dropWords(a.a);
  if (isUnit(a.b) && !isWordy(l)) return l;
  return l === a.a ? a : { t: 'mul', a: l, b: a.b };
}
const UNIT_LIKE = /^[a-zA-Z.]+(?: [a-zA-Z.]+)?$/;
const NEGATION = /\b(?:not|no|never|isn'?t|wrong|incorrect)\b/i;
function isUnit(a: Ast): boolean {
  const w = a.t === 'pow' ? a.a : a;
  return w.t === 'word' && UNIT_LIKE.test(w.text.trim()) && !NEGATION.test(w.text);
}
const isWordy = (a: Ast): boolean => a.t === 'word' || (a.t === 'pow' && a.a.t === 'word');

const isEquation = (a: Ast): a is Ast & { t: 'rel' } =>
  a.t === 'rel' && a.ops.length === 1 && a.ops[0] === '=';

export function item(goldIn: Ast, predIn: Ast, ctx: Ctx): Verdict {
  const gs = settle(dropWords(goldIn), ctx);
  const ps = settle(dropWords(predIn), ctx);
  if (!gs || !ps) return { equal: false, rule: 'a chain or approximation that contradicts itself' };
  const v = settled(gs.main, ps.main, ctx);
  if (v.equal) return v;
  // a decimal gold against `\\frac{\\sqrt5}{5} \\approx 0.447`: the stated rounding is what was asked for;
  // and the other way, a gold that states its own rounding (`\\frac29 \\approx 0.22`) accepts that decimal
  const a =
    ps.approx && hasDecimal(gs.main)
      ? settled(gs.main, ps.approx, ctx)
      : gs.approx && hasDecimal(ps.main)
        ? settled(gs.approx, ps.main, ctx)
        : undefined;
  return a?.equal ? { equal: true, rule: `${a.rule} (approximation)` } : v;
}

function settled(g: Ast, p: Ast, ctx: Ctx): Verdict {
  if (key(g) === key(p)) return { equal: true, rule: 'identical' };
  if ((isRatio(g) || isRatio(p)) && g.t !== 'rel' && p.t !== 'rel')
    return { equal: sameRatio(g, p, ctx), rule: 'ratio' };
  if (g.t === 'word' || p.t === 'word') {
    const equal = text(g) !== undefined && text(g) === text(p);
    return { equal, rule: 'text' };
  }
  if (isEquation(g) && isEquation(p)) {
    if (isLabel(g.items[0]!) && isLabel(p.items[0]!) && key(g.items[0]!) === key(p.items[0]!))
      return { ...settled(g.items[1]!, p.items[1]!, ctx), rule: 'same label' };
    return { equal: sameEquation(g, p, ctx), rule: 'equation' };
  }
  const gi = intervals(g);
  const pi = intervals(p);
  if (
    gi &&
    pi &&
    (isInequality(g) ||
      isInequality(p) ||
      g.t === 'union' ||
      p.t === 'union' ||
      isInterval(g) ||
      isInterval(p))
  ) {
    return { equal: sameIntervals(gi, pi, (x, y) => scalar(x, y, ctx).equal), rule: 'interval' };
  }
  // `x^2 < 4` vs `(-2, 2)`: an inequality that is not linear is tested point by point against intervals
  if (gi && !pi && p.t === 'rel' && isInequality(p))
    return { equal: sampledInequality(p, gi) === true, rule: 'interval (sampled)' };
  if (pi && !gi && g.t === 'rel' && isInequality(g))
    return { equal: sampledInequality(g, pi) === true, rule: 'interval (sampled)' };
  // `x = 5` vs `5`; `y = 2x + 1` vs `2x + 1`; `|PQ| = 9` vs `9`: an assignment compares by its right-hand side
  if (isEquation(g) && p.t !== 'rel' && isLabel(g.items[0]!)) return settled(g.items[1]!, p, ctx);
  if (isEquation(p) && g.t !== 'rel' && isLabel(p.items[0]!)) return settled(g, p.items[1]!, ctx);
  if (g.t === 'rel' && p.t === 'rel') return { equal: sameRelation(g, p, ctx), rule: 'relation' };
  if (g.t === 'set' && p.t === 'set') return { equal: sameSet(g.items, p.items, ctx), rule: 'set' };
  if (g.t === 'tuple' && p.t === 'tuple') {
    if (g.names && p.names) return { equal: sameLabelled(g, p, ctx), rule: 'labelled values' };
    const brackets =
      (g.open === p.open && g.close === p.close) || g.names !== undefined || p.names !== undefined;
    return { equal: brackets && sameSequence(g.items, p.items, ctx), rule: 'tuple' };
  }
  if (g.t === 'matrix' || p.t === 'matrix') return { equal: sameMatrix(g, p, ctx), rule: 'matrix' };
  if (isScalar(g) && isScalar(p)) return scalar(g, p, ctx);
  return { equal: false, rule: `different kinds (${g.t} vs ${p.t})` };
}

/**
 * The left side of an assignment, a label rather than an expression: `x`, `a_1`, a function value (`f(x)`,
 * `P(2)`, `\\sin\\theta`), a product of names (`PQ`, `\\angle ABC`), its absolute value (`|PQ|`), a tuple of labels
 * (`(m, n)`), a ratio of labels (`a:b`) or a word (`\\text{Area}`).
 */
function isLabel(a: Ast): boolean {
  switch (a.t) {
    case 'sym':
    case 'word':
      return true;
    case 'mul':
      return isLabel(a.a) && (isLabel(a.b) || a.b.t === 'num' || a.b.t === 'tuple');
    case 'fn':
      // `|PQ|`, `a:b`, and a named function of names: `\\sin\\theta = \\frac35`, `\\ln x = 2`
      return a.args.length > 0 && a.args.every(isLabel);
    case 'tuple':
      return a.open === '(' && a.items.every(isLabel);
    default:
      return false;
  }
}

interface Settled {
  main: Ast;
  /** The value after `\\approx`, when one was given. */
  approx?: Ast;
}

/**
 * What an answer states once its notation is read: `p = \\frac29 \\approx 0.22` is `p = \\frac29` (the rounding
 * must agree with it), `w = 3 + 4 = 7` is `w = 7` (every numeric link must hold), `3 + 4 = 7` is `7`, and
 * `(m, n) = (4, 7)` is the labelled tuple `m = 4, n = 7`. undefined: the answer contradicts itself
 * (`2 = 3`, `\\frac29 \\approx 0.5`), which matches nothing.
 */
function settle(a: Ast, ctx: Ctx): Settled | undefined {
  if (a.t !== 'rel') return { main: a };
  if (a.ops.length === 1 && a.ops[0] === '=' && isLabel(a.items[1]!) && !isLabel(a.items[0]!)) {
    // `3 = x`: an assignment written the other way round
    if (variables(a.items[0]!).size === 0 && variables(a.items[1]!).size > 0)
      return settle({ t: 'rel', ops: ['='], items: [a.items[1]!, a.items[0]!] }, ctx);
  }
  let items = a.items;
  let ops = a.ops;
  let approx: Ast | undefined;
  const k = ops.indexOf('~');
  if (k === 0 && isLabel(items[0]!) && variables(items[0]!).size > 0) {
    // `x \\approx 0.3`: only an approximate value is given; it is the answer (a decimal, so with tolerance)
    return items.length === 2 ? { main: items[1]! } : { main: a };
  }
  if (k >= 0) {
    const before = items[k]!;
    for (let j = k + 1; j < items.length; j++) {
      if (ops[j - 1] !== '~' && ops[j - 1] !== '=') return { main: a };
      if (!roundingOf(items[j]!, before)) return undefined;
    }
    approx = items[k + 1];
    items = items.slice(0, k + 1);
    ops = ops.slice(0, k);
    if (!ops.length) return { main: items[0]!, approx };
  }
  if (ops.every((o) => o === '=')) {
    const first = items[0]!;
    const labelled = isLabel(first) && variables(first).size > 0;
    const values = labelled ? items.slice(1) : items;
    // every numeric link of the chain must hold: `3 + 4 = 7` yes, `2 = 3` no
    const constants = values.filter((x) => variables(x).size === 0 && isScalar(x));
    for (let j = 1; j < constants.length; j++)
      if (!scalar(constants[0]!, constants[j]!, ctx).equal) return undefined;
    const last = items.at(-1)!;
    if (!labelled && values.every((x) => variables(x).size === 0 && isScalar(x)))
      return { main: last, approx };
    // `m + n = 77 + 3 = 80`: an expression computed through a chain of (true) arithmetic is its last value;
    // a bare `x + y = 5` stays an equation (a sum is no label), since nothing says 5 is what was asked
    if (
      !labelled &&
      values.length >= 3 &&
      values.slice(1).every((x) => variables(x).size === 0 && isScalar(x))
    )
      return { main: last, approx };
    if (labelled && values.length > 1 && variables(last).size === 0) items = [first, last];
    if (first.t === 'tuple' && last.t === 'tuple' && first.items.every((x) => x.t === 'sym')) {
      if (first.items.length === last.items.length && items.length === 2) {
        const names = first.items.map((x) => (x as Ast & { t: 'sym' }).name);
        return { main: { t: 'tuple', open: '(', close: ')', items: last.items, names }, approx };
      }
    }
    return {
      main: items.length === a.items.length ? a : { t: 'rel', ops: ops.slice(0, items.length - 1), items },
      approx,
    };
  }
  return { main: ops === a.ops ? a : { t: 'rel', ops, items }, approx };
}

/** `0.22` is a rounding of 2/9: rounded or truncated to its digits (or 1e-2 relative for a non-literal). */
function roundingOf(approx: Ast, value: Ast): boolean {
  const v = numeric(value, EMPTY);
  const r = numeric(approx, EMPTY);
  if (!finite(v) || !finite(r)) return false;
  const lit = approx.t === 'num' ? approx : approx.t === 'neg' && approx.a.t === 'num' ? approx.a : undefined;
  if (lit?.dec) {
    const digits = places(lit.v);
    // rounded to the digits shown (within half a unit of the last digit), or truncated toward zero
    const unit = 10 ** -digits;
    const slack = 1e-9 * unit + 1e-12 * mag(v);
    if (Math.abs(v[1]) > slack || Math.abs(r[1]) > slack) return false;
    const d = v[0] - r[0];
    return (
      Math.abs(d) <= 0.5 * unit + slack || (Math.sign(d) === Math.sign(v[0]) && Math.abs(d) < unit + slack)
    );
  }
  // an integer written after \\approx (`\\pi \\approx 3`) is a rounding to units
  if (approx.t === 'num' || (approx.t === 'neg' && approx.a.t === 'num'))
    return Math.abs(v[1]) < 1e-12 && Math.abs(v[0] - r[0]) <= 0.5 + 1e-9;
  return close(v, r, 1e-2, 0);
}

const isRatio = (a: Ast): a is Ast & { t: 'fn' } => a.t === 'fn' && a.name === 'ratio';

/** `5:3` = `10:6` (proportional terms, none zero); a two-term ratio also equals its quotient (`5:3` = `5/3`). */
function sameRatio(g: Ast, p: Ast, ctx: Ctx): boolean {
  if (isRatio(g) && isRatio(p)) {
    const a = g.args;
    const b = p.args;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (scalar(a[i]!, ZERO_AST, ctx).equal || scalar(b[i]!, ZERO_AST, ctx).equal) return false;
      const j = (i + 1) % a.length;
      const left: Ast = { t: 'mul', a: a[i]!, b: b[j]! };
      const right: Ast = { t: 'mul', a: a[j]!, b: b[i]! };
      if (!scalar(left, right, ctx).equal) return false;
    }
    return true;
  }
  const r = isRatio(g) ? g : (p as Ast & { t: 'fn' });
  const other = r === g ? p : g;
  if (r.args.length !== 2 || !isScalar(other)) return false;
  const q: Ast = { t: 'div', a: r.args[0]!, b: r.args[1]! };
  return r === g ? scalar(q, other, ctx).equal : scalar(other, q, ctx).equal;
}
const ZERO_AST: Ast = { t: 'num', v: { n: 0n, d: 1n }, dec: false };

/** `a = 2, b = 9` vs `b = 9, a = 2`: the same names with the same values. */
function sameLabelled(g: Ast & { t: 'tuple' }, p: Ast & { t: 'tuple' }, ctx: Ctx): boolean {
  const gn = g.names!;
  const pn = p.names!;
  if (gn.length !== pn.length || gn.some((n) => !pn.includes(n))) return false;
  return gn.every((n, i) => item(g.items[i]!, p.items[pn.indexOf(n)]!, ctx).equal);
}

const MIRROR: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '!=': '!=', '=': '=' };

/** Two relations that are not sets of reals: the same operators and sides (`x \\neq -3`), or mirrored (`-3 \\neq x`). */
function sameRelation(g: Ast & { t: 'rel' }, p: Ast & { t: 'rel' }, ctx: Ctx): boolean {
  if (g.items.length !== p.items.length) return false;
  const pairwise = (items: Ast[], ops: string[]) =>
    ops.every((o, i) => o === g.ops[i]) && g.items.every((x, i) => item(x, items[i]!, ctx).equal);
  return (
    pairwise(p.items, p.ops) ||
    pairwise(
      [...p.items].reverse(),
      [...p.ops].reverse().map((o) => MIRROR[o] ?? o),
    )
  );
}

function text(a: Ast): string | undefined {
  if (a.t === 'word') return a.text.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (a.t === 'sym') return a.name.toLowerCase();
  return undefined;
}

function isScalar(a: Ast): boolean {
  return !['rel', 'tuple', 'set', 'union', 'matrix', 'word'].includes(a.t) && !isRatio(a);
}

function sameMatrix(a: Ast, b: Ast, ctx: Ctx): boolean {
  const rows = (x: Ast): Ast[][] | undefined =>
    x.t === 'matrix'
      ? x.rows
      : x.t === 'tuple' && x.open === '(' && x.close === ')'
        ? x.items.map((i) => [i])
        : undefined;
  const ra = rows(a);
  const rb = rows(b);
  if (!ra || !rb) return false;
  const flat = (r: Ast[][]) => (r.length === 1 ? r[0]!.map((x) => [x]) : r); // a row vector compares as a column
  const fa = a.t === 'matrix' && b.t === 'matrix' ? ra : flat(ra);
  const fb = a.t === 'matrix' && b.t === 'matrix' ? rb : flat(rb);
  return (
    fa.length === fb.length &&
    fa.every((r, i) => r.length === fb[i]!.length && r.every((x, j) => item(x, fb[i]![j]!, ctx).equal))
  );
}

/** Two equations are the same when (lhs - rhs) of one is a constant non-zero multiple of the other's. */
function sameEquation(g: Ast & { t: 'rel' }, p: Ast & { t: 'rel' }, ctx: Ctx): boolean {
  const f: Ast = { t: 'sub', a: g.items[0]!, b: g.items[1]! };
  const h: Ast = { t: 'sub', a: p.items[0]!, b: p.items[1]! };
  const vars = new Set([...variables(f), ...variables(h)]);
  if (vars.size === 0)
    return scalar(g.items[1]!, p.items[1]!, ctx).equal && scalar(g.items[0]!, p.items[0]!, ctx).equal;
  const pts = points(vars, ctx);
  let ratio: C | undefined;
  let used = 0;
  for (const pt of pts) {
    const fv = numeric(f, pt);
    const hv = numeric(h, pt);
    if (!finite(fv) || !finite(hv)) continue;
    const fz = mag(fv) < 1e-12;
    const hz = mag(hv) < 1e-12;
    if (fz !== hz) return false;
    if (fz) continue;
    const r = cdiv(fv, hv);
    if (ratio === undefined) ratio = r;
    else if (!close(r, ratio, SYMBOLIC_TOL, 1e-12)) return false;
    used++;
  }
  return used >= 3;
}

function scalar(g: Ast, p: Ast, ctx: Ctx): Verdict {
  if (key(g) === key(p)) return { equal: true, rule: 'identical' };
  const ig = isInfinite(g);
  const ip = isInfinite(p);
  if (ig !== 0 || ip !== 0) return { equal: ig === ip, rule: 'infinity' };
  const decimal = hasDecimal(g) || hasDecimal(p);
  const eg = exact(g);
  const ep = eg && exact(p);
  if (eg && ep) {
    if (!decimal) return { equal: Q.eq(eg, ep), rule: 'exact' };
    return {
      equal:
        rounded(g, p, ctx) ||
        rounded(p, g, ctx) ||
        (decimalRounding(p, g, eg) && close([Q.toNumber(eg), 0], [Q.toNumber(ep), 0], ctx.relTol, 0)),
      rule: 'decimal',
    };
  }
  let vars = new Set([...variables(g), ...variables(p)]);
  if (ctx.variables === 'rename') {
    const vg = [...variables(g)].sort();
    const vp = [...variables(p)].sort();
    if (vg.length === vp.length && vg.some((v, i) => v !== vp[i])) {
      p = rename(p, new Map(vp.map((v, i) => [v, vg[i]!])));
      vars = new Set(vg);
    }
  }
  const tol = decimal ? ctx.relTol : SYMBOLIC_TOL;
  if (vars.size === 0) {
    const a = numeric(g, EMPTY);
    const b = numeric(p, EMPTY);
    if (!finite(a) || !finite(b)) return { equal: false, rule: 'not a finite number' };
    const lit = decimalLiteral(p);
    // a decimal answer to an irrational gold must be a rounding or truncation of it at its own places
    // (`3.14159265` for π), not merely near it
    const rounding =
      !lit || (a[1] === 0 && Math.abs(Q.toNumber(lit) - a[0]) < 10 ** -places(lit) * (1 + 1e-9));
    return {
      equal: rounded(g, p, ctx) || rounded(p, g, ctx) || (rounding && close(a, b, tol, 1e-14)),
      rule: decimal ? 'decimal' : 'numeric',
    };
  }
  let agree = 0;
  const pts = points(vars, ctx);
  for (const pt of pts) {
    const a = numeric(g, pt);
    const b = numeric(p, pt);
    const fa = finite(a);
    const fb = finite(b);
    if (!fa && !fb) continue;
    // a decimal's rounding error does not shrink where the value crosses zero (`x + 0.3333333` near x = -1/3):
    // with decimals the tolerance is also an absolute floor
    if (fa !== fb || !close(a, b, tol, decimal ? tol : 1e-10))
      return { equal: false, rule: 'differ at a random point' };
    agree++;
  }
  if (agree < 3) return { equal: false, rule: 'too few points in the domain' };
  // Floats agree. Where both sides are exact (rational coefficients at the rational points), the tolerance
  // must not absorb a tiny difference such as `(x+1)^2 + 10^{-12}` against `x^2 + 2x + 1`: compare exactly.
  // With decimals the tolerance stands for rounding (`0.333333x` = `x/3`), but a decimal literal smaller
  // than the tolerance itself (`+ 0.000000000001`) is no rounding of anything: then too, exactly.
  if (!decimal || tinyDecimal(g, ctx.relTol) || tinyDecimal(p, ctx.relTol)) {
    for (const pt of pts) {
      const at = exactPoint(pt);
      const ea = exact(g, at);
      const eb = ea && exact(p, at);
      if (ea && eb && !Q.eq(ea, eb)) return { equal: false, rule: 'differ exactly at a rational point' };
    }
  }
  return { equal: true, rule: 'random points' };
}

/** The value of a decimal literal (`1.25`, `-0.5`), else undefined. */
function decimalLiteral(a: Ast): Q.Rational | undefined {
  if (a.t === 'num') return a.dec ? a.v : undefined;
  return a.t === 'neg' && a.a.t === 'num' && a.a.dec ? Q.neg(a.a.v) : undefined;
}

/** The fewest decimal places that write `v` (`1.50` → 1); 31 when none up to 30 do. */
function places(v: Q.Rational): number {
  let k = 0;
  while (k <= 30 && 10n ** BigInt(k) % v.d !== 0n) k++;
  return k;
}

/** `d`, written with its own places k, is `v` rounded or truncated there: |d − v| < 10^-k, exactly. */
function roundsTo(d: Q.Rational, v: Q.Rational): boolean {
  const diff = Q.sub(d, v);
  if (!diff) return true;
  const n = diff.n < 0n ? -diff.n : diff.n;
  return n * 10n ** BigInt(places(d)) < diff.d;
}

/** Significant digits of a decimal value (`3.14159` → 6, `0.25` → 2). */
function significant(v: Q.Rational): number {
  const scaled = (v.n < 0n ? -v.n : v.n) * (10n ** BigInt(places(v)) / v.d);
  return scaled.toString().length;
}

/**
 * Two exact values, one of them written as a decimal, may differ only by a rounding (issue 16, near
 * identity): a decimal answer must be the gold rounded or truncated to the answer's own places
 * (`0.3333333` for 1/3, never `1.5000001` for 1.5, which is another number written out in full); a gold
 * decimal of 6 or more significant digits (`3.14159`) may itself be the rounding of the answer.
 */
function decimalRounding(p: Ast, g: Ast, eg: Q.Rational): boolean {
  const lp = decimalLiteral(p);
  const lg = decimalLiteral(g);
  if (!lp) return true;
  if (roundsTo(lp, eg)) return true;
  return lg !== undefined && significant(lg) >= 6 && roundsTo(lg, lp);
}

/** True when the tree holds a non-zero decimal literal no larger than `tol` (a perturbation, not a rounding). */
const tinyDecimal = (a: Ast, tol: number): boolean =>
  someArithmetic(a, (x) => x.t === 'num' && x.dec && x.v.n !== 0n && Math.abs(Q.toNumber(x.v)) <= tol);

/** `p` is a decimal literal equal to `g` rounded to the decimal's own digits (option allowRounded; either side). */
function rounded(g: Ast, p: Ast, ctx: Ctx): boolean {
  if (!ctx.allowRounded) return false;
  const lit = p.t === 'num' ? p : p.t === 'neg' && p.a.t === 'num' ? p.a : undefined;
  if (!lit?.dec) return false;
  const v = exact(p)!;
  const digits = places(v);
  if (digits < 1) return false; // "3" is not a rounding of pi
  const gv = numeric(g, EMPTY)[0];
  return Number.isFinite(gv) && Math.abs(gv - Q.toNumber(v)) <= 0.5 * 10 ** -digits * (1 + 1e-9);
}

function rename(a: Ast, map: Map<string, string>): Ast {
  return mapSymbols(a, (sym) => ({ t: 'sym', name: map.get(sym.name) ?? sym.name }));
}

/** Random points are multiples of 1/GRID, so each is also an exact rational (see scalar). */
const GRID = 1024;

/** The exact rationals of a point's coordinates (multiples of 1/GRID), computed once per point. */
const exactPoints = new WeakMap<Map<string, number>, Map<string, Q.Rational>>();
function exactPoint(pt: Map<string, number>): Map<string, Q.Rational> {
  let at = exactPoints.get(pt);
  if (!at) {
    at = new Map([...pt].map(([n, v]) => [n, Q.rat(BigInt(Math.round(v * GRID)), BigInt(GRID))!]));
    exactPoints.set(pt, at);
  }
  return at;
}

/** The points of a seed and a set of variables are the same every time: kept (a few hundred at most). */
const pointCache = new Map<string, Map<string, number>[]>();

/** Seeded evaluation points: each variable gets a value in ±[0.3, 2.7] (away from 0, where poles cluster). */
function points(vars: Set<string>, ctx: Ctx): Map<string, number>[] {
  const id = `${ctx.seed}|${[...vars].sort().join(',')}`;
  let cached = pointCache.get(id);
  if (!cached) {
    if (pointCache.size >= 512) pointCache.clear();
    cached = freshPoints(vars, ctx);
    pointCache.set(id, cached);
  }
  return cached;
}

function freshPoints(vars: Set<string>, ctx: Ctx): Map<string, number>[] {
  const names = [...vars].sort();
  const rand = mulberry32(ctx.seed ^ 0x9e3779b9);
  const out: Map<string, number>[] = [];
  for (let k = 0; k < POINTS; k++) {
    const pt = new Map<string, number>();
    for (const n of names) {
      const v = Math.round((0.3 + 2.4 * rand()) * GRID) / GRID;
      pt.set(n, rand() < 0.5 ? -v : v);
    }
    out.push(pt);
  }
  return out;
}
