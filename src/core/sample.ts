import { z } from 'zod';
import { nestingError } from './depth.js';
import { formatIssues, formatPath } from './spec/issues.js';
import type { Message, Sample } from './types.js';

const messageSchema = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
});

const textOrMessages = z.union([z.string(), z.array(messageSchema)], {
  error: (issue) =>
    issue.input === undefined
      ? 'required: a string or a list of {role, content} messages'
      : 'expected a string or a list of {role, content} messages',
});

const idSchema = z
  .union([z.string(), z.number()], { error: 'expected a string or a number' })
  .transform(String);

/** A sample as it enters (JSONL line, HTTP body). Unknown fields are dropped. */
export const sampleSchema = z.object({
  id: idSchema.optional(),
  prompt: textOrMessages.optional(),
  response: textOrMessages,
  reference: z.unknown().optional(),
  source: z.string().optional(),
  group: idSchema.optional(),
  steps: z.array(z.string()).optional(),
  logprobs: z
    .array(
      z.object({
        token: z.string(),
        logprob: z.number(),
        top_logprobs: z.array(z.object({ token: z.string(), logprob: z.number() })).optional(),
      }),
    )
    .optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});

export type SampleParse = { ok: true; sample: Sample } | { ok: false; errors: string[] };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const optional = (v: unknown, type: 'string' | 'id') =>
  v === undefined || typeof v === 'string' || (type === 'id' && typeof v === 'number');

/**
 * The common shape (string prompt and response, scalar fields) checked by hand: zod costs ~8 µs a sample,
 * which at 100k samples is most of a CLI run. Anything else goes through zod, which also words the errors.
 */
function fastSample(v: Record<string, unknown>): Sample | undefined {
  if (
    typeof v.response !== 'string' ||
    !optional(v.prompt, 'string') ||
    !optional(v.id, 'id') ||
    !optional(v.group, 'id')
  ) {
    return undefined;
  }
  if (!optional(v.source, 'string') || v.steps !== undefined || v.logprobs !== undefined) return undefined;
  if (v.meta !== undefined && !isPlainObject(v.meta)) return undefined;
  const sample: Sample = { response: v.response };
  if (v.id !== undefined) sample.id = String(v.id);
  if (v.prompt !== undefined) sample.prompt = v.prompt as string;
  if (v.reference !== undefined) sample.reference = v.reference;
  if (v.source !== undefined) sample.source = v.source as string;
  if (v.group !== undefined) sample.group = String(v.group);
  if (v.meta !== undefined) sample.meta = v.meta as Record<string, unknown>;
  return sample;
}

/** Validate one sample; errors name the field (`response: expected a string or a list of … messages`). */
export function parseSample(value: unknown, root: PropertyKey[] = []): SampleParse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      errors: [
        `${root.length ? `${formatPath(root)}: ` : ''}expected a sample object with a "response" field`,
      ],
    };
  }
  const deep = nestingError(value, root);
  if (deep) return { ok: false, errors: [deep] };
  const fast = fastSample(value as Record<string, unknown>);
  if (fast) return { ok: true, sample: fast };
  const parsed = sampleSchema.safeParse(value, { reportInput: true });
  if (parsed.success) return { ok: true, sample: parsed.data as Sample };
  return { ok: false, errors: formatIssues(parsed.error, root) };
}

function lastAssistant(messages: Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.role === 'assistant') return messages[i]!.content;
  return messages.at(-1)?.content ?? '';
}

/** The text being rewarded: the response string, or the last assistant message of a conversation. */
export function responseText(sample: Sample): string {
  return typeof sample.response === 'string' ? sample.response : lastAssistant(sample.response);
}

/** The prompt as text: the string, or the last user message of a conversation. */
export function promptText(sample: Sample): string {
  if (sample.prompt === undefined) return '';
  if (typeof sample.prompt === 'string') return sample.prompt;
  for (let i = sample.prompt.length - 1; i >= 0; i--)
    if (sample.prompt[i]!.role === 'user') return sample.prompt[i]!.content;
  return '';
}

/**
 * Indices of the samples by rollout group, groups in first-appearance order; a sample without `group`
 * is a group of its own. Group rewards and batching both need every rollout of a prompt together.
 */
export function groupIndices(samples: readonly Sample[]): number[][] {
  const groups = new Map<string, number[]>();
  samples.forEach((sample, i) => {
    const key = sample.group === undefined ? `\u0000${i}` : `g:${sample.group}`;
    const members = groups.get(key);
    if (members) members.push(i);
    else groups.set(key, [i]);
  });
  return [...groups.values()];
}
