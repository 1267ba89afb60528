import { z } from 'zod';
import { ok } from '../../core/result.js';
import type { CpuReward } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';

const args = z
  .object({
    tags: z
      .array(z.string().regex(/^[A-Za-z_][\w.-]*$/, 'a tag name such as "think"'))
      .min(1)
      .default(['think', 'answer']),
    /** Text outside the tags (other than whitespace) fails the format. */
    allow_outside: z.boolean().default(false),
    /** Empty tag content (`<answer></answer>`) fails the tag. */
    allow_empty: z.boolean().default(false),
    /** Partial credit: see `scoreTags`. */
    partial: z.boolean().default(false),
  })
  .strict();

type Args = z.infer<typeof args>;

function positions(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) out.push(i);
  return out;
}

interface TagCheck {
  tag: string;
  ok: boolean;
  problem?: string;
  start: number;
  end: number;
}

/** A tag is well formed when it opens exactly once, closes exactly once after that, and holds content. */
function checkTag(text: string, tag: string, allowEmpty: boolean): TagCheck {
  const opens = positions(text, `<${tag}>`);
  const closes = positions(text, `</${tag}>`);
  const base = { tag, start: opens[0] ?? -1, end: (closes[0] ?? -1) + tag.length + 3 };
  if (opens.length === 0) return { ...base, ok: false, problem: 'missing' };
  if (opens.length > 1 || closes.length > 1) return { ...base, ok: false, problem: 'repeated' };
  if (closes.length === 0) return { ...base, ok: false, problem: 'not closed' };
  if (closes[0]! < opens[0]!) return { ...base, ok: false, problem: 'closed before opened' };
  if (!allowEmpty && text.slice(opens[0]! + tag.length + 2, closes[0]).trim() === '')
    return { ...base, ok: false, problem: 'empty' };
  return { ...base, ok: true };
}

/**
 * Full credit (1) needs every tag well formed, in the given order, not overlapping, and (unless allowed)
 * nothing but whitespace outside them. With `partial`, a failing response gets k/(n+1) for k well-formed
 * tags: the missing +1 is the structure, so partial credit never reaches 1, and a repeated or unclosed tag
 * earns nothing, so spamming tags cannot pay.
 */
export function scoreTags(text: string, a: Args): { score: number; reason: string; problems: string[] } {
  const checks = a.tags.map((t) => checkTag(text, t, a.allow_empty));
  const problems = checks.filter((c) => !c.ok).map((c) => `<${c.tag}> ${c.problem}`);
  if (problems.length === 0) {
    for (let i = 1; i < checks.length; i++) {
      if (checks[i]!.start < checks[i - 1]!.end)
        problems.push(`<${checks[i]!.tag}> must come after </${checks[i - 1]!.tag}>`);
    }
    if (!a.allow_outside && problems.length === 0) {
      let outside = text.slice(0, checks[0]!.start);
      for (let i = 1; i < checks.length; i++) outside += text.slice(checks[i - 1]!.end, checks[i]!.start);
      outside += text.slice(checks.at(-1)!.end);
      if (outside.trim() !== '') problems.push('text outside the tags');
    }
  }
  if (problems.length === 0) return { score: 1, reason: 'format ok', problems };
  const good = checks.filter((c) => c.ok).length;
  return { score: a.partial ? good / (a.tags.length + 1) : 0, reason: problems.join('; '), problems };
}

export const formatTags: CpuReward<Args> = {
  name: 'format.tags',
  mode: 'cpu',
  deterministic: true,
  description:
    'required tags (default <think>…</think><answer>…</answer>): in order, exactly once each, nothing outside',
  args,
  create: (a) => (sample) => {
    const { score, reason, problems } = scoreTags(responseText(sample), a);
    return ok(score, reason, problems.length ? { problems } : undefined);
  },
};
