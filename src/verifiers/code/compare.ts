/**
 * Whether a program's output matches the expected output.
 *
 * `tokens` (the default) is what the datasets' own checkers do (testlib's wcmp/rcmp used by Codeforces
 * and CodeContests, APPS' and LiveCodeBench's line-and-token comparisons): the outputs are read as
 * whitespace-separated tokens, so spacing, line ends (\r\n) and trailing blank lines never matter;
 * tokens that are equal as text match; two numbers of which at least one is written as a float (a
 * point or an exponent) match when equal as numbers (`2.0` and `2.000000`) or within the tolerance,
 * absolute or relative to the expected value (`tol`, 1e-6 when not given, the usual judge epsilon).
 * Two integers are compared as text, so big integers are exact (`10**20 + 1` never matches `10**20`).
 *
 * `strict` compares line by line, ignoring only trailing whitespace on each line and trailing blank
 * lines; with a tolerance, numeric tokens on a line may differ by it.
 *
 * Both are linear in the size of the outputs (a scanner, no backtracking regular expression).
 */
export type CompareMode = 'tokens' | 'strict';

export const DEFAULT_FLOAT_TOLERANCE = 1e-6;

export function outputsMatch(got: string, want: string, tol = 0, mode: CompareMode = 'strict'): boolean {
  if (mode === 'tokens')
    return tokensMatch(tokens(got), tokens(want), tol > 0 ? tol : DEFAULT_FLOAT_TOLERANCE);
  const a = lines(got);
  const b = lines(want);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (!(tol > 0) || !tokensMatch(tokens(a[i]!), tokens(b[i]!), tol)) return false;
  }
  return true;
}

const tokens = (text: string): string[] => {
  const t = text.trim();
  return t === '' ? [] : t.split(/\s+/);
};

function lines(text: string): string[] {
  const out = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd());
  while (out.length > 0 && out.at(-1) === '') out.pop();
  return out;
}

function tokensMatch(x: string[], y: string[], tol: number): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i] && !numbersClose(x[i]!, y[i]!, tol)) return false;
  }
  return true;
}

/** 'int' or 'float' when the token is a decimal number ([-+]digits[.digits][e[-+]digits]), else undefined. */
export function numberKind(t: string): 'int' | 'float' | undefined {
  let i = 0;
  const n = t.length;
  if (t[i] === '-' || t[i] === '+') i++;
  let digits = 0;
  while (i < n && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) {
    i++;
    digits++;
  }
  let float = false;
  if (t[i] === '.') {
    float = true;
    i++;
    while (i < n && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return undefined;
  if (t[i] === 'e' || t[i] === 'E') {
    float = true;
    i++;
    if (t[i] === '-' || t[i] === '+') i++;
    const start = i;
    while (i < n && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
    if (i === start) return undefined;
  }
  return i === n ? (float ? 'float' : 'int') : undefined;
}

function numbersClose(a: string, b: string, tol: number): boolean {
  const ka = numberKind(a);
  const kb = numberKind(b);
  if (ka === undefined || kb === undefined) return false;
  // Two integers are equal only as text (exact at any size); a float on either side compares as numbers.
  if (ka === 'int' && kb === 'int') return false;
  const x = Number(a);
  const y = Number(b);
  return x === y || Math.abs(x - y) <= tol * Math.max(1, Math.abs(y));
}
