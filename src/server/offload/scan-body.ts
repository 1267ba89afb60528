/** What the HTTP thread needs of a `/v1/score` body before handing it to a worker. */
export interface BodyScan {
  /** Entries of the top-level `samples` array. */
  count: number;
  /** The top-level `spec`: its string, null when it is not a string, undefined when absent. */
  spec: string | null | undefined;
}

/**
 * Counts the entries of the top-level `samples` array of a JSON request body, and reads its `spec`,
 * without building any of it. The HTTP thread needs both before the body goes to a worker: the bounded
 * queue is measured in samples, and a body for a spec that workers do not read must not wait in their
 * queue only to be given back. Parsing the body to learn them would cost that thread the very work the
 * worker takes over. Hand-written because no JSON library counts without materializing; strings are
 * skipped with the engine's `indexOf`, so the scan costs a fraction of `JSON.parse`.
 *
 * Exact for valid JSON. For anything else the answer may be wrong or `undefined`; that is safe because
 * the worker parses the body properly and gives the request back when its count differs.
 */
export function scanBody(text: string): BodyScan | undefined {
  let p = skipSpace(text, 0);
  if (text.charCodeAt(p) !== OPEN_BRACE) return undefined;
  p = skipSpace(text, p + 1);
  let count: number | undefined;
  let spec: string | null | undefined;
  if (text.charCodeAt(p) === CLOSE_BRACE) return undefined;
  for (;;) {
    if (text.charCodeAt(p) !== QUOTE) return undefined;
    const keyEnd = stringEnd(text, p);
    if (keyEnd < 0) return undefined;
    const key = stringAt(text, p, keyEnd);
    p = skipSpace(text, keyEnd);
    if (text.charCodeAt(p) !== COLON) return undefined;
    p = skipSpace(text, p + 1);
    // A repeated key counts as JSON.parse reads it: the last one wins.
    if (key === 'samples') {
      if (text.charCodeAt(p) !== OPEN_BRACKET) return undefined;
      const array = scanArray(text, p);
      if (array === undefined) return undefined;
      [count, p] = array;
    } else {
      const end = valueEnd(text, p);
      if (end < 0) return undefined;
      if (key === 'spec') spec = text.charCodeAt(p) === QUOTE ? (stringAt(text, p, end) ?? null) : null;
      p = end;
    }
    p = skipSpace(text, p);
    const c = text.charCodeAt(p);
    if (c === COMMA) p = skipSpace(text, p + 1);
    else if (c === CLOSE_BRACE) break;
    else return undefined;
  }
  if (count === undefined || skipSpace(text, p + 1) !== text.length) return undefined;
  return { count, spec };
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

function skipSpace(text: string, p: number): number {
  for (;;) {
    const c = text.charCodeAt(p);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return p;
    p++;
  }
}

/** Index just past the closing quote of the string that opens at `p`, or -1. */
function stringEnd(text: string, p: number): number {
  let from = p + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) return -1;
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** The string that spans [start, end) with its quotes, unescaped; undefined when it is not valid JSON. */
function stringAt(text: string, start: number, end: number): string | undefined {
  const raw = text.slice(start + 1, end - 1);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end)) as string;
  } catch {
    return undefined;
  }
}

/** Index just past the value that starts at `p` (string, object, array or scalar), or -1. */
function valueEnd(text: string, p: number): number {
  const c = text.charCodeAt(p);
  if (c === QUOTE) return stringEnd(text, p);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return nestedEnd(text, p);
  let q = p;
  for (;;) {
    const d = text.charCodeAt(q);
    if (Number.isNaN(d) || d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d <= 32) break;
    q++;
  }
  return q === p ? -1 : q;
}

/** Index just past the object or array that opens at `p`, or -1. */
function nestedEnd(text: string, p: number): number {
  let depth = 0;
  for (let q = p; q < text.length; ) {
    const c = text.charCodeAt(q);
    if (c === QUOTE) {
      q = stringEnd(text, q);
      if (q < 0) return -1;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) return q + 1;
    q++;
  }
  return -1;
}

/** [entries, index just past the array] of the array that opens at `p`. */
function scanArray(text: string, p: number): [number, number] | undefined {
  let q = skipSpace(text, p + 1);
  if (text.charCodeAt(q) === CLOSE_BRACKET) return [0, q + 1];
  let entries = 1;
  let depth = 0;
  while (q < text.length) {
    const c = text.charCodeAt(q);
    if (c === QUOTE) {
      q = stringEnd(text, q);
      if (q < 0) return undefined;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) return c === CLOSE_BRACKET ? [entries, q + 1] : undefined;
      depth--;
    } else if (c === COMMA && depth === 0) entries++;
    q++;
  }
  return undefined;
}
