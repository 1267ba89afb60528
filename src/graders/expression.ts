/**
 * The `calculate_output` formulas of OpenAI's multi grader: numbers, grader names, + - * / ^, unary
 * minus, parentheses and the functions min, max, abs, floor, ceil, exp, sqrt, log. Parsed once by a
 * small recursive-descent parser into a closure — never `eval`, no property access, no other names —
 * because the formula comes from a spec file and must not be able to reach anything but grader scores.
 * (A hand parser of this fixed grammar is smaller than a general evaluator's safe configuration.)
 */

export type Formula = (vars: Record<string, number>) => number;

const FUNCTIONS: Record<string, (...xs: number[]) => number> = {
  min: Math.min,
  max: Math.max,
  abs: Math.abs,
  floor: Math.floor,
  ceil: Math.ceil,
  exp: Math.exp,
  sqrt: Math.sqrt,
  log: Math.log,
};

type Token = { kind: 'num'; value: number } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (/[0-9.]/.test(c)) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
      if (!m) throw new Error(`bad number at ${i}`);
      tokens.push({ kind: 'num', value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      tokens.push({ kind: 'id', value: m[0] });
      i += m[0].length;
    } else if ('+-*/^(),'.includes(c)) {
      tokens.push({ kind: 'op', value: c });
      i++;
    } else {
      throw new Error(`unexpected "${c}" at ${i}`);
    }
  }
  return tokens;
}

/**
 * Compile a formula whose names must be among `names`; throws an Error naming the problem
 * (`unknown name "fuzy" (graders: fuzzy, exact)`).
 */
export function compileFormula(src: string, names: readonly string[]): Formula {
  const tokens = lex(src);
  let at = 0;
  const peek = () => tokens[at];
  const isOp = (v: string) => peek()?.kind === 'op' && peek()!.value === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new Error(`expected "${v}" at token ${at + 1}`);
    at++;
  };

  // expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*; unary := ('-'|'+') unary | power;
  // power := atom ('^' unary)?, so -2^2 is -(2^2) and 2^-1 is 0.5, as in mathematics and Python.
  function expr(): Formula {
    let left = term();
    while (isOp('+') || isOp('-')) {
      const op = tokens[at++]!.value;
      const l = left;
      const r = term();
      left = op === '+' ? (v) => l(v) + r(v) : (v) => l(v) - r(v);
    }
    return left;
  }
  function term(): Formula {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const op = tokens[at++]!.value;
      const l = left;
      const r = unary();
      left = op === '*' ? (v) => l(v) * r(v) : (v) => l(v) / r(v);
    }
    return left;
  }
  function unary(): Formula {
    if (isOp('-')) {
      at++;
      const inner = unary();
      return (v) => -inner(v);
    }
    if (isOp('+')) {
      at++;
      return unary();
    }
    return power();
  }
  function power(): Formula {
    const base = atom();
    if (!isOp('^')) return base;
    at++;
    const exponent = unary();
    return (v) => base(v) ** exponent(v);
  }
  function atom(): Formula {
    const t = tokens[at++];
    if (!t) throw new Error('unexpected end of formula');
    if (t.kind === 'num') return () => t.value;
    if (t.kind === 'op') {
      if (t.value !== '(') throw new Error(`unexpected "${t.value}"`);
      const inner = expr();
      expect(')');
      return inner;
    }
    if (isOp('(')) {
      const fn = FUNCTIONS[t.value];
      if (!fn) throw new Error(`unknown function "${t.value}" (known: ${Object.keys(FUNCTIONS).join(', ')})`);
      at++;
      const args: Formula[] = [];
      if (!isOp(')')) {
        args.push(expr());
        while (isOp(',')) {
          at++;
          args.push(expr());
        }
      }
      expect(')');
      return (v) => fn(...args.map((a) => a(v)));
    }
    if (!names.includes(t.value)) {
      throw new Error(`unknown name "${t.value}" (graders: ${names.join(', ') || 'none'})`);
    }
    const name = t.value;
    return (v) => v[name]!;
  }

  const formula = expr();
  if (at < tokens.length)
    throw new Error(`unexpected "${JSON.stringify(tokens[at]!.value)}" after the formula`);
  return formula;
}
