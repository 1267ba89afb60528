/**
 * Finding the final answer in a long model response: a separate stage from equivalence (STYLE.md).
 * Every scan here is linear: braces are matched in one pass with a stack, phrases are found with
 * lastIndexOf, and the only regular expressions run on short, bounded slices.
 */
import { lastTagContent, stripThinking } from '../text/extract.js';

/** Only the tail of a response can hold its final answer; scanning more costs time and proves nothing. */
export const RESPONSE_TAIL = 20_000;
const PHRASE_SPAN = 300;

export const SOURCES = ['answer_tag', 'boxed', 'phrase', 'gsm8k', 'latex', 'bold', 'number'] as const;
export type Source = (typeof SOURCES)[number];

export interface Extracted {
  answer: string;
  from: Source;
  /** How many different \boxed{} contents the response holds (the candidate-listing guard reads it). */
  distinctBoxed: number;
  /** The different \\boxed{} contents, in the order of their last appearance. */
  boxes: string[];
}

/** The contents of every complete \\boxed{…} / \\fbox{…}, in order, nested braces included. */
export function allBoxed(text: string): string[] {
  const starts: number[] = [];
  for (const cmd of ['\\boxed', '\\fbox']) {
    for (let at = text.indexOf(cmd); at >= 0; at = text.indexOf(cmd, at + 1)) starts.push(at);
  }
  if (!starts.length) return [];
  starts.sort((a, b) => a - b);
  // few boxes: scan from each (no allocation); many: match every brace in one pass (linear either way)
  const match = starts.length > 8 ? matchBraces(text) : undefined;
  const out: string[] = [];
  for (const at of starts) {
    let i = at + (text[at + 1] === 'b' ? 6 : 5);
    while (text[i] === ' ') i++;
    if (text[i] === '{') {
      const close = match ? match[i]! : closingBrace(text, i);
      if (close > 0) out.push(text.slice(i + 1, close).trim());
    } else if (/[0-9a-zA-Z]/.test(text[i] ?? '') && text[at + 6] === ' ') {
      // `\\boxed 5`: one token
      let j = i;
      while (j < text.length && /[0-9a-zA-Z.]/.test(text[j]!)) j++;
      out.push(text.slice(i, j));
    }
  }
  return out;
}

/** Index of the `}` closing the `{` at `open`, or 0 when it never closes. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \\ */) {
      const n = text.charCodeAt(i + 1);
      if (n === 123 || n === 125) i++;
    } else if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i;
  }
  return 0;
}

/** For each `{`, the index of its matching `}` (0 when unmatched), in one pass. */
function matchBraces(text: string): Int32Array {
  const match = new Int32Array(text.length);
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      const n = text.charCodeAt(i + 1);
      if (n === 123 || n === 125) i++; // \{ and \} are literal braces
    } else if (c === 123) stack.push(i);
    else if (c === 125) {
      const open = stack.pop();
      if (open !== undefined) match[open] = i;
    }
  }
  return match;
}

const PHRASES = [
  'final answer is',
  'final answer:',
  'the answer is',
  'answer is',
  'answer:',
  'correct option is',
  'correct choice is',
];
/** Where an explanation starts after the answer: "3, since 1 + 2 = 3". */
const EXPLANATION = /,?\s+(?:since|because|as|which|where|so|therefore|thus|given|when|from|by)\s/;

/** "The final answer is $x$." / "Answer: 5": the rest of that line, up to the end of the sentence. */
function afterPhrase(text: string): string | undefined {
  const lower = text.toLowerCase();
  let best = -1;
  let len = 0;
  for (const p of PHRASES) {
    const at = lower.lastIndexOf(p);
    if (at > best) {
      best = at;
      len = p.length;
    }
  }
  if (best < 0) return undefined;
  return sentence(text.slice(best + len, best + len + PHRASE_SPAN));
}

function sentence(rest: string): string | undefined {
  let s = rest.replace(/^[\s:*]+/, '');
  const nl = s.indexOf('\n');
  if (nl >= 0) s = s.slice(0, nl);
  // end of sentence: a full stop followed by a space (not a decimal point, not inside $…$)
  let inMath = false;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '$') inMath = !inMath;
    else if (!inMath && s[i] === '.' && (i + 1 === s.length || s[i + 1] === ' ')) {
      s = s.slice(0, i);
      break;
    }
  }
  const why = EXPLANATION.exec(s);
  if (why) s = s.slice(0, why.index);
  s = s.replace(/\*+$/, '').trim();
  return s.length ? s : undefined;
}

/** The last `$…$`, `$$…$$`, `\(…\)` or `\[…\]` (whichever closes last). */
function lastMath(text: string): string | undefined {
  let best: { end: number; content: string } | undefined;
  const dollar = text.lastIndexOf('$');
  if (dollar > 0) {
    const double = text[dollar - 1] === '$';
    const close = double ? dollar - 1 : dollar;
    const open = double ? text.lastIndexOf('$$', close - 1) : text.lastIndexOf('$', close - 1);
    if (open >= 0) best = { end: dollar, content: text.slice(open + (double ? 2 : 1), close) };
  }
  for (const [o, c] of [
    ['\\(', '\\)'],
    ['\\[', '\\]'],
  ] as const) {
    const close = text.lastIndexOf(c);
    if (close < 0 || (best && close < best.end)) continue;
    const open = text.lastIndexOf(o, close);
    if (open >= 0) best = { end: close, content: text.slice(open + 2, close) };
  }
  return best ? afterLastEquals(best.content) : undefined;
}

/** `2 + 3 = 5` → `5`: in an unmarked formula the value is after the last `=` (inequalities stay whole). */
function afterLastEquals(s: string): string | undefined {
  const t = s.trim();
  if (/[<>]|\\[lg]e|\\neq/.test(t)) return t || undefined;
  const eq = t.lastIndexOf('=');
  const out = (eq >= 0 ? t.slice(eq + 1) : t).trim();
  return out.length ? out : undefined;
}

function lastBold(text: string): string | undefined {
  const close = text.lastIndexOf('**');
  if (close < 2) return undefined;
  const open = text.lastIndexOf('**', close - 1);
  if (open < 0 || close - open > PHRASE_SPAN) return undefined;
  return afterLastEquals(text.slice(open + 2, close).replace(/^\$|\$$/g, ''));
}

const NUMBER = /-?\d[\d,]*(?:\.\d+)?(?:\/\d+)?/g;

function lastNumber(text: string): string | undefined {
  const tail = text.slice(-400);
  let last: string | undefined;
  for (const m of tail.matchAll(NUMBER)) last = m[0];
  return last?.replace(/,+$/, '');
}

function gsm8k(text: string): string | undefined {
  const at = text.lastIndexOf('####');
  if (at < 0) return undefined;
  return sentence(text.slice(at + 4, at + 4 + PHRASE_SPAN));
}

const PROSE_WORD = /(?:^|[^\\a-zA-Z])[a-zA-Z]{3,}/g;

/**
 * "The answer is the number of ways to choose 2 of 5, which is 10": a phrase followed by prose rather than
 * a value (three or more plain words) is skipped, so a later source (a formula, the last number) decides.
 */
function isProse(s: string): boolean {
  let words = 0;
  for (const _ of s.matchAll(PROSE_WORD)) if (++words >= 3) return true;
  return false;
}

/** The final answer of a response, trying `sources` in order (default: all, most explicit first). */
export function extractDetailed(
  response: string,
  sources: readonly Source[] = SOURCES,
): Extracted | undefined {
  let text = stripThinking(response);
  if (text.length > RESPONSE_TAIL) text = text.slice(-RESPONSE_TAIL);
  const boxed = allBoxed(text);
  const byKey = new Map<string, string>();
  for (const b of boxed) {
    const k = b.replace(/\s+/g, '');
    byKey.delete(k); // re-insert: Map order becomes the order of last appearance
    byKey.set(k, b);
  }
  const boxes = [...byKey.values()];
  const distinctBoxed = boxes.length;
  for (const from of sources) {
    let answer: string | undefined;
    if (from === 'answer_tag') {
      const inner = lastTagContent(text, 'answer');
      if (inner !== undefined) answer = allBoxed(inner).at(-1) ?? inner;
    } else if (from === 'boxed') answer = boxed.at(-1);
    else if (from === 'phrase') answer = afterPhrase(text);
    else if (from === 'gsm8k') answer = gsm8k(text);
    else if (from === 'latex') answer = lastMath(text);
    else if (from === 'bold') answer = lastBold(text);
    else answer = lastNumber(text);
    if ((from === 'phrase' || from === 'gsm8k') && answer !== undefined && isProse(answer))
      answer = undefined;
    if (answer !== undefined && answer.trim() !== '')
      return { answer: answer.trim(), from, distinctBoxed, boxes };
  }
  return undefined;
}

/** The final answer of a model response, or undefined when it gives none. */
export function extractMathAnswer(text: string): string | undefined {
  return extractDetailed(text)?.answer;
}
