import { findProfile } from '../../sandbox/profiles.js';
import { removeBlocks } from '../text/blocks.js';

export type ExtractMode = 'auto' | 'fence' | 'whole';

export interface Extracted {
  code: string;
  from: 'fence' | 'whole';
  /** The fence's language tag, when it named one. */
  tag?: string;
}

/** A fenced code block: its language tag (lowercase, '' when untagged) and its content. */
export interface FencedBlock {
  tag: string;
  code: string;
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 13; // space, tab, \r of a \r\n line end
const isTagChar = (c: number) =>
  (c >= 97 && c <= 122) ||
  (c >= 65 && c <= 90) ||
  (c >= 48 && c <= 57) ||
  c === 95 ||
  c === 43 ||
  c === 35 ||
  c === 46 ||
  c === 45; // [\w+#.-]

/** The fence on the line [start, end): its character, length and where the rest of the line begins. */
function fenceOf(
  text: string,
  start: number,
  end: number,
): { char: number; length: number; after: number } | undefined {
  let i = start;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  const char = text.charCodeAt(i);
  if (char !== 96 /* ` */ && char !== 126 /* ~ */) return undefined;
  let j = i;
  while (j < end && text.charCodeAt(j) === char) j++;
  return j - i >= 3 ? { char, length: j - i, after: j } : undefined;
}

/**
 * Every complete fenced block, in order, found line by line in one pass (a scanner, not the backreference
 * regex this replaced, which retried a lazy span from every opener: quadratic, seconds on 200 KB).
 * CommonMark's rules, with any indentation: a line of three or more backticks or tildes opens a block, its
 * tag is the word after the fence; the block closes at the next line holding only a fence of the same
 * character at least as long. A fence that never closes holds the rest of the response, so it is no block
 * and nothing after it is one either.
 */
export function fencedBlocks(text: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: { char: number; length: number; tag: string; body: number } | undefined;
  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const fence = fenceOf(text, start, end);
    if (fence && !open) {
      let t = fence.after;
      while (t < end && isBlank(text.charCodeAt(t))) t++;
      let u = t;
      while (u < end && isTagChar(text.charCodeAt(u))) u++;
      open = { char: fence.char, length: fence.length, tag: text.slice(t, u).toLowerCase(), body: end + 1 };
    } else if (fence && open && fence.char === open.char && fence.length >= open.length) {
      let k = fence.after;
      while (k < end && isBlank(text.charCodeAt(k))) k++;
      if (k === end) {
        blocks.push({ tag: open.tag, code: text.slice(open.body, Math.max(open.body, start - 1)) });
        open = undefined;
      }
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  return blocks;
}

/**
 * The program in a response: the last fenced block of the language (or, failing that, the last
 * untagged one); with `auto` the whole response when there is no fence at all. Reasoning inside
 * <think> is ignored. `fence` requires a block; `whole` takes the response as it is.
 */
export function extractProgram(response: string, language: string, mode: ExtractMode): Extracted | undefined {
  if (mode === 'whole') return { code: response, from: 'whole' };
  const text = removeBlocks(response, '<think>', '</think>');
  const want = findProfile(language)?.name;
  const blocks = fencedBlocks(text);
  const ofLanguage = blocks.filter((b) => b.tag && findProfile(b.tag)?.name === want);
  const chosen = ofLanguage.at(-1) ?? blocks.filter((b) => !b.tag).at(-1);
  if (chosen) return { code: chosen.code, from: 'fence', ...(chosen.tag && { tag: chosen.tag }) };
  if (mode === 'fence' || blocks.length > 0) return undefined;
  // Keep the first line's indentation: a HumanEval completion is often just an indented body.
  const whole = text.replace(/^\s*\n/, '').trimEnd();
  return whole.trim() ? { code: whole, from: 'whole' } : undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a Python program defines function `name` at the start of a line (`def name(`, `async def name(`,
 * indented or not). Linear: only spaces and tabs may stand between a line start and `def`, so each attempt
 * stops at its line; `(^|\n)\s*def` let `\s*` run through every newline after each one (quadratic: minutes
 * on a program of a million blank lines). Newlines inside `def name(` are not valid Python, so nothing
 * that parses is judged differently.
 */
export function definesFunction(program: string, name: string): boolean {
  let re = definers.get(name);
  if (re === undefined) {
    re = new RegExp(`(?:^|\\n)[ \\t\\f\\v\\r]*(?:async[ \\t]+)?def[ \\t]+${escapeRegExp(name)}[ \\t]*\\(`);
    // Compiled once per entry point (a few hundred in a dataset); bounded all the same.
    if (definers.size >= 4096) definers.clear();
    definers.set(name, re);
  }
  return re.test(program);
}
const definers = new Map<string, RegExp>();
