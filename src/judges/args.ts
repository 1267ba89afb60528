import { z } from 'zod';
import type { RewardEnv } from '../core/reward.js';
import { type Endpoint, type EndpointOptions, endpointFor } from './endpoint.js';

/** Arguments every model-based reward takes: where the model is and how hard it may be pushed. */
export const endpointArgs = {
  base_url: z.url({
    error: 'expected the URL of an OpenAI-compatible endpoint, such as http://127.0.0.1:8000/v1',
  }),
  model: z.string().min(1, 'name the model served at base_url'),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the name of an environment variable, such as OPENAI_API_KEY')
    .default('OPENAI_API_KEY'),
  /** Never in a spec file: keys live in the environment. */
  api_key: z
    .unknown()
    .refine(
      (v) => v === undefined,
      'do not put keys in a spec: set an environment variable and name it with api_key_env',
    )
    .optional(),
  max_concurrency: z.number().int().positive().default(32),
  /** Per HTTP attempt; the sample's deadline bounds the whole reward. */
  timeout_s: z.number().positive().default(60),
  rpm: z.number().positive().optional(),
  tpm: z.number().positive().optional(),
  max_retries: z.number().int().min(0).max(20).default(3),
  /** Responses kept in the content-addressed cache (0 turns it off). */
  cache_size: z.number().int().min(0).default(10_000),
  /** Largest reply body accepted from the endpoint, in MiB; a larger reply is an `error`, not retried. */
  max_response_mb: z.number().positive().max(1024).default(16),
};

/** Sampling parameters of the judge's chat call. */
export const samplingArgs = {
  temperature: z.number().min(0).max(2).default(0),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: z.number().int().positive().default(1024),
  seed: z.number().int().optional(),
  /** Ask for JSON under a json_schema response format (vLLM, SGLang, OpenAI, Ollama support it). */
  structured: z.boolean().default(false),
  /** Vendor parameters merged into the request body (e.g. `chat_template_kwargs` for vLLM). */
  extra_body: z.record(z.string(), z.unknown()).optional(),
};

/** The defenses against master-key responses, all on by default. */
export const robustnessArgs = {
  /** Score responses with no substantive answer (empty, punctuation, bare openers, injections) without the judge. */
  guard: z.boolean().default(true),
  /** Also treat instructions aimed at the grader as no answer. */
  guard_injection: z.boolean().default(true),
  /** The score a guarded response gets (within the reward's range). */
  guard_score: z.number().default(0),
  /** Remove `<think>` blocks so the judge sees the final answer only. */
  strip_think: z.boolean().default(true),
  /** Insert responses as delimited data the judge is told never to obey. */
  delimit: z.boolean().default(true),
  /** Read the verdict from the judge's final line only (`anywhere` is the naive parser, for comparisons). */
  verdict_from: z.enum(['final_line', 'anywhere']).default('final_line'),
};

/** What of the sample the judge sees. */
export const viewArgs = {
  /**
   * When the response is a conversation (an agent trajectory), show the judge every message, not only the
   * last assistant message; the guard still checks that final message.
   */
  transcript: z.boolean().default(false),
};

export const judgeArgsShape = { ...endpointArgs, ...samplingArgs, ...robustnessArgs, ...viewArgs };
const judgeArgsObject = z.object(judgeArgsShape);
/** What the shared judge code needs; rewards may make `guard_score` optional (a floor computed per sample). */
export type JudgeArgs = Omit<z.infer<typeof judgeArgsObject>, 'guard_score'> & {
  guard_score?: number | undefined;
};
export type EndpointArgs = Pick<JudgeArgs, keyof typeof endpointArgs>;

export function endpointOptions(a: EndpointArgs, baseURL = a.base_url): EndpointOptions {
  return {
    baseURL: baseURL.replace(/\/+$/, ''),
    apiKeyEnv: a.api_key_env,
    maxConcurrency: a.max_concurrency,
    timeoutMs: a.timeout_s * 1000,
    maxRetries: a.max_retries,
    cacheSize: a.cache_size,
    maxResponseBytes: Math.round(a.max_response_mb * 1024 * 1024),
    ...(a.rpm !== undefined && { rpm: a.rpm }),
    ...(a.tpm !== undefined && { tpm: a.tpm }),
  };
}

export function endpointOf(env: RewardEnv, a: EndpointArgs): Endpoint {
  return endpointFor(env, endpointOptions(a));
}
