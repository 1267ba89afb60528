import { z } from 'zod';
import { failed, ok } from '../../core/result.js';
import type { CpuReward } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';
import { lastBoxed, lastTagContent } from './extract.js';

const args = z
  .object({
    /** Allowed letters, e.g. "ABCD"; default A–Z. */
    letters: z
      .string()
      .regex(/^[A-Z]+$/, 'letters must be capital letters A–Z')
      .default('ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
  })
  .strict();

const LIMIT = 100_000; // only the tail of a huge response can hold its final choice

/**
 * The chosen letter, looked for from the most explicit form to the least: an <answer> block or \boxed{},
 * "the answer is (B)" / "Answer: B" / "correct option is B", then **B**, then a line that is only
 * "B", "(B)" or "B)". Within a form the last occurrence wins. In the weaker forms a response naming
 * several different letters is ambiguous and gets none: listing every option must not pay.
 */
export function extractChoice(
  text: string,
  letters: string,
): { letter: string; how: string } | { ambiguous: string[] } | undefined {
  const tail = text.length > LIMIT ? text.slice(-LIMIT) : text;
  const set = `[${letters}]`;
  const bare = (s: string | undefined) => {
    const m = s?.trim().match(new RegExp(`^\\(?(${set})\\)?[.:]?$`));
    return m?.[1];
  };
  const explicit =
    bare(lastTagContent(tail, 'answer')) ?? bare(lastBoxed(tail)?.replace(/^\\text\{(.*)\}$/, '$1'));
  if (explicit) return { letter: explicit, how: 'answer block' };
  const phrase = new RegExp(
    `(?:answer|correct option|correct choice|final choice)(?: is|:)?(?: option| choice)?:?\\s*(?:\\*\\*)?\\(?(${set})\\)?(?:\\*\\*)?(?![A-Za-z])`,
    'gi',
  );
  let last: string | undefined;
  for (const m of tail.matchAll(phrase)) {
    const letter = m[1]!;
    if (letters.includes(letter)) last = letter; // the `i` flag must not turn "a" into "A"
  }
  if (last) return { letter: last, how: 'answer phrase' };
  for (const [how, re] of [
    ['bold', new RegExp(`\\*\\*\\(?(${set})\\)?[.:)]?\\*\\*`, 'g')],
    ['line', new RegExp(`^[ \\t]*\\(?(${set})(?:\\)|\\.|:)?[ \\t]*$`, 'gm')],
  ] as const) {
    const found = new Set([...tail.matchAll(re)].map((m) => m[1]!));
    if (found.size === 1) return { letter: [...found][0]!, how };
    if (found.size > 1) return { ambiguous: [...found].sort() };
  }
  return undefined;
}

export const choice: CpuReward<z.infer<typeof args>> = {
  name: 'choice',
  mode: 'cpu',
  deterministic: true,
  description:
    '1 if the multiple-choice letter in the response equals the reference letter (e.g. "B" or "(B)")',
  args,
  create(a) {
    return (sample) => {
      const gold =
        typeof sample.reference === 'string'
          ? sample.reference
              .trim()
              .replace(/^\(?([A-Za-z])\)?\.?$/, '$1')
              .toUpperCase()
          : '';
      if (gold.length !== 1 || !a.letters.includes(gold))
        return failed(`reference must be one letter of ${a.letters}`);
      const found = extractChoice(responseText(sample), a.letters);
      if (!found) return ok(0, 'no choice found', { extracted: null });
      if ('ambiguous' in found)
        return ok(0, `ambiguous: several choices (${found.ambiguous.join(', ')})`, {
          extracted: null,
          candidates: found.ambiguous,
        });
      return found.letter === gold
        ? ok(1, `chose ${found.letter}`, { extracted: found.letter, how: found.how })
        : ok(0, `chose ${found.letter}, expected ${gold}`, { extracted: found.letter, how: found.how });
    };
  },
};
