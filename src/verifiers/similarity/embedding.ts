/**
 * Embedding similarity: the cosine between the response's embedding and each reference's, through any
 * OpenAI-compatible `POST {base_url}/embeddings` (OpenAI, vLLM, TEI, Ollama…), on the judges' endpoint
 * machinery (shared concurrency bound, RPM/TPM gates, retries with backoff inside the sample's deadline,
 * content-addressed cache). One request embeds the response and its references together.
 */
import { z } from 'zod';
import { failed, ok } from '../../core/result.js';
import type { AsyncReward } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';
import type { Outcome } from '../../core/types.js';
import { endpointArgs, endpointOptions } from '../../judges/args.js';
import { endpointFailure, endpointFor } from '../../judges/endpoint.js';
import { answerAfterThink } from '../text/blocks.js';
import { referenceStrings } from '../text/exact-match.js';

const args = z
  .object({
    ...endpointArgs,
    /** clip: max(0, cosine); rescale: (1 + cosine) / 2. Either way the score is in [0, 1]. */
    negative: z.enum(['clip', 'rescale']).default('clip'),
    /** Sent as `dimensions` (models that can shorten their embeddings). */
    dimensions: z.number().int().positive().optional(),
    strip_think: z.boolean().default(true),
  })
  .strict();
type Args = z.infer<typeof args>;

export function cosine(a: readonly number[], b: readonly number[]): number | undefined {
  if (a.length !== b.length || a.length === 0) return undefined;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? undefined : dot / Math.sqrt(na * nb);
}

/** The vectors of an embeddings reply in input order, or what is wrong with it. */
export function readEmbeddings(json: unknown, expected: number): number[][] | string {
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== expected) {
    return `expected data with ${expected} embeddings, got ${Array.isArray(data) ? data.length : 'none'}`;
  }
  const out: number[][] = new Array(expected);
  for (const [i, item] of data.entries()) {
    const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
    const at = typeof index === 'number' ? index : i;
    if (!Array.isArray(embedding) || !embedding.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      return `data[${i}].embedding is not a list of numbers`;
    }
    out[at] = embedding as number[];
  }
  return out.some((v) => v === undefined) ? 'the reply does not cover every input index' : out;
}

export const embedding: AsyncReward<Args> = {
  name: 'embedding',
  mode: 'async',
  description:
    'cosine similarity of response and reference embeddings from an OpenAI-compatible /embeddings endpoint, best over the references',
  args,
  create(a, env) {
    const endpoint = endpointFor(env, endpointOptions(a));
    const url = `${a.base_url.replace(/\/+$/, '')}/embeddings`;
    return async (sample, ctx): Promise<Outcome> => {
      const refs = referenceStrings(sample.reference);
      if (!refs)
        return failed('reference must be a string or a non-empty list of strings (the reference texts)');
      const text = a.strip_think ? answerAfterThink(responseText(sample)) : responseText(sample);
      const body = {
        model: a.model,
        input: [text, ...refs],
        encoding_format: 'float',
        ...(a.dimensions !== undefined && { dimensions: a.dimensions }),
      };
      try {
        const { value, cached, attempts } = await endpoint.postJson(url, body, {
          signal: ctx.signal,
          deadline: ctx.deadline,
          timeoutMs: a.timeout_s * 1000,
          maxRetries: a.max_retries,
        });
        const vectors = readEmbeddings(value, body.input.length);
        if (typeof vectors === 'string') return failed(`the embeddings reply could not be read: ${vectors}`);
        const cosines = vectors.slice(1).map((v) => cosine(vectors[0]!, v));
        if (cosines.some((c) => c === undefined)) {
          return failed('an embedding was all zeros or the dimensions differ: cosine is undefined');
        }
        const best = Math.max(...(cosines as number[]));
        const score = a.negative === 'clip' ? Math.max(0, best) : (1 + best) / 2;
        return ok(Math.min(1, score), undefined, { cosine: best, cosines, cached, attempts });
      } catch (err) {
        return endpointFailure(err, ctx.signal, 'the embeddings endpoint');
      }
    };
  },
};
