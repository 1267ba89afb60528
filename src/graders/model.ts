/**
 * The graders that call a model: `score_model` and `label_model` (chat completions) and
 * `text_similarity` with `cosine` (embeddings), all through the judges' endpoint machinery (shared
 * concurrency, rate gates, retries inside the deadline, content-addressed cache). Where the model lives is
 * Assay's addition to the grader object: `endpoint: { base_url, api_key_env, … }` on the node (default
 * base URL: $OPENAI_BASE_URL, else https://api.openai.com/v1).
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import { failed } from '../core/result.js';
import type { AsyncReward, RewardEnv } from '../core/reward.js';
import type { Outcome, RewardContext, Sample } from '../core/types.js';
import { endpointArgs, endpointOptions } from '../judges/args.js';
import { type CallOptions, type Endpoint, endpointFailure, endpointFor } from '../judges/endpoint.js';
import { cosine, readEmbeddings } from '../verifiers/similarity/embedding.js';
import {
  type LabelModel,
  labelModel,
  type ModelMessage,
  type ScoreModel,
  scoreModel,
  type TextSimilarity,
  textSimilarity,
} from './schema.js';
import { type GraderContext, graderContext, OutputError, render, TemplateError } from './template.js';
import { graded } from './text.js';

/** Where the grader's model is served. */
export const endpointConfig = z
  .object({
    ...endpointArgs,
    base_url: endpointArgs.base_url.optional(),
    model: z.string().optional(),
    /** text_similarity cosine: the embeddings model. */
    embedding_model: z.string().default('text-embedding-3-large'),
  })
  .strict();
export type EndpointConfig = z.infer<typeof endpointConfig>;

const DEFAULT_ENDPOINT = () => endpointConfig.parse({});

function endpointOf(
  env: RewardEnv,
  e: EndpointConfig | undefined,
): { endpoint: Endpoint; cfg: EndpointConfig } {
  const cfg = e ?? DEFAULT_ENDPOINT();
  const baseURL = cfg.base_url ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  return {
    endpoint: endpointFor(env, endpointOptions({ ...cfg, base_url: baseURL } as never, baseURL)),
    cfg,
  };
}

const textOf = (content: ModelMessage['content'], ctx: GraderContext): string =>
  (Array.isArray(content) ? content : [content])
    .map((c) => render(typeof c === 'string' ? c : c.text, ctx))
    .join('\n');

function messages(
  input: ModelMessage[],
  ctx: GraderContext,
  format: string,
): OpenAI.ChatCompletionMessageParam[] {
  const out = input.map((m) => ({
    role: m.role === 'developer' ? ('system' as const) : m.role,
    content: textOf(m.content, ctx),
  }));
  return [...out, { role: 'system' as const, content: format }];
}

function sampling(p: ScoreModel['sampling_params']) {
  const max = p?.max_completions_tokens ?? p?.max_completion_tokens;
  return {
    temperature: p?.temperature ?? 0,
    ...(p?.top_p !== undefined && { top_p: p.top_p }),
    ...(p?.seed !== undefined && { seed: p.seed }),
    ...(max !== undefined && { max_tokens: max }),
    ...(p?.reasoning_effort !== undefined && { reasoning_effort: p.reasoning_effort }),
  };
}

/** Run a model grader body, turning template, output and endpoint failures into outcomes. */
async function modelGuarded(
  sample: Sample,
  ctx: RewardContext,
  body: (g: GraderContext) => Promise<Outcome>,
): Promise<Outcome> {
  try {
    return await body(graderContext(sample));
  } catch (err) {
    if (err instanceof TemplateError) return failed(`grader template: ${err.message}`);
    if (err instanceof OutputError) return { status: 'ok', score: 0, reason: err.message };
    return endpointFailure(err, ctx.signal, 'the grader model');
  }
}

const call = (ctx: RewardContext, cfg: EndpointConfig): CallOptions => ({
  signal: ctx.signal,
  deadline: ctx.deadline,
  timeoutMs: cfg.timeout_s * 1000,
  maxRetries: cfg.max_retries,
});

/** The grade in a reply: `{"result": x}` as asked, else the last number of the last line. */
export function readScore(content: string): number | undefined {
  try {
    const v = (JSON.parse(content) as { result?: unknown }).result;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  } catch {
    // not JSON: a model without structured output
  }
  const last = content.trim().split('\n').at(-1) ?? '';
  const nums = last.match(/-?\d+(?:\.\d+)?/g);
  return nums ? Number(nums.at(-1)) : undefined;
}

/** The label in a reply: `{"result": label}`, else a last line that is exactly one of the labels. */
export function readLabel(content: string, labels: string[]): string | undefined {
  try {
    const v = (JSON.parse(content) as { result?: unknown }).result;
    if (typeof v === 'string' && labels.includes(v)) return v;
  } catch {
    // fall back to the last line
  }
  const last = (content.trim().split('\n').at(-1) ?? '').trim().replace(/^["'`*]+|["'`*.]+$/g, '');
  return labels.find((l) => l === last) ?? labels.find((l) => l.toLowerCase() === last.toLowerCase());
}

/** Ask the grader model for `{"result": …}` under a JSON schema; returns the reply's text. */
async function askJson(
  endpoint: Endpoint,
  g: { model: string; input: ModelMessage[]; sampling_params?: ScoreModel['sampling_params'] },
  gctx: GraderContext,
  format: string,
  name: string,
  result: Record<string, unknown>,
  call: CallOptions,
): Promise<string> {
  const { value } = await endpoint.chat(
    {
      model: g.model,
      messages: messages(g.input, gctx, format),
      ...sampling(g.sampling_params),
      response_format: {
        type: 'json_schema',
        json_schema: {
          name,
          strict: true,
          schema: {
            type: 'object',
            properties: { result },
            required: ['result'],
            additionalProperties: false,
          },
        },
      },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming,
    call,
  );
  return value.content;
}

type WithEndpoint<G> = G & { endpoint?: EndpointConfig | undefined };

export const scoreModelReward: AsyncReward<WithEndpoint<ScoreModel>> = {
  name: 'grader.score_model',
  mode: 'async',
  description:
    'OpenAI score_model grader: a chat model grades the sample; the score is its number within range',
  args: scoreModel.extend({ endpoint: endpointConfig.optional() }) as never,
  create(g, env) {
    const { endpoint, cfg } = endpointOf(env, g.endpoint);
    const [lo, hi] = g.range ?? [0, 1];
    const format = `Reply with JSON only: {"result": <a number from ${lo} to ${hi}>}.`;
    return (sample, ctx) =>
      modelGuarded(sample, ctx, async (gctx) => {
        const content = await askJson(endpoint, g, gctx, format, 'grade', { type: 'number' }, call(ctx, cfg));
        const score = readScore(content);
        if (score === undefined || score < lo || score > hi) {
          return failed(`the grader's reply has no score in [${lo}, ${hi}]: ${content.slice(0, 120)}`);
        }
        return graded(score, g.pass_threshold, { range: [lo, hi] });
      });
  },
};

export const labelModelReward: AsyncReward<WithEndpoint<LabelModel>> = {
  name: 'grader.label_model',
  mode: 'async',
  description: 'OpenAI label_model grader: a chat model picks one of labels; 1 when it is a passing label',
  args: labelModel.extend({ endpoint: endpointConfig.optional() }) as never,
  create(g, env) {
    const { endpoint, cfg } = endpointOf(env, g.endpoint);
    const format = `Reply with JSON only: {"result": one of ${JSON.stringify(g.labels)}}.`;
    return (sample, ctx) =>
      modelGuarded(sample, ctx, async (gctx) => {
        const content = await askJson(
          endpoint,
          g,
          gctx,
          format,
          'label',
          { type: 'string', enum: g.labels },
          call(ctx, cfg),
        );
        const label = readLabel(content, g.labels);
        if (label === undefined)
          return failed(`the grader's reply names none of the labels: ${content.slice(0, 120)}`);
        const pass = g.passing_labels.includes(label);
        return {
          status: 'ok',
          score: pass ? 1 : 0,
          reason: `label: ${label}`,
          detail: { label, passed: pass },
        };
      });
  },
};

export const cosineReward: AsyncReward<WithEndpoint<TextSimilarity>> = {
  name: 'grader.cosine',
  mode: 'async',
  description:
    'OpenAI text_similarity grader with evaluation_metric cosine: embedding cosine of input and reference',
  args: textSimilarity.extend({ endpoint: endpointConfig.optional() }) as never,
  create(g, env) {
    const { endpoint, cfg } = endpointOf(env, g.endpoint);
    const url = `${endpoint.opts.baseURL}/embeddings`;
    return (sample, ctx) =>
      modelGuarded(sample, ctx, async (gctx) => {
        const input = [render(g.input, gctx), render(g.reference, gctx)];
        const { value } = await endpoint.postJson(
          url,
          { model: cfg.embedding_model, input, encoding_format: 'float' },
          call(ctx, cfg),
        );
        const vectors = readEmbeddings(value, 2);
        if (typeof vectors === 'string') return failed(`the embeddings reply could not be read: ${vectors}`);
        const c = cosine(vectors[0]!, vectors[1]!);
        if (c === undefined) return failed('an embedding was all zeros: cosine is undefined');
        return graded(c, g.pass_threshold, { metric: 'cosine' });
      });
  },
};
