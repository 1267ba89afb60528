/**
 * A small recursive-descent parser for the LaTeX and plain-text notation of final answers. Hand-written
 * (no grammar library is fast enough, and none bounds its own work): input is capped, nesting depth is
 * capped, and every loop advances, so parsing is linear in the answer.
 */
import type { Ast, RelOp } from './ast.js';
import { parseDecimal } from './rational.js';
import { ParseError, type Tok, tokenize } from './tokenize.js';

export { ParseError } from './tokenize.js';

const MAX_DEPTH = 60;

const REL_COMMANDS: Record<string, RelOp> = {
  le: '<=',
  leq: '<=',
  leqslant: '<=',
  ge: '>=',
  geq: '>=',
  geqslant: '>=',
  lt: '<',
  gt: '>',
  ne: '!=',
  neq: '!=',
  approx: '~',
  simeq: '~',
  thickapprox: '~',
  equiv: '=',
};
const REL_OPS: Record<string, RelOp> = { '=': '=', '<': '<', '>': '>', '<=': '<=', '>=': '>=', '!=': '!=' };
const MATRIX_ENVS = new Set(['pmatrix', 'bmatrix', 'matrix', 'vmatrix', 'Bmatrix', 'smallmatrix', 'array']);

class Parser {
  private pos = 0;
  private depth = 0;
  private absDepth = 0;

  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok | undefined {
    return this.toks[this.pos];
  }
  private isOp(s: string, t = this.peek()): boolean {
    return t?.k === 'op' && t.s === s;
  }
  private isCmd(s: string, t = this.peek()): boolean {
    return t?.k === 'cmd' && t.s === s;
  }
  private expectOp(s: string): void {
    if (!this.isOp(s)) throw new ParseError(`expected "${s}"`);
    this.pos++;
  }
  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ParseError('nesting too deep');
  }

  /**
   * Top level: answers separated by commas, semicolons, "or", "and". Within a `;`-separated group, a list
   * of assignments to different names (`a = 2, b = 9`; `m=3,n=1;m=5,n=1`) is one labelled tuple.
   */
  parseTop(): Ast[] {
    const out: Ast[] = [];
    let group: Ast[] = [];
    const flush = () => {
      out.push(...assignments(group));
      group = [];
    };
    while (this.pos < this.toks.length) {
      group.push(this.parseRelation());
      if (!this.isOp(',') && !this.isOp(';')) break;
      while (this.isOp(',') || this.isOp(';')) {
        if (this.isOp(';')) flush();
        this.pos++;
      }
    }
    flush();
    if (this.pos < this.toks.length) throw new ParseError('unexpected trailing input');
    return out;
  }

  private parseItems(atEnd: () => boolean): Ast[] {
    const items: Ast[] = [];
    while (!atEnd()) {
      items.push(this.parseRelation());
      if (this.isOp(',') || this.isOp(';')) {
        this.pos++;
        while (this.isOp(',') || this.isOp(';')) this.pos++; // "2, or 3"
      } else break;
    }
    return items;
  }

  private relOp(): RelOp | undefined {
    const t = this.peek();
    if (t?.k === 'op') return REL_OPS[t.s];
    if (t?.k === 'cmd') return REL_COMMANDS[t.s];
    return undefined;
  }

  private parseRelation(): Ast {
    const first = this.parseRatio();
    const items = [first];
    const ops: RelOp[] = [];
    for (let op = this.relOp(); op !== undefined; op = this.relOp()) {
      this.pos++;
      ops.push(op);
      items.push(this.parseRatio());
    }
    if (this.isCmd('in')) {
      // `x \in (1, 2]`: the set is the answer
      this.pos++;
      return this.parseUnion();
    }
    return ops.length ? { t: 'rel', ops, items } : first;
  }

  /** `5 : 3`, `a:b:c`: a ratio (compared up to a common factor). */
  private parseRatio(): Ast {
    const args = this.parseJoined(
      () => this.isOp(':'),
      () => this.parseUnion(),
    );
    return args.length > 1 ? { t: 'fn', name: 'ratio', args } : args[0]!;
  }

  private parseUnion(): Ast {
    const items = this.parseJoined(
      () => this.isCmd('cup'),
      () => this.parseAdditive(),
    );
    return items.length > 1 ? { t: 'union', items } : items[0]!;
  }

  /** `a SEP b SEP c`: the operands of a separator that joins, not nests. */
  private parseJoined(atSeparator: () => boolean, operand: () => Ast): Ast[] {
    const items = [operand()];
    while (atSeparator()) {
      this.pos++;
      items.push(operand());
    }
    return items;
  }

  private parseAdditive(): Ast {
    this.enter();
    let left = this.parseTerm();
    for (;;) {
      if (this.isOp('+')) {
        this.pos++;
        left = { t: 'add', a: left, b: this.parseTerm() };
      } else if (this.isOp('-')) {
        this.pos++;
        left = { t: 'sub', a: left, b: this.parseTerm() };
      } else if (this.isCmd('pm') || this.isCmd('mp')) {
        const mp = this.isCmd('mp');
        this.pos++;
        const b = this.parseTerm();
        left = { t: 'pm', a: left, b: mp ? { t: 'neg', a: b } : b };
      } else break;
    }
    this.depth--;
    return left;
  }

  private startsFactor(t = this.peek()): boolean {
    if (!t) return false;
    if (t.k === 'num' || t.k === 'id' || t.k === 'fn' || t.k === 'word') return true;
    if (t.k === 'cmd')
      return [
        'frac',
        'sqrt',
        'pi',
        'infty',
        'binom',
        'begin',
        'lfloor',
        'lceil',
        'e',
        'emptyset',
        'varnothing',
        'infin',
        'angle',
        'measuredangle',
      ].includes(t.s);
    if (t.k === 'op')
      return t.s === '(' || t.s === '{' || t.s === '\\{' || (t.s === '|' && this.absDepth === 0);
    return false;
  }

  private parseTerm(): Ast {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (this.isOp('*') || this.isCmd('cdot') || this.isCmd('times') || this.isCmd('ast')) {
        this.pos++;
        left = { t: 'mul', a: left, b: this.parseUnary() };
      } else if (this.isOp('/') || this.isCmd('div')) {
        this.pos++;
        left = { t: 'div', a: left, b: this.parseUnary() };
      } else if (left.t === 'word' && t?.k === 'word') {
        // `No solution`, `all real numbers`: words side by side are one phrase
        left = { t: 'word', text: `${left.text} ${t.s}` };
        this.pos++;
      } else if (this.startsFactor(t)) {
        // `10 20` is two numbers, not a product: juxtaposed literals are not implicit multiplication
        if (t?.k === 'num' && this.toks[this.pos - 1]?.k === 'num')
          throw new ParseError('two numbers side by side');
        left = { t: 'mul', a: left, b: this.parsePower() };
      } else break;
    }
    return left;
  }

  private parseUnary(): Ast {
    if (this.isOp('-')) {
      this.pos++;
      this.enter();
      const a = this.parseUnary();
      this.depth--;
      return { t: 'neg', a };
    }
    if (this.isOp('+')) {
      this.pos++;
      return this.parseUnary();
    }
    if (this.isCmd('pm')) {
      this.pos++;
      return { t: 'pm', a: { t: 'num', v: { n: 0n, d: 1n }, dec: false }, b: this.parseUnary() };
    }
    return this.parsePower();
  }

  private parsePower(): Ast {
    this.enter();
    let base = this.parsePostfix(this.parsePrimary());
    if (this.isOp('_') && base.t === 'sym') {
      // a subscripted variable: x_1, a_{n}
      this.pos++;
      const sub = this.parseScript();
      base = { t: 'sym', name: `${base.name}_${subscriptName(sub)}` };
    }
    if (this.isOp('^')) {
      this.pos++;
      const exp = this.parseScript();
      base = this.parsePostfix({ t: 'pow', a: base, b: exp });
    }
    this.depth--;
    return base;
  }

  /** The argument of ^ or _: a braced group or one token (`x^2`, `x^-1` tolerated). */
  private parseScript(): Ast {
    if (this.isOp('{')) return this.parseBracedExpr();
    if (this.isOp('-')) {
      this.pos++;
      return { t: 'neg', a: this.parseScript() };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(a: Ast): Ast {
    for (;;) {
      if (this.isOp('!')) {
        this.pos++;
        a = { t: 'fn', name: 'fact', args: [a] };
      } else if (this.isOp("'")) {
        this.pos++;
        a = a.t === 'sym' ? { t: 'sym', name: `${a.name}'` } : a;
      } else return a;
    }
  }

  private parseBracedExpr(): Ast {
    this.expectOp('{');
    const items = this.parseItems(() => this.isOp('}'));
    this.expectOp('}');
    if (items.length === 1) return items[0]!;
    return { t: 'set', items }; // {1, 2} written without backslashes
  }

  private parsePrimary(): Ast {
    const t = this.peek();
    if (!t) throw new ParseError('unexpected end of answer');
    this.pos++;
    switch (t.k) {
      case 'num': {
        const v = parseDecimal(t.s);
        if (!v) throw new ParseError(`bad number "${t.s}"`);
        return { t: 'num', v, dec: /[.eE]/.test(t.s) };
      }
      case 'id':
        if (t.s === 'e') return { t: 'const', name: 'e' };
        if (t.s === 'i') return { t: 'const', name: 'i' };
        return { t: 'sym', name: t.s };
      case 'word':
        return { t: 'word', text: t.s };
      case 'fn':
        return this.parseFunction(t.s);
      case 'cmd':
        return this.parseCommand(t.s);
      default:
        return this.parseOpPrimary(t.s);
    }
  }

  private parseOpPrimary(s: string): Ast {
    if (s === '{') {
      this.pos--;
      return this.parseBracedExpr();
    }
    if (s === '(' || s === '[') {
      const items = this.parseItems(() => this.isOp(')') || this.isOp(']'));
      const close = this.peek();
      if (close?.k !== 'op' || (close.s !== ')' && close.s !== ']')) throw new ParseError('unclosed bracket');
      this.pos++;
      if (items.length === 1 && ((s === '(' && close.s === ')') || (s === '[' && close.s === ']')))
        return items[0]!;
      if (items.length < 2) throw new ParseError('mismatched brackets');
      return { t: 'tuple', open: s, close: close.s as ')' | ']', items };
    }
    if (s === '\\{') {
      const builder = this.setBuilder();
      if (builder) return builder;
      const items = this.parseItems(() => this.isOp('\\}'));
      this.expectOp('\\}');
      return { t: 'set', items };
    }
    if (s === '|') {
      this.absDepth++;
      const a = this.parseAdditive();
      this.absDepth--;
      this.expectOp('|');
      return { t: 'fn', name: 'abs', args: [a] };
    }
    throw new ParseError(`unexpected "${s}"`);
  }

  /**
   * `\\{x \\mid x > 4\\}`, `\\{x \\in \\mathbb{R} : x > 4\\}`, `\\{x | 1 \\le x < 3\\}`: set-builder notation is
   * the set its condition describes (a relation, which the comparison turns into intervals).
   */
  private setBuilder(): Ast | undefined {
    const start = this.pos;
    if (this.peek()?.k !== 'id') return undefined;
    let j = this.pos + 1;
    if (this.isCmd('in', this.toks[j])) {
      // skip the domain up to the separator (a few tokens)
      while (j < this.toks.length && j < this.pos + 12 && !isSeparator(this.toks[j])) j++;
    }
    if (!isSeparator(this.toks[j])) return undefined;
    this.pos = j + 1;
    const conditions = this.parseItems(() => this.isOp('\\}'));
    this.expectOp('\\}');
    const real = conditions.filter((c) => !(c.t === 'tuple' && c.items.every((x) => isInf(x))));
    if (real.length === 1) return real[0]!;
    if (real.length === 0 && conditions.length) return conditions[0]!;
    this.pos = start;
    throw new ParseError('set-builder with several conditions');
  }

  /** One argument of \frac or \binom: `{…}` or a single character token (`\frac12`). */
  private parseArg(): Ast {
    if (this.isOp('{')) return this.parseBracedExpr();
    const t = this.peek();
    if (t?.k === 'num' && t.s.length > 1 && /^\d+$/.test(t.s)) {
      // \frac13 → the tokenizer read "13"; LaTeX takes one digit per argument
      this.toks[this.pos] = { k: 'num', s: t.s.slice(1) };
      return { t: 'num', v: { n: BigInt(t.s[0]!), d: 1n }, dec: false };
    }
    return this.parsePrimary();
  }

  private parseCommand(name: string): Ast {
    switch (name) {
      case 'frac': {
        const a = this.parseArg();
        const b = this.parseArg();
        return { t: 'div', a, b };
      }
      case 'binom':
      case 'choose': {
        const n = this.parseArg();
        const k = this.parseArg();
        return { t: 'fn', name: 'binom', args: [n, k] };
      }
      case 'pi':
        return { t: 'const', name: 'pi' };
      case 'infty':
      case 'infin':
        return { t: 'const', name: 'inf' };
      case 'e':
        return { t: 'const', name: 'e' };
      case 'emptyset':
      case 'varnothing':
        return { t: 'set', items: [] };
      case 'lfloor':
      case 'lceil': {
        const a = this.parseAdditive();
        const close = name === 'lfloor' ? 'rfloor' : 'rceil';
        if (!this.isCmd(close)) throw new ParseError(`expected \\${close}`);
        this.pos++;
        return { t: 'fn', name: name === 'lfloor' ? 'floor' : 'ceil', args: [a] };
      }
      case 'begin':
        return this.parseEnvironment();
      case 'angle':
      case 'measuredangle':
        return { t: 'sym', name: 'angle' }; // `\\angle ABC = 30`: part of a label
      default:
        throw new ParseError(`unsupported command \\${name}`);
    }
  }

  private parseEnvironment(): Ast {
    const env = this.envName();
    if (!MATRIX_ENVS.has(env)) throw new ParseError(`unsupported environment ${env}`);
    if (env === 'array' && this.isOp('{')) {
      // column spec {cc}: skip it
      while (this.pos < this.toks.length && !this.isOp('}')) this.pos++;
      this.pos++;
    }
    const rows: Ast[][] = [];
    let row: Ast[] = [];
    for (;;) {
      if (this.isCmd('end')) {
        this.pos++;
        this.envName();
        if (row.length) rows.push(row);
        break;
      }
      if (this.pos >= this.toks.length) throw new ParseError('unclosed matrix');
      row.push(this.parseRelation());
      if (this.isOp('&')) this.pos++;
      else if (this.isOp('\\\\')) {
        this.pos++;
        rows.push(row);
        row = [];
      }
    }
    if (!rows.length || rows.some((r) => r.length !== rows[0]!.length)) throw new ParseError('ragged matrix');
    return { t: 'matrix', rows };
  }

  private envName(): string {
    this.expectOp('{');
    let name = '';
    while (this.pos < this.toks.length && !this.isOp('}')) {
      const t = this.toks[this.pos++]!;
      name += t.s;
    }
    this.expectOp('}');
    return name;
  }

  private parseFunction(name: string): Ast {
    if (name === 'sqrt') {
      let index: Ast | undefined;
      if (this.isOp('[')) {
        this.pos++;
        index = this.parseAdditive();
        this.expectOp(']');
      }
      const x = this.parseArg();
      return index ? { t: 'fn', name: 'root', args: [x, index] } : { t: 'fn', name: 'sqrt', args: [x] };
    }
    let power: Ast | undefined;
    let base: Ast | undefined;
    for (let k = 0; k < 2; k++) {
      if (this.isOp('^')) {
        this.pos++;
        power = this.parseScript();
      } else if (this.isOp('_')) {
        this.pos++;
        base = this.parseScript();
      }
    }
    let arg: Ast;
    if (this.isOp('(')) {
      this.pos++;
      const items = this.parseItems(() => this.isOp(')'));
      this.expectOp(')');
      if (items.length !== 1) {
        if (name === 'gcd' || name === 'lcm' || name === 'max' || name === 'min')
          return { t: 'fn', name, args: items };
        throw new ParseError(`${name} takes one argument`);
      }
      arg = this.parsePostfix(items[0]!);
      if (this.isOp('^')) {
        this.pos++;
        arg = { t: 'pow', a: arg, b: this.parseScript() };
      }
    } else {
      // \sin 2x is sin(2x): the argument runs over implicit products, not over + or -
      arg = this.parsePower();
      while (this.startsFactor() && this.peek()?.k !== 'fn') arg = { t: 'mul', a: arg, b: this.parsePower() };
    }
    const canonical = name === 'lg' ? 'log10' : name;
    if (
      power &&
      INVERSE[canonical] &&
      power.t === 'neg' &&
      power.a.t === 'num' &&
      power.a.v.n === 1n &&
      power.a.v.d === 1n
    ) {
      return { t: 'fn', name: INVERSE[canonical]!, args: [arg] }; // \sin^{-1} x is arcsin x
    }
    const call: Ast = { t: 'fn', name: canonical, args: base ? [arg, base] : [arg] };
    return power ? { t: 'pow', a: call, b: power } : call;
  }
}

const isSeparator = (t: Tok | undefined) =>
  (t?.k === 'cmd' && t.s === 'mid') || (t?.k === 'op' && (t.s === '|' || t.s === ':'));
const isInf = (a: Ast): boolean => (a.t === 'const' && a.name === 'inf') || (a.t === 'neg' && isInf(a.a));

/** `a = 2, b = 9`: assignments to two or more different plain names become one labelled tuple. */
function assignments(group: Ast[]): Ast[] {
  if (group.length < 2) return group;
  const names: string[] = [];
  for (const a of group) {
    if (a.t !== 'rel' || a.ops.length !== 1 || a.ops[0] !== '=' || a.items[0]!.t !== 'sym') return group;
    names.push(a.items[0]!.name);
  }
  if (new Set(names).size !== names.length) return group;
  const items = group.map((a) => (a as Ast & { t: 'rel' }).items[1]!);
  return [{ t: 'tuple', open: '(', close: ')', items, names }];
}

const INVERSE: Record<string, string> = { sin: 'arcsin', cos: 'arccos', tan: 'arctan' };

function subscriptName(a: Ast): string {
  if (a.t === 'num') return a.v.n.toString();
  if (a.t === 'sym') return a.name;
  throw new ParseError('unsupported subscript');
}

/** Parse a cleaned answer into its top-level alternatives (`2, 3` → two items). Throws ParseError. */
export function parseAnswer(text: string): Ast[] {
  const items = new Parser(tokenize(text)).parseTop();
  if (!items.length) throw new ParseError('empty answer');
  return items;
}
