/**
 * Answer extraction shared by the text, choice and math rewards. Hand-written linear scans rather than
 * regular expressions: braces nest (\boxed{\frac{1}{2}}), and a scan cannot backtrack catastrophically.
 */

/**
 * Content of the balanced `{…}` group starting at `open` (which must be `{`), or undefined if it does not
 * close before `limit` (default: the end of the text).
 */
export function bracedGroup(
  text: string,
  open: number,
  limit = text.length,
): { content: string; end: number } | undefined {
  let depth = 0;
  for (let i = open; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++; // an escaped brace does not count
      continue;
    }
    if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */) {
      depth--;
      if (depth === 0) return { content: text.slice(open + 1, i), end: i + 1 };
    }
  }
  return undefined;
}

/**
 * The last `\boxed{…}` or `\fbox{…}` (also `\boxed 5`), nested braces included. Linear: once a group
 * opened at `i` never closes, a group opened earlier that is still open at `i` never closes either (its
 * depth stays above the later one's), so each earlier group is scanned only up to the last failed opener.
 */
export function lastBoxed(text: string): string | undefined {
  let limit = text.length;
  // each command is searched for again only once the scan has passed its last hit: a command that is
  // absent must not cost a pass over the text for every hit of the other
  let boxed = text.length + 1;
  let fbox = text.length + 1;
  for (let at = text.length; at >= 0; ) {
    if (boxed > at) boxed = text.lastIndexOf('\\boxed', at);
    if (fbox > at) fbox = text.lastIndexOf('\\fbox', at);
    const start = Math.max(boxed, fbox);
    if (start < 0) return undefined;
    let i = start + (start === boxed ? 6 : 5);
    while (text[i] === ' ') i++;
    if (text[i] === '{') {
      const group = bracedGroup(text, i, limit);
      if (group) return group.content.trim();
      limit = i;
    } else if (start === boxed && text[start + 6] === ' ') {
      // `\boxed 5`: the next token up to whitespace or `$`
      let j = i;
      while (j < text.length && !/[\s$]/.test(text[j]!)) j++;
      if (j > i) return text.slice(i, j);
    }
    at = start - 1;
  }
  return undefined;
}

/** Content of the last complete `<tag>…</tag>`, or undefined. */
export function lastTagContent(text: string, tag: string): string | undefined {
  const close = text.lastIndexOf(`</${tag}>`);
  if (close < 0) return undefined;
  const open = text.lastIndexOf(`<${tag}>`, close);
  if (open < 0) return undefined;
  return text.slice(open + tag.length + 2, close).trim();
}

export type AnswerSource = 'answer_tag' | 'boxed' | 'whole';

/** The final answer: the last `<answer>` block, else the last `\boxed{}`, else the whole (trimmed) text. */
export function extractAnswer(
  text: string,
  order: AnswerSource[] = ['answer_tag', 'boxed', 'whole'],
): { answer: string; from: AnswerSource } | undefined {
  for (const source of order) {
    if (source === 'answer_tag') {
      const inner = lastTagContent(text, 'answer');
      if (inner !== undefined) {
        const boxed = lastBoxed(inner);
        return { answer: boxed ?? inner, from: 'answer_tag' };
      }
    } else if (source === 'boxed') {
      const boxed = lastBoxed(text);
      if (boxed !== undefined) return { answer: boxed, from: 'boxed' };
    } else {
      return { answer: text.trim(), from: 'whole' };
    }
  }
  return undefined;
}

/** Strip `<think>…</think>` blocks (and an unclosed trailing one) so only the final answer remains. */
export function stripThinking(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = text.indexOf('<think>', at);
    if (open < 0) return out + text.slice(at);
    out += text.slice(at, open);
    const close = text.indexOf('</think>', open);
    if (close < 0) return out;
    at = close + 8;
  }
}
