import type OpenAI from 'openai';
import { failed, ok } from '../core/result.js';
import { responseText } from '../core/sample.js';
import type { Outcome, RewardContext, Sample } from '../core/types.js';
import type { JudgeArgs } from './args.js';
import { type ChatReply, type Endpoint, JudgeCallError, type Usage } from './endpoint.js';
import { checkSubstance } from './guard.js';
import { DATA_NOTICE, stripThink } from './text.js';
import { anyVerdictLine, bareVerdict, finalVerdictLine, structuredVerdict } from './verdict.js';

/** The response as the judge will see it, or why it needs no judge. */
export interface Prepared {
  text: string;
  guarded?: string;
}

export function prepareText(
  raw: string,
  a: Pick<JudgeArgs, 'strip_think' | 'guard' | 'guard_injection'>,
  reference?: unknown,
): Prepared {
  const text = a.strip_think ? stripThink(raw) : raw;
  if (!a.guard) return { text };
  const verdict = checkSubstance(text, { injection: a.guard_injection, reference });
  return verdict.substantive ? { text } : { text, guarded: verdict.reason! };
}

/** The outcome for a response with no answer: the guard's score, without asking the judge. */
export function guardedOutcome(guarded: string, score: number): Outcome {
  return ok(score, `guard: ${guarded}`, { guarded, calls: 0 });
}

/** The response as the judge sees it: the final answer, or with `transcript` the whole conversation. */
export function prepareResponse(
  sample: Sample,
  a: Omit<JudgeArgs, 'transcript'> & { transcript?: boolean },
): Prepared {
  const final = prepareText(responseText(sample), a, sample.reference);
  if (!a.transcript || typeof sample.response === 'string' || final.guarded) return final;
  const text = sample.response
    .map((m) => `[${m.role}]\n${a.strip_think ? stripThink(m.content) : m.content}`)
    .join('\n\n');
  return { text };
}

/** A JSON schema for structured output, with the one field the verdict is read from. */
export interface VerdictSchema {
  name: string;
  schema: Record<string, unknown>;
  field: string;
}

export interface Question {
  system: string;
  user: string;
  schema: VerdictSchema;
  /** What the final line must hold, for judges without structured output: `<yes|no>`. */
  lineHint: string;
  topLogprobs?: number;
  /** Distinguishes k sampled votes of the same question (seed and cache key). */
  vote?: number;
}

/** The system message: the role, the data notice when responses are delimited, how to answer. */
export function systemMessage(base: string, a: JudgeArgs, q: Pick<Question, 'schema' | 'lineHint'>): string {
  const parts = [base];
  if (a.delimit) parts.push(DATA_NOTICE);
  parts.push(
    a.structured
      ? `Answer with a JSON object only, matching the given schema; put your verdict in "${q.schema.field}".`
      : `Think briefly, then end your reply with one final line of the form: VERDICT: ${q.lineHint}`,
  );
  return parts.join('\n\n');
}

/** Token usage and call counts summed over every judge call a reward made, for `detail`. */
export class Tally {
  usage: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  calls = 0;
  cached = 0;
  attempts = 0;

  add(reply: ChatReply, cached: boolean, attempts: number): void {
    this.calls++;
    if (cached) this.cached++;
    else {
      this.attempts += attempts;
      if (reply.usage) {
        this.usage.prompt_tokens += reply.usage.prompt_tokens;
        this.usage.completion_tokens += reply.usage.completion_tokens;
        this.usage.total_tokens += reply.usage.total_tokens;
      }
    }
  }

  toDetail(): Record<string, unknown> {
    return { usage: this.usage, calls: this.calls, cached: this.cached, attempts: this.attempts };
  }
}

export interface Answer {
  /** The verdict value, or undefined when the judge's output holds none. */
  verdict: unknown;
  reply: ChatReply;
}

/** One judge call: builds the request from the spec's sampling arguments and reads the verdict. */
export async function ask(
  endpoint: Endpoint,
  a: JudgeArgs,
  q: Question,
  ctx: RewardContext,
  tally: Tally,
): Promise<Answer> {
  const seed = a.seed ?? (q.vote !== undefined ? ctx.seed : undefined);
  const body: OpenAI.ChatCompletionCreateParamsNonStreaming = {
    ...(a.extra_body as object | undefined),
    model: a.model,
    messages: [
      { role: 'system', content: q.system },
      { role: 'user', content: q.user },
    ],
    temperature: a.temperature,
    max_tokens: a.max_tokens,
    ...(a.top_p !== undefined && { top_p: a.top_p }),
    ...(seed !== undefined && { seed: seed + (q.vote ?? 0) }),
    ...(q.topLogprobs !== undefined && { logprobs: true, top_logprobs: q.topLogprobs }),
    ...(a.structured && {
      response_format: {
        type: 'json_schema',
        json_schema: { name: q.schema.name, schema: q.schema.schema, strict: true },
      },
    }),
  };
  const {
    value: reply,
    cached,
    attempts,
  } = await endpoint.chat(body, {
    signal: ctx.signal,
    deadline: ctx.deadline,
    timeoutMs: a.timeout_s * 1000,
    maxRetries: a.max_retries,
  });
  tally.add(reply, cached, attempts);
  return { verdict: readVerdict(reply.content, a, q.schema.field), reply };
}

function readVerdict(content: string, a: JudgeArgs, field: string): unknown {
  if (a.structured) {
    const json = structuredVerdict(content);
    if (json && field in json) return json[field];
  }
  const line = a.verdict_from === 'anywhere' ? anyVerdictLine(content) : finalVerdictLine(content);
  return line ?? bareVerdict(content);
}

/** What the judge was asked to end with, for the message when its reply cannot be read. */
export function expectedVerdict(a: JudgeArgs, values: string): string {
  return a.structured
    ? `a JSON object whose verdict is ${values}`
    : `a final line "VERDICT: <${values}>", or a reply that is only ${values}`;
}

/** The judge's rationale for `detail`: its text without the verdict line, shortened. */
export function rationale(reply: ChatReply): string {
  return stripThink(reply.content).slice(0, 500);
}

/** Failures of the judge become `error` outcomes; anything else (aborts, bugs) goes to the engine. */
export function judgeFailure(err: unknown, tally: Tally): Outcome {
  if (err instanceof JudgeCallError) {
    return failed(`the judge could not answer: ${err.message}`, {
      ...tally.toDetail(),
      attempts: tally.attempts + err.attempts,
    });
  }
  throw err;
}

export function unreadable(reply: ChatReply, expected: string, tally: Tally): Outcome {
  const last = reply.content.trim().split('\n').at(-1)?.slice(0, 80) ?? '';
  return failed(
    `the judge's verdict could not be read (expected ${expected}; last line: ${JSON.stringify(last)})`,
    {
      ...tally.toDetail(),
      judge_output: reply.content.slice(0, 500),
    },
  );
}
