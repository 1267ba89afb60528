/**
 * The tokenizer of final answers: LaTeX commands, numbers, one-letter variables, words, operators and the
 * Unicode forms models write (π, √, ≤…). A linear scan; at most MAX_TOKENS tokens.
 */

export class ParseError extends Error {}

const MAX_TOKENS = 1500;

export type Tok =
  | { k: 'num'; s: string }
  | { k: 'id'; s: string } // a variable (one letter or a greek name)
  | { k: 'fn'; s: string } // a named function: sin, log, sqrt…
  | { k: 'word'; s: string } // text
  | { k: 'cmd'; s: string } // another LaTeX command: frac, binom, begin, cup, pm, le…
  | { k: 'op'; s: string }; // punctuation and operators

const FUNCTIONS = new Set([
  'sin',
  'cos',
  'tan',
  'cot',
  'sec',
  'csc',
  'arcsin',
  'arccos',
  'arctan',
  'sinh',
  'cosh',
  'tanh',
  'log',
  'ln',
  'lg',
  'exp',
  'sqrt',
  'det',
  'gcd',
  'lcm',
  'max',
  'min',
]);
const PLAIN_FUNCTIONS = new Set([...FUNCTIONS].filter((f) => f !== 'det'));
const GREEK = new Set([
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'varepsilon',
  'zeta',
  'eta',
  'theta',
  'vartheta',
  'iota',
  'kappa',
  'lambda',
  'mu',
  'nu',
  'xi',
  'rho',
  'sigma',
  'tau',
  'upsilon',
  'phi',
  'varphi',
  'chi',
  'psi',
  'omega',
  'Gamma',
  'Delta',
  'Theta',
  'Lambda',
  'Xi',
  'Sigma',
  'Phi',
  'Psi',
  'Omega',
]);
/** Commands whose braced argument is plain text. */
const TEXT_COMMANDS = new Set([
  'text',
  'textbf',
  'textit',
  'textrm',
  'mbox',
  'textnormal',
  'textsf',
  'texttt',
]);
/** Commands that only change the look of their argument. */
const STYLE_COMMANDS = new Set([
  'mathrm',
  'mathbf',
  'mathit',
  'boldsymbol',
  'bm',
  'mathsf',
  'operatorname',
  'mathnormal',
  'vec',
  'overline',
  'hat',
]);
const UNICODE: Record<string, string> = {
  π: '\\pi',
  '∞': '\\infty',
  '√': '\\sqrt',
  '×': '*',
  '·': '*',
  '⋅': '*',
  '−': '-',
  '–': '-',
  '±': '\\pm',
  '≤': '<=',
  '≥': '>=',
  '≠': '!=',
  '∪': '\\cup',
  '÷': '/',
  '≈': '\\approx',
  '∣': '\\mid',
  '²': '^2',
  '³': '^3',
};

/** Commands a model may glue to the next letters; longest first so `\\cdotx` is not read as `\\cdot` + … */
const GLUED = ['infty', 'times', 'cdot', 'sqrt', 'frac', 'pi', 'pm', 'mp'];
/** Real commands that begin with one of GLUED and must not be split. */
const KNOWN_COMMANDS = new Set(['pitchfork', 'pmatrix', 'pmod', 'times', 'timesbar', 'frac']);

function readBraced(s: string, i: number): { content: string; end: number } {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return { content: s.slice(i + 1, j), end: j + 1 };
  }
  throw new ParseError('unbalanced braces');
}

export function tokenize(input: string): Tok[] {
  const out: Tok[] = [];
  const s = input;
  let i = 0;
  const push = (t: Tok) => {
    if (out.length >= MAX_TOKENS) throw new ParseError('answer too long');
    out.push(t);
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const prev = out.at(-1);
    const afterScript = prev?.k === 'op' && (prev.s === '^' || prev.s === '_');
    if ((c >= '0' && c <= '9') || (c === '.' && s[i + 1]! >= '0' && s[i + 1]! <= '9')) {
      if (afterScript) {
        push({ k: 'num', s: c }); // x^23 is x^{2}3 in LaTeX
        i++;
        continue;
      }
      let j = i;
      while (j < s.length && s[j]! >= '0' && s[j]! <= '9') j++;
      if (s[j] === '.' && s[j + 1] !== '.') {
        j++;
        while (j < s.length && s[j]! >= '0' && s[j]! <= '9') j++;
      }
      const exp = /^[eE][-+]?\d/.exec(s.slice(j, j + 3)); // scientific notation: 1.5e-3
      if (exp) {
        j += exp[0].length;
        while (j < s.length && s[j]! >= '0' && s[j]! <= '9') j++;
      }
      const base = /^_\s*(?:\{\s*(\d{1,2})\s*\}|(\d))/.exec(s.slice(j, j + 12));
      if (base && /^\d+$/.test(s.slice(i, j))) {
        // a numeral in another base, `110_2` = `110_{2}`: compared as written (digits and base), never as a
        // decimal number, since the question asked for that base
        const digits = s.slice(i, j).replace(/^0+(?=\d)/, '');
        push({ k: 'word', s: `${digits}_${base[1] ?? base[2]}` });
        i = j + base[0].length;
        continue;
      }
      push({ k: 'num', s: s.slice(i, j) });
      i = j;
      continue;
    }
    if (/[a-zA-Z]/.test(c)) {
      let j = i;
      while (j < s.length && /[a-zA-Z]/.test(s[j]!)) j++;
      const run = s.slice(i, j);
      i = j;
      if (afterScript || run.length === 1) {
        push({ k: 'id', s: run[0]! });
        i = i - run.length + 1;
      } else if (PLAIN_FUNCTIONS.has(run)) push({ k: 'fn', s: run });
      else if (run === 'pi') push({ k: 'cmd', s: 'pi' });
      else if (run === 'or' || run === 'and') push({ k: 'op', s: ',' });
      else if (run.toLowerCase() === 'no')
        push({ k: 'word', s: run }); // the answer "No", not N·o
      else if (run.length >= 3 || !/^[a-z]+$/i.test(run)) push({ k: 'word', s: run });
      else for (const ch of run) push({ k: 'id', s: ch }); // `xy` is x·y
      continue;
    }
    if (c === '\\') {
      const m = /^\\([a-zA-Z]+|.)/.exec(s.slice(i, i + 40));
      if (!m) throw new ParseError('dangling backslash');
      const name = m[1]!;
      i += m[0].length;
      if (name === '{' || name === '}') push({ k: 'op', s: `\\${name}` });
      else if (name === '\\') push({ k: 'op', s: '\\\\' });
      else if (name === '|') push({ k: 'op', s: '|' });
      else if (TEXT_COMMANDS.has(name) || STYLE_COMMANDS.has(name)) {
        while (s[i] === ' ') i++;
        if (s[i] !== '{') continue;
        const g = readBraced(s, i);
        i = g.end;
        const inner = g.content.trim();
        // `\text{e}^3`, `\text{i}`: one letter in \text is the symbol itself
        if (STYLE_COMMANDS.has(name) || /^[-+\d.,/ ]*$/.test(inner) || /^[a-zA-Z]$/.test(inner)) {
          for (const t of tokenize(inner)) push(t);
        } else if (/^(?:or|and|,)$/i.test(inner)) push({ k: 'op', s: ',' });
        else push({ k: 'word', s: inner });
      } else if (FUNCTIONS.has(name)) push({ k: 'fn', s: name });
      else if (GREEK.has(name)) push({ k: 'id', s: name });
      else if (name === 'colon') push({ k: 'op', s: ':' });
      else if (name === 'lbrace' || name === 'rbrace')
        push({ k: 'op', s: name === 'lbrace' ? '\\{' : '\\}' });
      else if (name === 'lbrack' || name === 'rbrack') push({ k: 'op', s: name === 'lbrack' ? '[' : ']' });
      else if (name === 'vert' || name === 'lvert' || name === 'rvert') push({ k: 'op', s: '|' });
      else {
        // a command glued to the letters after it (`\pix`, `\cdotx`): the known command, then the letters
        const glued = GLUED.find((g) => name.length > g.length && name.startsWith(g));
        if (glued && !KNOWN_COMMANDS.has(name)) {
          i -= name.length - glued.length;
          push(FUNCTIONS.has(glued) ? { k: 'fn', s: glued } : { k: 'cmd', s: glued });
        } else push({ k: 'cmd', s: name });
      }
      continue;
    }
    const uni = UNICODE[c];
    if (uni !== undefined) {
      for (const t of tokenize(uni)) push(t);
      i++;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '!=' || two === '=<' || two === '=>') {
      push({ k: 'op', s: two === '=<' ? '<=' : two === '=>' ? '>=' : two });
      i += 2;
      continue;
    }
    if ("+-*/^_()[]{},;=<>!|&'".includes(c)) {
      push({ k: 'op', s: c });
      i++;
      continue;
    }
    if (c === ':') {
      push({ k: 'op', s: ':' }); // a ratio `5:3`, a label `a:b`, set-builder `\{x : x > 4\}`
      i++;
      continue;
    }
    if (c === '?' || c === '"') throw new ParseError(`unexpected "${c}"`);
    throw new ParseError(`unexpected character "${c}"`);
  }
  return out;
}
