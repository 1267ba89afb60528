import { z } from 'zod';
import { failed, ok } from '../core/result.js';
import type { AsyncReward } from '../core/reward.js';
import { promptText } from '../core/sample.js';
import type { Outcome, Sample } from '../core/types.js';
import { endpointArgs, endpointOptions, robustnessArgs } from './args.js';
import { guardedOutcome, prepareResponse } from './ask.js';
import { endpointFailure, endpointFor } from './endpoint.js';
import { fillTemplate, referenceText } from './text.js';

const rmArgs = z
  .object({
    ...endpointArgs,
    ...robustnessArgs,
    /** The server root (vLLM: http://host:8000, without /v1): /pooling and /classify are appended. */
    base_url: endpointArgs.base_url,
    /** pooling: vLLM POST /pooling, the value at the last token; classify: POST /classify, one label's probability; generic: any JSON API. */
    api: z.enum(['pooling', 'classify', 'generic']).default('pooling'),
    /** pooling/classify: send chat `messages` (the server applies the chat template) or a single `input` string. */
    input: z.enum(['messages', 'text']).default('messages'),
    /** The text sent when input is `text`. */
    text_template: z.string().default('{{prompt}}{{response}}'),
    /** classify: the index of the class whose probability is the reward. */
    label_index: z.number().int().min(0).default(1),
    /** generic: the full URL, a JSON body whose strings may hold {{prompt}}, {{response}}, {{reference}}, {{model}}, and the path to the score (`data.0.score`). */
    url: z.url().optional(),
    body: z.unknown().optional(),
    score_path: z.string().optional(),
    /** sigmoid: squashed to (0, 1), so the guard's 0 is below every real score; none: the raw value. */
    normalize: z.enum(['none', 'sigmoid']).default('sigmoid'),
    guard_score: z.number().optional(),
    // Robustness options that only apply to judges reading text.
    delimit: z.boolean().default(false),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.guard && a.normalize === 'none' && a.guard_score === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['guard_score'],
        message:
          "raw reward-model scores have no known floor: set guard_score below the model's range (e.g. -10), or normalize: sigmoid, or guard: false",
      });
    }
    if (a.api !== 'generic') return;
    for (const key of ['url', 'body', 'score_path'] as const) {
      if (a[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: `api: generic needs ${key}` });
    }
  });
type RmArgs = z.infer<typeof rmArgs>;

/** Fill placeholders in every string of a JSON template. */
export function fillJson(template: unknown, values: Record<string, string>): unknown {
  if (typeof template === 'string') return fillTemplate(template, values);
  if (Array.isArray(template)) return template.map((t) => fillJson(t, values));
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillJson(v, values)]));
  }
  return template;
}

/** Follow a dotted path (`data.0.score`, `$.data[0].score`) into parsed JSON. */
export function atPath(value: unknown, path: string): unknown {
  const keys = path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((k) => k.length > 0);
  let at: unknown = value;
  for (const k of keys) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[k];
  }
  return at;
}

/** The reward in a pooling output: a number, or the value at the last token of per-token values (nested lists flattened). */
export function lastValue(data: unknown): number | undefined {
  if (typeof data === 'number') return data;
  if (Array.isArray(data) && data.length > 0) return lastValue(data.at(-1));
  return undefined;
}

function request(a: RmArgs, sample: Sample, response: string): { url: string; body: unknown } {
  const base = a.base_url.replace(/\/+$/, '');
  const prompt = promptText(sample);
  if (a.api === 'generic') {
    const values = { prompt, response, reference: referenceText(sample.reference), model: a.model };
    return { url: a.url!, body: fillJson(a.body, values) };
  }
  const payload =
    a.input === 'messages'
      ? {
          messages: [
            ...(typeof sample.prompt === 'object'
              ? sample.prompt
              : prompt
                ? [{ role: 'user', content: prompt }]
                : []),
            { role: 'assistant', content: response },
          ],
        }
      : { input: fillTemplate(a.text_template, { prompt, response }) };
  return { url: `${base}/${a.api}`, body: { model: a.model, ...payload } };
}

function readScore(a: RmArgs, json: unknown): number | string {
  if (a.api === 'generic') {
    const v = atPath(json, a.score_path!);
    return typeof v === 'number' && Number.isFinite(v)
      ? v
      : `no number at ${a.score_path} in the server's reply`;
  }
  const first = atPath(json, 'data.0');
  if (a.api === 'pooling') {
    const v = lastValue(atPath(first, 'data'));
    return v !== undefined && Number.isFinite(v) ? v : 'no value in data[0].data of the pooling reply';
  }
  const probs = atPath(first, 'probs');
  if (!Array.isArray(probs)) return 'no probs in data[0] of the classify reply';
  const p = probs[a.label_index];
  return typeof p === 'number' ? p : `label_index ${a.label_index} is out of range (${probs.length} classes)`;
}

export const rewardModel: AsyncReward<RmArgs> = {
  name: 'reward_model',
  mode: 'async',
  description:
    'a scalar reward model over HTTP: vLLM /pooling (last-token value), /classify (a label probability), or a generic JSON API',
  args: rmArgs as unknown as z.ZodType<RmArgs>,
  create(a, env) {
    const endpoint = endpointFor(env, endpointOptions(a));
    return async (sample, ctx): Promise<Outcome> => {
      const prepared = prepareResponse(sample, a as never);
      if (prepared.guarded) return guardedOutcome(prepared.guarded, a.guard_score ?? 0);
      const { url, body } = request(a, sample, prepared.text);
      try {
        const { value, cached, attempts } = await endpoint.postJson(url, body, {
          signal: ctx.signal,
          deadline: ctx.deadline,
          timeoutMs: a.timeout_s * 1000,
          maxRetries: a.max_retries,
        });
        const raw = readScore(a, value);
        if (typeof raw === 'string') return failed(`the reward model's reply could not be read: ${raw}`);
        const score = a.normalize === 'sigmoid' ? 1 / (1 + Math.exp(-raw)) : raw;
        return ok(score, undefined, { raw, cached, attempts });
      } catch (err) {
        return endpointFailure(err, ctx.signal, 'the reward model');
      }
    };
  },
};
