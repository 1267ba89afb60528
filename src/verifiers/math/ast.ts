import type { Rational } from './rational.js';

/** A parsed answer. Nodes are plain objects so the parser, evaluator and comparer stay separate. */
export type Ast =
  /** `dec`: written as a decimal (0.5, 1e-3), so comparisons with it use a tolerance. */
  | { t: 'num'; v: Rational; dec: boolean }
  | { t: 'sym'; name: string }
  | { t: 'const'; name: 'pi' | 'e' | 'i' | 'inf' }
  | { t: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'pm'; a: Ast; b: Ast }
  | { t: 'neg'; a: Ast }
  /** sqrt, root [x, n], sin…, log [x, base?], abs, floor, ceil, fact, binom [n, k]. */
  | { t: 'fn'; name: string; args: Ast[] }
  /** A chain such as `1 < x \le 3`: ops[i] joins items[i] and items[i + 1]. */
  | { t: 'rel'; ops: RelOp[]; items: Ast[] }
  /** Parenthesized or bracketed list with at least two items: a point, a vector or an interval. */
  /** `names`: the labels of an assignment list `a = 2, b = 9` (then compared by name when both have them). */
  | { t: 'tuple'; open: '(' | '['; close: ')' | ']'; items: Ast[]; names?: string[] }
  | { t: 'set'; items: Ast[] }
  | { t: 'union'; items: Ast[] }
  | { t: 'matrix'; rows: Ast[][] }
  /**
   * Plain text: `\text{odd}`, a word, a unit left alone, a numeral in another base (`110_2`).
   */
  | { t: 'word'; text: string };

/** `~` is `\\approx`: what follows it is a rounding of what precedes it. */
export type RelOp = '=' | '<' | '>' | '<=' | '>=' | '!=' | '~';

/**
 * The expression with each symbol replaced by what `f` returns for it. Walks arithmetic (operators,
 * negation, function arguments) only; relations, tuples and sets are returned as they are.
 */
export function mapSymbols(a: Ast, f: (sym: Ast & { t: 'sym' }) => Ast): Ast {
  switch (a.t) {
    case 'sym':
      return f(a);
    case 'neg':
      return { t: 'neg', a: mapSymbols(a.a, f) };
    case 'fn':
      return { ...a, args: a.args.map((x) => mapSymbols(x, f)) };
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'pow':
    case 'pm':
      return { t: a.t, a: mapSymbols(a.a, f), b: mapSymbols(a.b, f) };
    default:
      return a;
  }
}

/** Does `test` hold for some node of the arithmetic of `a` (the nodes mapSymbols walks)? */
export function someArithmetic(a: Ast, test: (node: Ast) => boolean): boolean {
  if (test(a)) return true;
  switch (a.t) {
    case 'neg':
      return someArithmetic(a.a, test);
    case 'fn':
      return a.args.some((x) => someArithmetic(x, test));
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'pow':
    case 'pm':
      return someArithmetic(a.a, test) || someArithmetic(a.b, test);
    default:
      return false;
  }
}

/** A canonical string for a tree: two trees with the same key are the same answer. */
export function key(a: Ast): string {
  switch (a.t) {
    case 'num':
      return a.v.d === 1n ? a.v.n.toString() : `${a.v.n}/${a.v.d}`;
    case 'sym':
      return a.name;
    case 'const':
      return `\\${a.name}`;
    case 'neg':
      return `-(${key(a.a)})`;
    case 'fn':
      return `${a.name}(${a.args.map(key).join(',')})`;
    case 'rel':
      return a.items.map((x, i) => (i ? a.ops[i - 1] : '') + key(x)).join('');
    case 'tuple':
      return `${a.open}${a.items.map(key).join(',')}${a.close}`;
    case 'set':
      return `{${a.items.map(key).join(',')}}`;
    case 'union':
      return a.items.map(key).join('U');
    case 'matrix':
      return `M[${a.rows.map((r) => r.map(key).join('&')).join(';')}]`;
    case 'word':
      return `"${a.text}"`;
    default:
      return `(${key(a.a)}${a.t}${key(a.b)})`;
  }
}
