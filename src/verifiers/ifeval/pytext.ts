/**
 * Python string semantics the IFEval reference relies on (`str.strip`, `str.split()`, `str.isupper`,
 * `\w`, `\b`), restated for JavaScript strings. JavaScript's `trim`, `\s`, `\w` and `\b` differ from
 * Python 3's (ASCII `\w`, `\ufeff` counted as space, `\x1c`-`\x1f` and `\x85` not), and verdicts on
 * model output must not depend on which language computed them.
 */

/** Characters Python's `str.isspace()` (and `\s` in a str pattern) accepts. */
export const PY_WS =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WS_RE = new RegExp(`[${PY_WS}]`, 'u');
const WS_RUNS = new RegExp(`[${PY_WS}]+`, 'gu');

/** A Python `\w` character (letters, numbers, underscore; combining marks excluded, as in CPython). */
export const PY_WORD = '\\p{L}\\p{N}_';
const WORD_RE = new RegExp(`[${PY_WORD}]`, 'u');

export const isPySpace = (ch: string): boolean => WS_RE.test(ch);
export const isPyWordChar = (ch: string | undefined): boolean => ch !== undefined && WORD_RE.test(ch);

/** `s.strip()` / `s.strip(chars)`: removes the characters from both ends. */
export function pyStrip(s: string, chars?: string): string {
  let a = 0;
  let b = s.length;
  const drop = (c: string) => (chars === undefined ? WS_RE.test(c) : chars.includes(c));
  while (a < b && drop(s[a]!)) a++;
  while (b > a && drop(s[b - 1]!)) b--;
  return s.slice(a, b);
}

export function pyLstrip(s: string, chars: string): string {
  let a = 0;
  while (a < s.length && chars.includes(s[a]!)) a++;
  return s.slice(a);
}

export function pyRstrip(s: string, chars: string): string {
  let b = s.length;
  while (b > 0 && chars.includes(s[b - 1]!)) b--;
  return s.slice(0, b);
}

/** `s.split()` with no separator: runs of whitespace split, empty pieces dropped. */
export function pySplit(s: string): string[] {
  return s.split(WS_RUNS).filter((w) => w.length > 0);
}

/** `str.isupper()`: at least one cased character, and none lowercase or titlecase. */
export const pyIsUpper = (s: string): boolean =>
  /\p{Uppercase}/u.test(s) && !/[\p{Lowercase}\p{Lt}]/u.test(s);

/** `str.islower()`: at least one cased character, and none uppercase or titlecase. */
export const pyIsLower = (s: string): boolean =>
  /\p{Lowercase}/u.test(s) && !/[\p{Uppercase}\p{Lt}]/u.test(s);

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * A case-insensitive literal pattern for `word`, with Python's `\b` on each side when `bounded`:
 * a boundary holds where a word character meets a non-word one, so the side of the boundary that must
 * be a word character depends on whether the word itself starts or ends with one.
 */
export function literalPattern(word: string, bounded: boolean): RegExp {
  const body = escapeRegExp(word);
  if (!bounded) return new RegExp(body, 'giu');
  const chars = [...word];
  const first = chars[0];
  const last = chars.at(-1);
  const before = isPyWordChar(first) ? `(?<![${PY_WORD}])` : `(?<=[${PY_WORD}])`;
  const after = isPyWordChar(last) ? `(?![${PY_WORD}])` : `(?=[${PY_WORD}])`;
  return new RegExp(`${before}${body}${after}`, 'giu');
}

/** Non-overlapping occurrences of a regular expression (`len(re.findall(...))`). */
export function countMatches(text: string, re: RegExp): number {
  let n = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    n++;
    if (m[0].length === 0) re.lastIndex++;
  }
  return n;
}
