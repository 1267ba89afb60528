/**
 * Delimited blocks in model output (`<think>…</think>`, `<answer>…</answer>`) found with indexOf scans
 * instead of `/<tag>[\s\S]*?<\/tag>/g`: on a response with many unclosed openers that regex retries the
 * lazy span from every opener, O(openers × length), which froze the server for seconds on 700 KB.
 * Every function here reads each character a bounded number of times (linear time).
 */

/**
 * `text` with A–Z lowered and every other character kept, so indices into it are indices into `text`
 * (`String.prototype.toLowerCase` can change the length: 'İ' becomes two code units). Matching tags on
 * this copy is what a non-unicode `/i` regex does: it folds only ASCII letters into ASCII.
 */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/** Where a block search looks: case-sensitive, or on an `asciiLower` copy with lowercase delimiters. */
interface Haystack {
  text: string;
  search: string;
  open: string;
  close: string;
}

/** Offsets of one block: its opener, its content, its closer. */
interface Block {
  start: number;
  inner: number;
  close: number;
}

function haystack(text: string, open: string, close: string, ignoreCase: boolean): Haystack {
  return ignoreCase
    ? { text, search: asciiLower(text), open: open.toLowerCase(), close: close.toLowerCase() }
    : { text, search: text, open, close };
}

/**
 * Each complete block, left to right, as a regex `open([\s\S]*?)close` with the `g` flag finds them: from
 * an opener to the first closer after it, the next search starting after that closer. When an opener never
 * closes, no closer follows it, so none follows a later opener either: the scan stops there instead of
 * retrying from each one.
 */
function scanBlocks(h: Haystack): Block[] {
  const blocks: Block[] = [];
  for (let at = 0; ; ) {
    const start = h.search.indexOf(h.open, at);
    if (start < 0) return blocks;
    const inner = start + h.open.length;
    const close = h.search.indexOf(h.close, inner);
    if (close < 0) return blocks;
    blocks.push({ start, inner, close });
    at = close + h.close.length;
  }
}

/**
 * `text` without its complete `open…close` blocks (an opener that never closes, and what follows it, stays),
 * exactly what `text.replace(/open[\s\S]*?close/g, '')` gives (`gi` with `ignoreCase`).
 */
export function removeBlocks(text: string, open: string, close: string, ignoreCase = false): string {
  const h = haystack(text, open, close, ignoreCase);
  let out = '';
  let at = 0;
  for (const b of scanBlocks(h)) {
    out += text.slice(at, b.start);
    at = b.close + close.length;
  }
  return at === 0 ? text : out + text.slice(at);
}

/**
 * The contents of every complete `open…close` block, in order, as `[...text.matchAll(/open([\s\S]*?)close/g)]`
 * captures them (`gi` with `ignoreCase`).
 */
export function blockContents(text: string, open: string, close: string, ignoreCase = false): string[] {
  const h = haystack(text, open, close, ignoreCase);
  return scanBlocks(h).map((b) => text.slice(b.inner, b.close));
}

/**
 * The text after reasoning, as the instruction and similarity rewards read a response: after the last
 * `</think>`; nothing when a `<think>` is left open. (Judges use `stripThink`, which also keeps text
 * around closed blocks.)
 */
export function answerAfterThink(text: string): string {
  const close = text.lastIndexOf('</think>');
  if (close >= 0) return text.slice(close + '</think>'.length);
  return text.includes('<think>') ? '' : text;
}
