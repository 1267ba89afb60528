/**
 * The SQL query in a response, found with a line scanner (no regular expressions over model output):
 * with `auto`, the last ```sql fenced block, else the last fenced block without a language, else the last
 * `<answer>` (itself possibly fenced), else the whole response. Reasoning in `<think>` is ignored.
 */
import { lastTagContent, stripThinking } from '../text/extract.js';

export type SqlExtract = 'auto' | 'fence' | 'answer' | 'whole';

interface Fence {
  tag: string;
  body: string;
}

/** Complete fenced blocks (``` or ~~~, three or more), in order. */
export function fencedBlocks(text: string): Fence[] {
  const lines = text.split('\n');
  const out: Fence[] = [];
  let open: { marker: string; tag: string; from: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const ch = line[0];
    if (ch !== '`' && ch !== '~') continue;
    let n = 0;
    while (line[n] === ch) n++;
    if (n < 3) continue;
    if (open) {
      if (line.slice(n).trim() === '' && n >= open.marker.length && ch === open.marker[0]) {
        out.push({ tag: open.tag, body: lines.slice(open.from, i).join('\n') });
        open = undefined;
      }
    } else {
      const tag = line.slice(n).trim().split(/\s/, 1)[0]!.toLowerCase();
      open = { marker: line.slice(0, n), tag, from: i + 1 };
    }
  }
  return out;
}

const isSqlTag = (tag: string) =>
  tag === 'sql' || tag === 'sqlite' || tag === 'postgresql' || tag === 'postgres';

function fromFences(text: string): string | undefined {
  const blocks = fencedBlocks(text);
  const chosen = blocks.filter((b) => isSqlTag(b.tag)).at(-1) ?? blocks.filter((b) => b.tag === '').at(-1);
  return chosen?.body.trim();
}

/** The query, or undefined when the response holds none where `mode` looks. */
export function extractSql(response: string, mode: SqlExtract = 'auto'): string | undefined {
  const text = stripThinking(response);
  const nonEmpty = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());
  if (mode === 'whole') return nonEmpty(text);
  if (mode === 'fence') return nonEmpty(fromFences(text));
  const answer = lastTagContent(text, 'answer');
  if (mode === 'answer') return nonEmpty(answer === undefined ? undefined : (fromFences(answer) ?? answer));
  return nonEmpty(fromFences(text) ?? (answer === undefined ? text : (fromFences(answer) ?? answer)));
}
