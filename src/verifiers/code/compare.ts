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

/** ASCII whitespace as testlib reads it: space, \t, \n, \v, \f, \r (a no-break space is not). */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * Tokens split on ASCII whitespace, by a scan: a regex anchored at the end (`[ \t]+$`) backtracks
 * quadratically over a run of spaces inside a program's output, on the server's main thread.
 */
function tokens(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) {
      if (start >= 0) out.push(text.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(text.slice(start));
  return out;
}

/** A line without its trailing spaces and tabs, by a scan (see tokens). */
function trimLineEnd(line: string): string {
  let end = line.length;
  while (
    end > 0 &&
    line.charCodeAt(end - 1) !== 10 &&
    line.charCodeAt(end - 1) !== 13 &&
    isSpace(line.charCodeAt(end - 1))
  )
    end--;
  return line.slice(0, end);
}

function lines(text: string): string[] {
  const out = text.replace(/\r\n?/g, '\n').split('\n').map(trimLineEnd);
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
  // Two integers are equal only as text (exact at any size).
  if (ka === 'int' && kb === 'int') return false;
  // An integer answer is exact too: a float written for it must be that integer exactly (`2.0`, `1e6`),
  // or printing floats would buy a relative tolerance (`1000001.0` for 1000000, `1e19` for 10^19+1).
  if (kb === 'int') return decimalEqualsInteger(a, b);
  const x = Number(a);
  const y = Number(b);
  return x === y || Math.abs(x - y) <= tol * Math.max(1, Math.abs(y));
}

/**
 * Whether the decimal token `d` (a float as `numberKind` reads it) is exactly the integer `int`, compared
 * as digit strings so that no size loses precision.
 */
function decimalEqualsInteger(d: string, int: string): boolean {
  let sign = '';
  let t = d;
  if (t[0] === '-' || t[0] === '+') {
    sign = t[0] === '-' ? '-' : '';
    t = t.slice(1);
  }
  const e = t.search(/[eE]/);
  const mantissa = e < 0 ? t : t.slice(0, e);
  const exponent = e < 0 ? 0 : Number(t.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const whole = dot < 0 ? mantissa : mantissa.slice(0, dot);
  const frac = dot < 0 ? '' : mantissa.slice(dot + 1);
  // value = (whole frac) × 10^(exponent − |frac|)
  let digits = (whole + frac).replace(/^0+/, '');
  let shift = exponent - frac.length;
  while (shift < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    shift++;
  }
  if (digits === '') return normInt(int) === '0';
  if (shift < 0) return false;
  if (digits.length + shift > int.length + 1) return false; // longer than the integer: bounds the padding
  return normInt(`${sign}${digits}${'0'.repeat(shift)}`) === normInt(int);
}

/** An integer token in one spelling: no `+`, no leading zeros, no `-0`. */
function normInt(t: string): string {
  const neg = t[0] === '-';
  const body = (t[0] === '-' || t[0] === '+' ? t.slice(1) : t).replace(/^0+/, '');
  return body === '' ? '0' : `${neg ? '-' : ''}${body}`;
}
