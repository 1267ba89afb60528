/**
 * The `require_simplified` option: a prediction left unsimplified (`\frac{6}{8}`, `2+3`, `\sqrt{8}`) is
 * not accepted even when its value is right. Only arithmetic on number literals counts: `2^{10}`,
 * `x + 1` and `\frac{\sqrt{2}}{2}` are simplified forms.
 */
import type { Ast } from './ast.js';
import { gcd } from './rational.js';

/** Why `a` is not in simplest form, or undefined when it is. */
export function unsimplified(a: Ast): string | undefined {
  switch (a.t) {
    case 'div':
      if (a.a.t === 'num' && a.b.t === 'num' && !a.a.dec && !a.b.dec) {
        const n = a.a.v.n;
        const d = a.b.v.n;
        if (d === 1n || d === 0n || gcd(n, d) !== 1n) return `fraction ${n}/${d} is not in lowest terms`;
      }
      break;
    case 'add':
    case 'sub':
    case 'mul':
      if (isLiteral(a.a) && isLiteral(a.b) && !isMixedNumber(a)) return 'arithmetic left on numbers';
      break;
    case 'fn':
      if (a.name === 'sqrt' && a.args[0]!.t === 'num' && !a.args[0]!.dec && squareFactor(a.args[0]!.v.n)) {
        return `\\sqrt{${a.args[0]!.v.n}} can be simplified`;
      }
      if ((a.name === 'fact' || a.name === 'binom') && a.args.every(isLiteral))
        return `${a.name} of numbers left unevaluated`;
      break;
  }
  for (const child of children(a)) {
    const why = unsimplified(child);
    if (why) return why;
  }
  return undefined;
}

const isLiteral = (a: Ast) => a.t === 'num' || (a.t === 'neg' && a.a.t === 'num');
/** `2\frac{2}{3}` arrives as 2 + 2/3 (normalize.ts): a mixed number is a simplified form. */
const isMixedNumber = (a: Ast & { b: Ast }) => a.t === 'add' && a.b.t === 'div';

function children(a: Ast): Ast[] {
  switch (a.t) {
    case 'num':
    case 'sym':
    case 'const':
    case 'word':
      return [];
    case 'neg':
      return [a.a];
    case 'fn':
      return a.args;
    case 'rel':
    case 'tuple':
    case 'set':
    case 'union':
      return a.items;
    case 'matrix':
      return a.rows.flat();
    default:
      return [a.a, a.b];
  }
}

/** True when n has a square factor other than 1 (trial division on n <= 10^10, so at most 10^5 steps). */
function squareFactor(big: bigint): boolean {
  if (big < 4n || big > 10_000_000_000n) return false;
  const n = Number(big);
  for (let p = 2; p * p <= n; p++) if (n % (p * p) === 0) return true;
  return false;
}
