/**
 * Linear scanners for the IFEval patterns whose regular expressions backtrack on model output
 * (`^\s*\*[^\*].*$` across blank lines, `\[.*?\]` on a line of open brackets, `\*[^\n\*]*\*`):
 * each returns what `len(re.findall(pattern, text))` returns, in one pass.
 */
import { isPySpace } from './pytext.js';

/** Lines that `^\s*<marker><rest>.*$` (MULTILINE) matches, where `\s*` may cross blank lines. */
function countLineStarts(text: string, marker: string, nextOk: (c: string | undefined) => boolean): number {
  let count = 0;
  let p = 0;
  const n = text.length;
  while (p < n) {
    // p is a line start: skip whitespace (which may cross line breaks, as Python's \s does).
    let q = p;
    while (q < n && isPySpace(text[q]!)) q++;
    if (q < n && text[q] === marker && nextOk(text[q + 1])) {
      count++;
      const from = marker === '*' ? q + 2 : q + 1;
      const eol = text.indexOf('\n', Math.min(from, n));
      if (eol < 0) break;
      // The match ends before the newline; the next line start is after it, unless the match ended on
      // a line start itself (only possible when `.*` matched nothing right after a newline).
      p = text[eol - 1] === '\n' && eol === from ? eol : eol + 1;
      continue;
    }
    // Every line start up to q skips to the same q and fails the same way.
    const eol = text.indexOf('\n', q);
    if (eol < 0) break;
    p = eol + 1;
  }
  return count;
}

/** IFEval's bullet count: lines matching `^\s*\*[^\*].*$` plus lines matching `^\s*-.*$`. */
export function countBullets(text: string): number {
  const stars = countLineStarts(text, '*', (c) => c !== undefined && c !== '*');
  const dashes = countLineStarts(text, '-', () => true);
  return stars + dashes;
}

/** `re.findall(r"\[.*?\]", text)`: bracket pairs on one line, leftmost-shortest, non-overlapping. */
export function countPlaceholders(text: string): number {
  let count = 0;
  for (const line of text.split('\n')) {
    let at = line.indexOf('[');
    while (at >= 0) {
      const close = line.indexOf(']', at + 1);
      if (close < 0) break;
      count++;
      at = line.indexOf('[', close + 1);
    }
  }
  return count;
}

/**
 * IFEval's highlighted sections: `\*[^\n\*]*\*` matches whose text between the stars is not blank, plus
 * `\*\*[^\n\*]*\*\*` matches likewise. `*italic*` counts once (single scan); `**bold**` counts once
 * (the single scan sees two empty `**` pairs, the double scan one non-blank pair).
 */
export function countHighlights(text: string): number {
  let count = 0;
  const n = text.length;
  // Single: a star, then non-star non-newline characters, then a star.
  for (let i = 0; i < n; ) {
    if (text[i] !== '*') {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && text[j] !== '*' && text[j] !== '\n') j++;
    if (j < n && text[j] === '*') {
      if (text.slice(i + 1, j).trim() !== '') count++;
      i = j + 1;
    } else {
      i = j; // no closing star before the line ends: no match starts before j either
    }
  }
  // Double: two stars, non-star non-newline characters, two stars.
  for (let i = 0; i < n; ) {
    if (text[i] !== '*' || text[i + 1] !== '*') {
      i++;
      continue;
    }
    let j = i + 2;
    while (j < n && text[j] !== '*' && text[j] !== '\n') j++;
    if (j + 1 < n && text[j] === '*' && text[j + 1] === '*') {
      if (text.slice(i + 2, j).trim() !== '') count++;
      i = j + 2;
    } else {
      i++;
    }
  }
  return count;
}

/**
 * IFEval's title rule: some `<<[^\n]+>>` match (greedy, so from a line's first usable `<<` to its last
 * `>>`) is not blank once its angle brackets are stripped.
 */
export function hasTitle(text: string): boolean {
  for (const line of text.split('\n')) {
    const last = line.lastIndexOf('>>');
    if (last < 0) continue;
    const first = line.indexOf('<<');
    if (first < 0 || last < first + 3) continue;
    let inner = line.slice(first, last + 2);
    let a = 0;
    while (a < inner.length && inner[a] === '<') a++;
    let b = inner.length;
    while (b > a && inner[b - 1] === '>') b--;
    inner = inner.slice(a, b);
    if (inner.trim() !== '') return true;
  }
  return false;
}
