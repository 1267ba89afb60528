import type OpenAI from 'openai';
import pLimit, { type LimitFunction } from 'p-limit';
import { failed } from '../core/result.js';
import type { RewardEnv } from '../core/reward.js';
import type { Outcome, TokenLogprob } from '../core/types.js';
import { ResponseCache } from './cache.js';
import { cappedFetch, tooLargeIn } from './capped-fetch.js';
import { RateGate, sleep } from './rate.js';
import { backoffMs, describeError, HttpError, isRetryable, type RetryPolicy } from './retry.js';
import { sha256 } from './text.js';

export interface EndpointOptions {
  baseURL: string;
  /** Name of the environment variable holding the key; unset gives 'EMPTY', as local servers expect. */
  apiKeyEnv: string;
  maxConcurrency: number;
  rpm?: number;
  tpm?: number;
  /** Per attempt; the sample's deadline bounds the whole call. */
  timeoutMs: number;
  maxRetries: number;
  cacheSize: number;
  retryBaseMs?: number;
  /** Largest reply body accepted (bytes); a larger one fails the call without retries. Default 16 MiB. */
  maxResponseBytes?: number;
}

/** Replies of a judge or reward model are kilobytes; per-token values of a long response, a few MB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatReply {
  content: string;
  logprobs?: TokenLogprob[];
  usage?: Usage;
  finish_reason?: string;
}

/** Per call: the caller's signal and deadline, and the spec's own timeout and retry budget. */
export interface CallOptions {
  signal: AbortSignal;
  /** Absolute (ms since epoch): no retry is started that would end after it. */
  deadline: number;
  /** Per attempt; defaults to the endpoint's. */
  timeoutMs?: number;
  maxRetries?: number;
}

export interface Called<V> {
  value: V;
  cached: boolean;
  attempts: number;
}

/** The judge could not answer: what failed and after how many attempts (becomes an `error` result). */
export class JudgeCallError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'JudgeCallError';
  }
}

/**
 * The `error` outcome of a call to `who` (an endpoint, a judge) that failed: its retries spent (with
 * their count), or any other error described briefly. An abort (the sample's deadline) is rethrown, so
 * the caller reports `timeout`, never an error.
 */
export function endpointFailure(
  err: unknown,
  signal: AbortSignal,
  who: string,
  detail?: Record<string, unknown>,
): Outcome {
  if (err instanceof JudgeCallError)
    return failed(`${who} could not answer: ${err.message}`, { ...detail, attempts: err.attempts });
  if (signal.aborted) throw err;
  return failed(`${who} could not answer: ${describeError(err)}`, detail);
}

/**
 * One inference endpoint, shared by every spec that names its base URL: the OpenAI client, the
 * concurrency bound, the RPM/TPM gates, retries and the response cache. The SDK's own retries are off:
 * ours release the concurrency slot while backing off, honour the sample's deadline and count attempts.
 */
export class Endpoint {
  private client: Promise<OpenAI> | undefined;
  readonly cache: ResponseCache<unknown>;
  private readonly limit: LimitFunction;
  private readonly requests: RateGate;
  private readonly tokens: RateGate;
  private readonly retry: RetryPolicy;
  private readonly fetch: typeof fetch;
  /** Figures for benchmarks and logs. */
  readonly stats = { calls: 0, attempts: 0, retries: 0, failures: 0 };

  constructor(readonly opts: EndpointOptions) {
    this.limit = pLimit(opts.maxConcurrency);
    this.requests = new RateGate(opts.rpm, 1);
    this.tokens = new RateGate(opts.tpm);
    this.retry = { maxRetries: opts.maxRetries, baseDelayMs: opts.retryBaseMs ?? 500, maxDelayMs: 30_000 };
    this.cache = new ResponseCache(opts.cacheSize);
    this.fetch = cappedFetch(opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
  }

  /** The SDK client, loaded on first use (CPU worker threads that import the built-ins never load it). */
  private sdk(): Promise<OpenAI> {
    this.client ??= import('openai').then(
      ({ default: OpenAIClient }) =>
        new OpenAIClient({
          baseURL: this.opts.baseURL,
          apiKey: process.env[this.opts.apiKeyEnv] || 'EMPTY',
          maxRetries: 0,
          timeout: this.opts.timeoutMs,
          fetch: this.fetch,
        }),
    );
    return this.client;
  }

  /** A chat completion (non-streaming), cached by the full request. */
  async chat(
    body: OpenAI.ChatCompletionCreateParamsNonStreaming,
    call: CallOptions,
  ): Promise<Called<ChatReply>> {
    const estimate =
      Math.ceil(JSON.stringify(body.messages).length / 4) +
      (body.max_tokens ?? body.max_completion_tokens ?? 0);
    const client = await this.sdk(); // loaded before taking a rate or concurrency slot
    return this.call(['chat', body], estimate, call, async (attemptSignal) => {
      const completion = await client.chat.completions.create(
        { ...body, stream: false },
        { signal: attemptSignal, timeout: call.timeoutMs ?? this.opts.timeoutMs, maxRetries: 0 },
      );
      const choice = completion.choices[0];
      if (!choice) throw new JudgeCallError('the judge returned no choices', 1);
      const reply: ChatReply = { content: choice.message.content ?? '' };
      if (choice.finish_reason) reply.finish_reason = choice.finish_reason;
      const lp = choice.logprobs?.content;
      if (lp) {
        reply.logprobs = lp.map((t) => ({
          token: t.token,
          logprob: t.logprob,
          top_logprobs: (t.top_logprobs ?? []).map((a) => ({ token: a.token, logprob: a.logprob })),
        }));
      }
      if (completion.usage) {
        const { prompt_tokens, completion_tokens, total_tokens } = completion.usage;
        reply.usage = { prompt_tokens, completion_tokens, total_tokens };
      }
      return { value: reply, tokens: completion.usage?.total_tokens };
    });
  }

  /** POST JSON to a URL on this endpoint's limits (reward-model servers), cached by URL and body. */
  postJson(url: string, body: unknown, call: CallOptions): Promise<Called<unknown>> {
    const estimate = Math.ceil(JSON.stringify(body).length / 4);
    return this.call(['post', url, body], estimate, call, async (attemptSignal) => {
      const key = process.env[this.opts.apiKeyEnv];
      const res = await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) },
        body: JSON.stringify(body),
        signal: AbortSignal.any([attemptSignal, AbortSignal.timeout(call.timeoutMs ?? this.opts.timeoutMs)]),
      });
      const text = await res.text();
      if (!res.ok) throw new HttpError(res.status, text.slice(0, 200) || res.statusText, res.headers);
      try {
        return { value: JSON.parse(text) as unknown };
      } catch {
        throw new JudgeCallError(`the server returned non-JSON: ${text.slice(0, 120)}`, 1);
      }
    });
  }

  private async call<V>(
    keyParts: unknown[],
    estimate: number,
    call: CallOptions,
    attempt: (signal: AbortSignal) => Promise<{ value: V; tokens?: number | undefined }>,
  ): Promise<Called<V>> {
    this.stats.calls++;
    const { signal, deadline } = call;
    const policy =
      call.maxRetries === undefined ? this.retry : { ...this.retry, maxRetries: call.maxRetries };
    let attempts = 0;
    const run = async (): Promise<V> => {
      for (;;) {
        attempts++;
        try {
          return await this.limit(async () => {
            signal.throwIfAborted();
            await this.requests.admit(1, signal);
            await this.tokens.admit(estimate, signal);
            this.stats.attempts++;
            const out = await attempt(signal);
            if (out.tokens !== undefined) this.tokens.adjust(out.tokens - estimate);
            return out.value;
          });
        } catch (err) {
          if (signal.aborted || err instanceof JudgeCallError) throw err;
          const tooLarge = tooLargeIn(err);
          if (tooLarge) {
            this.stats.failures++;
            throw new JudgeCallError(tooLarge.message, attempts);
          }
          if (!isRetryable(err) || attempts > policy.maxRetries) {
            this.stats.failures++;
            const tail = attempts > 1 ? ` (after ${attempts} attempts)` : '';
            throw new JudgeCallError(`${describeError(err)}${tail}`, attempts);
          }
          const wait = backoffMs(attempts, policy, err);
          if (Date.now() + wait >= deadline) {
            this.stats.failures++;
            throw new JudgeCallError(
              `${describeError(err)} (no time left to retry before the deadline)`,
              attempts,
            );
          }
          this.stats.retries++;
          await sleep(wait, signal);
        }
      }
    };
    if (this.opts.cacheSize <= 0) return { value: await run(), cached: false, attempts };
    const key = sha256(JSON.stringify([this.opts.baseURL, ...keyParts]));
    try {
      const { value, cached } = await this.cache.through(key, run);
      return { value: value as V, cached, attempts };
    } catch (err) {
      // A shared call aborted by another caller's deadline: this caller still has time, so it asks itself.
      if (attempts === 0 && !(err instanceof JudgeCallError) && !signal.aborted)
        return { value: await run(), cached: false, attempts };
      throw err;
    }
  }

  close(): void {
    this.cache.clear();
  }
}

/**
 * The endpoint shared by every spec naming this base URL: the first spec to name it sets the shared
 * limits (concurrency, rpm, tpm, cache size); timeouts and retries are each spec's own, per call.
 */
export function endpointFor(env: RewardEnv, opts: EndpointOptions): Endpoint {
  return env.service(`judges:${opts.baseURL}`, () => new Endpoint(opts));
}
